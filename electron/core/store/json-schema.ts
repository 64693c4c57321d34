// A checker for the small part of JSON Schema that the settings schema uses (settings.ts). conf would compile
// that schema with ajv on every start, which costs a CLI command ~50 ms; walking the same schema object here
// costs well under a millisecond, and the schema stays the one definition of what a settings file may hold.
// A keyword this checker does not know is refused when the schema is read, so the schema cannot silently grow
// a rule that nothing checks.

/** The JSON Schema keywords the checker understands. */
export interface SchemaNode {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'boolean';
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: SchemaNode;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly unknown[];
}

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'maxItems',
  'minLength',
  'minimum',
  'maximum',
  'enum',
]);

/** Throws when `schema` uses a keyword this checker would ignore. Call once per schema, at module load. */
export function assertCheckableSchema(schema: SchemaNode, at = '#'): void {
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) throw new Error(`settings schema: keyword "${key}" at ${at} is not checked`);
  }
  for (const [name, inner] of Object.entries(schema.properties ?? {}))
    assertCheckableSchema(inner, `${at}/${name}`);
  if (schema.items) assertCheckableSchema(schema.items, `${at}/items`);
}

function typeOk(type: SchemaNode['type'], value: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

/**
 * Every way `value` breaks `schema`, as "`path` what is wrong" lines (conf's wording, so messages stay the
 * same); empty when it conforms.
 */
export function schemaViolations(schema: SchemaNode, value: unknown, at = ''): string[] {
  const where = `\`${at}\``;
  if (!typeOk(schema.type, value)) return [`${where} must be ${schema.type}`];
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value))
    out.push(`${where} must be equal to one of the allowed values`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.push(`${where} must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      out.push(`${where} must be <= ${schema.maximum}`);
  }
  if (typeof value === 'string' && schema.minLength !== undefined && value.length < schema.minLength)
    out.push(`${where} must NOT have fewer than ${schema.minLength} characters`);
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      out.push(`${where} must NOT have more than ${schema.maxItems} items`);
    const items = schema.items;
    if (items) value.forEach((item, i) => out.push(...schemaViolations(items, item, join(at, String(i)))));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record: Record<string, unknown> = { ...value };
    for (const name of schema.required ?? [])
      if (!Object.hasOwn(record, name)) out.push(`${where} must have required property '${name}'`);
    const properties = schema.properties ?? {};
    for (const [name, inner] of Object.entries(record)) {
      const rule = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (rule) out.push(...schemaViolations(rule, inner, join(at, name)));
      else if (schema.additionalProperties === false)
        out.push(`${where} must NOT have additional properties ('${name}')`);
    }
  }
  return out;
}

function join(at: string, name: string): string {
  return at === '' ? name : `${at}/${name}`;
}
