/**
 * Parsers for the records kept in settings.json: identities, roles, session records and preferences. A record
 * read back is checked with the same rules as one typed in (rules/fields.ts, rules/limits.ts, model.checkRole)
 * and comes back typed and normalised, or a StoredRecordError names the file, the record and what is wrong.
 * Nothing here changes the file: a record that does not parse is left for the user to fix.
 */
import { RolebarError } from '../domain/errors.js';
import {
  CREDENTIAL_SOURCES,
  checkRole,
  type Identity,
  type IdentityBase,
  type IdentityKind,
  type IdentityOf,
  type Role,
  type SessionTag,
} from '../domain/model.js';
import type { SessionRecord, SessionVia } from './sessions.js';
import {
  DEFAULT_PREFERENCES,
  type PreferenceRule,
  type Preferences,
  preferenceRules,
} from '../domain/preferences.js';
import * as fields from '../domain/fields.js';
import { applyRule, type FieldProblem, shown, type TextRule } from '../domain/fields.js';
import * as limits from '../domain/limits.js';

/** A record in the settings file that cannot be used as it is. */
export class StoredRecordError extends RolebarError {
  constructor(file: string, record: string, problem: FieldProblem) {
    super(
      'settings-record-invalid',
      `The settings file ${file} holds ${record}, which cannot be used: ${problem.message}`,
      {
        hint: `${problem.hint} Fix or remove that record in the file (Rolebar changed nothing), then try again.`,
        context: { file, record },
      },
    );
  }
}

/** The kinds of record, in the words an error uses. */
type Kind = 'an identity' | 'a role' | 'a session record' | 'the preferences';

/** Reads the fields of one raw record; every failure names the file and the record. */
class RecordReader {
  readonly record: string;
  private readonly raw: Record<string, unknown>;
  /** `record` is what the error calls it: the kind, and the name under `nameKey` and the id when present. */
  constructor(
    private readonly file: string,
    record: Kind | { within: string },
    raw: unknown,
    nameKey?: string,
  ) {
    this.raw = isRecord(raw) ? raw : {};
    const id = typeof this.raw.id === 'string' ? ` (id ${shown(this.raw.id)})` : '';
    const name = nameKey && typeof this.raw[nameKey] === 'string' ? ` "${shown(this.raw[nameKey])}"` : '';
    this.record = typeof record === 'string' ? `${record}${name}${id}` : record.within;
    if (!isRecord(raw)) this.fail('it is not an object.', 'Each record is a JSON object.');
  }

  /** A reader for an object nested under `key` (or `raw`), reporting errors against this record. */
  nested(key: string, raw: unknown = this.raw[key]): RecordReader {
    return new RecordReader(this.file, { within: `${this.record} (its "${key}")` }, raw);
  }

  fail(message: string, hint: string): never {
    throw new StoredRecordError(this.file, this.record, { message, hint });
  }

  private wrong(key: string, expected: string): never {
    return this.fail(`its "${key}" is not ${expected}.`, `Give "${key}" ${expected}.`);
  }

  string(key: string): string {
    const value = this.raw[key];
    return typeof value === 'string' && value !== '' ? value : this.wrong(key, 'a non-empty string');
  }

  optionalString(key: string): string | undefined {
    return this.raw[key] === undefined || this.raw[key] === null ? undefined : this.string(key);
  }

  /** A text field checked (and normalised) by its rule. */
  text(key: string, rule: TextRule): string {
    const checked = applyRule(rule, this.string(key));
    return checked.ok ? checked.value : this.fail(checked.problem.message, checked.problem.hint);
  }

  optionalText(key: string, rule: TextRule): string | undefined {
    return this.optionalString(key) === undefined ? undefined : this.text(key, rule);
  }

  boolean(key: string): boolean {
    const value = this.raw[key];
    return typeof value === 'boolean' ? value : this.wrong(key, 'true or false');
  }

  optionalBoolean(key: string): boolean | undefined {
    return this.raw[key] === undefined ? undefined : this.boolean(key);
  }

