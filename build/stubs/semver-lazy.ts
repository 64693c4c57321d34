// Stands in for semver in the CLI bundle (see build.ts, lazySemver): conf imports it as it loads, which costs
// about 5 ms of regular expressions on every `rolebar` call, but calls it only to migrate the settings file, and
// openSettings gives conf no migrations while the file is already at the current format. The real semver
// (bundled all the same) is loaded on the first call.
type Call = (...args: unknown[]) => unknown;
type Semver = Record<'clean' | 'eq' | 'gt' | 'lte' | 'satisfies', Call>;

let real: Semver | undefined;
// A require() esbuild bundles and runs only when called: the real module ("semver/index.js" is not this stub's).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = (): Semver => (real ??= require('semver/index.js') as Semver);

/** conf's `import semver from 'semver'`: the calls it makes. */
const lazy: Semver = {
  clean: (...args) => semver().clean(...args),
  eq: (...args) => semver().eq(...args),
  gt: (...args) => semver().gt(...args),
  lte: (...args) => semver().lte(...args),
  satisfies: (...args) => semver().satisfies(...args),
};

// eslint-disable-next-line no-restricted-syntax
export default lazy;
