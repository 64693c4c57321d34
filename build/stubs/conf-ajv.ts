// Stands in for ajv and ajv-formats in the CLI bundle (see build.ts, confWithoutAjv). conf imports both when it
// loads but calls them only for a `schema` option, which Rolebar never passes: settings.ts checks the settings
// schema itself (json-schema.ts). If conf ever asks for a validator, this says so instead of validating nothing.
const notBundled = (): never => {
  throw new Error(
    "ajv is not bundled into Rolebar's CLI: conf was given a schema, but settings.ts checks the schema itself",
  );
};

/** conf's `new Ajv2020(…)`. */
export class Ajv2020 {
  constructor() {
    notBundled();
  }
}

/** ajv-formats' default export, called as `ajvFormats(ajv)` (a stub module must match the default export it replaces). */
// eslint-disable-next-line no-restricted-syntax
export default notBundled;