  number(key: string): number {
    const value = this.raw[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : this.wrong(key, 'a number');
  }

  /** A whole number inside one of the numeric rules. */
  int(key: string, range: limits.IntRange): number {
    const found = limits.rangeProblem(range, this.raw[key]);
    return found ? this.fail(found.message, found.hint) : this.number(key);
  }

  date(key: string): string {
    const value = this.string(key);
    return Number.isFinite(Date.parse(value)) ? value : this.wrong(key, 'a date (ISO 8601)');
  }

  oneOf<const T extends string>(key: string, options: readonly T[]): T {
    const value = this.raw[key];
    const found = options.find((option) => option === value);
    return found ?? this.wrong(key, `one of ${options.join(', ')}`);
  }

  value(key: string): unknown {
    return this.raw[key];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Puts the parsed record's fields in the order the stored record had them, so that reading and saving a list
 * back changes no byte of a record nobody edited (new fields, if any, come first).
 */
function inStoredOrder<T extends object>(raw: unknown, parsed: T): T {
  if (!isRecord(raw)) return parsed;
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(parsed, key)) continue;
    const value: unknown = Reflect.get(parsed, key);
    Reflect.deleteProperty(parsed, key);
    Reflect.set(parsed, key, value);
  }
  return parsed;
}

/** Drops absent optional fields, so a parsed record never carries `key: undefined`. */
function defined<T extends object>(record: T): T {
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) Reflect.deleteProperty(record, key);
  }
  return record;
}

/**
 * What each kind of identity stores besides the common fields. A table rather than a branch: TypeScript asks for
 * an entry when a kind is added to the Identity union, and this is the only place the store knows the kinds (it
 * reads the settings file, which the credential sources above it may not be needed for: the small
 * credential-process entry parses records too).
 */
const KIND_FIELDS: {
  [K in IdentityKind]: (r: RecordReader) => Omit<IdentityOf<K>, keyof IdentityBase | 'kind'>;
} = {
  'iam-user': (r) =>
    defined({
      accessKeyId: r.text('accessKeyId', fields.accessKeyId),
      keyVersion: r.value('keyVersion') === undefined ? undefined : r.number('keyVersion'),
    }),
  'aws-profile': (r) => ({ profile: r.text('profile', fields.profileName) }),
  'credential-source': (r) => ({ source: r.oneOf('source', CREDENTIAL_SOURCES) }),
  'identity-center': (r) => ({
    startUrl: r.text('startUrl', fields.ssoStartUrl),
    ssoRegion: r.text('ssoRegion', fields.region),
    ...(r.optionalBoolean('awsCliCache') ? { awsCliCache: true } : {}),
  }),
};
const IDENTITY_KINDS = Object.keys(KIND_FIELDS) as IdentityKind[];

/** Parses one stored identity. */
export function parseIdentityRecord(raw: unknown, file: string): Identity {
  const r = new RecordReader(file, 'an identity', raw, 'name');
  const base = defined({
    id: r.string('id'),
    name: r.text('name', fields.identityName),
    userName: r.optionalString('userName'),
    mfaSerial: r.optionalText('mfaSerial', fields.mfaSerial),
    region: r.optionalText('region', fields.region),
    endpoint: r.optionalString('endpoint'),
  });
  const kind = r.oneOf('kind', IDENTITY_KINDS);
  const identity = { ...base, kind, ...KIND_FIELDS[kind](r) } as Identity;
  return inStoredOrder(raw, identity);
}

/** Parses one stored role: the shape here, every rule through checkRole (the check a new role passes). */
export function parseRoleRecord(raw: unknown, file: string): Role {
  const r = new RecordReader(file, 'a role', raw, 'label');
  const source = r.nested('source');
  const tags = r.value('tags');
  const role: Role = defined({
    id: r.string('id'),
    label: r.string('label'),
    roleArn: r.optionalString('roleArn'),
    roleName: r.optionalString('roleName'),
    source: inStoredOrder(r.value('source'), {
      kind: source.oneOf('kind', ['identity', 'role']),
      id: source.string('id'),
    }),
    sessionName: r.optionalString('sessionName'),
    externalId: r.optionalString('externalId'),
    mfa: r.boolean('mfa'),
    mfaSerial: r.optionalString('mfaSerial'),
    durationSeconds: r.value('durationSeconds') === undefined ? undefined : r.number('durationSeconds'),
    sourceIdentity: r.optionalString('sourceIdentity'),
    tags: tags === undefined ? undefined : parseTags(r, tags),
    region: r.optionalString('region'),
    profileName: r.optionalString('profileName'),
    notify: r.optionalBoolean('notify'),
    sso: r.value('sso') === undefined ? undefined : parseSso(r.nested('sso')),
  });
  try {
    return inStoredOrder(raw, checkRole(role));
  } catch (error) {
    if (!(error instanceof RolebarError)) throw error;
    return r.fail(error.message, error.hint ?? 'Correct the field.');
  }
}

function parseSso(r: RecordReader): Role['sso'] {
  return defined({
    accountId: r.string('accountId'),
    roleName: r.string('roleName'),
    accountName: r.optionalString('accountName'),
  });
}

function parseTags(r: RecordReader, tags: unknown): SessionTag[] {
  if (!Array.isArray(tags))
    return r.fail('its "tags" is not a list.', 'Give "tags" a list of { key, value }.');
  return tags.map((tag: unknown, i) => {
    const t = r.nested(`tags[${i}]`, tag);
    const value = t.value('value');
    // A tag's value may be empty; checkTags applies the rest of the rule.
    return { key: t.string('key'), value: typeof value === 'string' ? value : t.string('value') };
  });
}

const VIAS: readonly SessionVia[] = ['direct', 'mfa-session', 'mfa-direct', 'chained'];

/** Parses one stored session record (never credentials: those are not in settings). */
export function parseSessionRecord(raw: unknown, file: string): SessionRecord {
  const r = new RecordReader(file, 'a session record', raw, 'profileName');
  const profile = r.string('profileName');
  // The profile was written under exactly this name: check it as the writer does, without trimming.
  const found = fields.profileName.problem(profile);
  if (found) r.fail(found.message, found.hint);
  const session: SessionRecord = defined({
    id: r.string('id'),
    roleId: r.string('roleId'),
    profileName: profile,
    principalArn: r.string('principalArn'),
    accountId: r.string('accountId'),
    expiration: r.date('expiration'),
    mfaExpiration: r.value('mfaExpiration') === undefined ? undefined : r.date('mfaExpiration'),
    clockOffsetMs: r.number('clockOffsetMs'),
    startedAt: r.date('startedAt'),
    via: r.oneOf('via', VIAS),
    requiresMfa: r.boolean('requiresMfa'),
    region: r.optionalText('region', fields.region),
  });
  return inStoredOrder(raw, session);
}

/**
 * Parses the stored preferences, each field by its rule (domain/preferences.ts): every field that has a default
 * present (the caller fills in defaults first), the others optional.
 */
export function parsePreferences(raw: unknown, file: string): Preferences {
  const r = new RecordReader(file, 'the preferences', raw);
  const parsed: Record<string, unknown> = {};
  for (const [key, rule] of preferenceRules()) {
    if (!Object.hasOwn(DEFAULT_PREFERENCES, key) && r.value(key) === undefined) continue;
    parsed[key] = preference(r, key, rule);
  }
  return parsed as unknown as Preferences;
}

function preference(r: RecordReader, key: string, rule: PreferenceRule): unknown {
  switch (rule.kind) {
    case 'boolean':
      return r.boolean(key);
    case 'int':
      return r.int(key, rule.range);
    case 'choice':
      return r.oneOf(key, rule.choices);
    case 'thresholds': {
      const thresholds = r.value(key);
      const found = limits.thresholdsProblem(thresholds);
      if (found || !Array.isArray(thresholds)) return r.fail(found?.message ?? '', found?.hint ?? '');
      return thresholds.filter((t): t is number => typeof t === 'number');
    }
  }
}

/** Parses a stored list with `parse`; a list that is not an array is refused the same way as a bad record. */
export function parseRecordList<T>(
  raw: unknown,
  file: string,
  what: 'identities' | 'roles' | 'sessions',
  parse: (record: unknown, file: string) => T,
): T[] {
  if (!Array.isArray(raw)) {
    throw new StoredRecordError(file, `its "${what}"`, {
      message: 'it is not a list.',
      hint: `Make "${what}" a JSON list ([] when empty).`,
    });
  }
  return raw.map((record) => parse(record, file));
}
