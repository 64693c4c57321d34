/*
 * What settings.json may hold: its format version, its shape (the schema, checked by json-schema.ts), the
 * defaults a file starts from, and the migrations that bring an older file to the current format. Pure data and
 * functions: opening, locking and writing the file are settings.ts's.
 */
import {
  DEFAULT_PREFERENCES,
  type PreferenceRule,
  type Preferences,
  preferenceRules,
} from '../domain/preferences.js';
import * as limits from '../domain/limits.js';
import { assertCheckableSchema, type SchemaNode, schemaViolations } from './json-schema.js';
import { compareVersions } from './settings-file.js';

/**
 * The settings file's format version. Bump it (semver) and add a migration below whenever the shape changes;
 * conf records the version a file was last migrated to under `__internal__.migrations.version`.
 */
export const SETTINGS_VERSION = '1.0.0';

/** A record in settings: an identity, a role or a session's metadata. Never a secret (see secret-guard.ts). */
export interface SettingsRecord {
  id: string;
  [field: string]: unknown;
}

/** Everything the settings file holds. (A type alias, not an interface: conf requires an indexable record.) */
export type SettingsData = {
  identities: SettingsRecord[];
  roles: SettingsRecord[];
  sessions: SettingsRecord[];
  preferences: Preferences;
  /** Keychain changes in flight (see secret-journal.ts): present only while one is, or was cut short. */
  keychainIntents?: SettingsRecord[];
  /** IAM key rotations in flight, or cut short (store/key-rotations.ts): key ids only, present only then. */
  keyRotations?: SettingsRecord[];
  /** Subscribed team catalogs (features/catalog/subscriptions.ts); their roles are never copied into `roles`. */
  catalogs?: SettingsRecord[];
  /** Where the secrets are (platform/keychain/backend.ts): set by `rolebar keychain migrate`; absent: the OS keychain. */
  keychainBackend?: 'os' | 'file';
  /** A `rolebar keychain migrate` in flight, or cut short (keychain-migration.ts): present only then. */
  keychainMigration?: KeychainMigrationRecord;
};

/** What settings remember of a keychain migration in flight: account names only, never a secret. */
export interface KeychainMigrationRecord {
  from: 'os' | 'file';
  to: 'os' | 'file';
  /** 'copying': the old keychain is still the one in force; 'copied': the new one is, the old still to empty. */
  phase: 'copying' | 'copied';
  accounts: string[];
  service: string;
  pid: number;
  startedAt: string;
}

function defaults(): SettingsData {
  return {
    identities: [],
    roles: [],
    sessions: [],
    preferences: { ...DEFAULT_PREFERENCES, alertThresholdsMin: [...DEFAULT_PREFERENCES.alertThresholdsMin] },
  };
}

/** Fills in whatever `data` lacks from the defaults, one level deep for preferences. */
export function withDefaults(data: Partial<SettingsData>): SettingsData {
  const base = defaults();
  return { ...base, ...data, preferences: { ...base.preferences, ...(data.preferences ?? {}) } };
}

const recordList = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1 } },
  },
} as const;

/** A JSON-schema integer bounded by one of the rules (domain/limits.ts). */
const intSchema = (range: limits.IntRange) =>
  ({ type: 'integer', minimum: range.min, maximum: range.max }) as const;

/** One preference's schema, from its rule (domain/preferences.ts). */
function preferenceSchema(rule: PreferenceRule): SchemaNode {
  switch (rule.kind) {
    case 'boolean':
      return { type: 'boolean' };
    case 'int':
      return intSchema(rule.range);
    case 'choice':
      return { enum: rule.choices };
    case 'thresholds':
      return {
        type: 'array',
        maxItems: limits.MAX_ALERT_THRESHOLDS,
        items: intSchema(limits.alertThresholdMin),
      };
  }
}

const schema: Record<keyof SettingsData, SchemaNode> = {
  identities: recordList,
  roles: recordList,
  sessions: recordList,
  keychainIntents: recordList,
  keyRotations: recordList,
  catalogs: recordList,
  keychainBackend: { enum: ['os', 'file'] },
  keychainMigration: {
    type: 'object',
    required: ['from', 'to', 'phase', 'accounts', 'service', 'pid', 'startedAt'],
    properties: {
      from: { enum: ['os', 'file'] },
      to: { enum: ['os', 'file'] },
      phase: { enum: ['copying', 'copied'] },
      accounts: { type: 'array', items: { type: 'string' } },
      service: { type: 'string' },
      pid: { type: 'integer' },
      startedAt: { type: 'string' },
    },
  },
  preferences: {
    type: 'object',
    additionalProperties: false,
    // A field added after format 1.0.0 is not required of a file: it gets its default when read.
    required: preferenceRules()
      .filter(([, rule]) => rule.inEveryFile)
      .map(([key]) => key),
    properties: Object.fromEntries(preferenceRules().map(([key, rule]) => [key, preferenceSchema(rule)])),
  },
};
/** The whole file's schema, as conf would have wrapped it. Checked here, not by conf (see json-schema.ts). */
export const SETTINGS_FILE_SCHEMA: SchemaNode = { type: 'object', properties: schema };
assertCheckableSchema(SETTINGS_FILE_SCHEMA);

/** Throws (in conf's words, which settings.ts turns into ours) when `data` breaks the settings schema. */
export function checkSchema(data: unknown): void {
  const violations = schemaViolations(SETTINGS_FILE_SCHEMA, data);
  if (violations.length > 0) throw new Error(`Config schema violation: ${violations.join('; ')}`);
}

/**
 * Migrations by the version they bring a file to, as functions of the file's data. Each runs once, in order, on
 * files older than it (a new file counts as 0.0.0), after a copy of the file was kept aside.
 * 1.0.0: a new file gets the defaults; files from the 0.x previews get what they lacked, the rest untouched.
 */
const MIGRATIONS: ReadonlyArray<readonly [string, (data: Partial<SettingsData>) => SettingsData]> = [
  ['1.0.0', (data) => withDefaults(data)],
];

/** The migrations in conf's form (conf runs them, writes the result and records the version). */
export function confMigrations(): Record<string, (store: { store: SettingsData }) => void> {
  return Object.fromEntries(
    MIGRATIONS.map(([version, migrate]) => [
      version,
      (store: { store: SettingsData }) => {
        store.store = migrate(store.store);
      },
    ]),
  );
}

/**
 * What the migrations would make of a file at `version` (undefined: none recorded), without writing anything:
 * settings.ts checks the result before letting conf migrate and write the file.
 */
export function migratedInMemory(data: Record<string, unknown>, version: string | undefined): unknown {
  let current = data as Partial<SettingsData>;
  for (const [to, migrate] of MIGRATIONS) {
    if (compareVersions(to, version ?? '0.0.0') > 0 && compareVersions(to, SETTINGS_VERSION) <= 0)
      current = migrate(current);
  }
  return current;
}

/** The file's data without conf's bookkeeping; call it on data that passed checkSchema. */
export function withoutInternal(data: Record<string, unknown>): Partial<SettingsData> {
  const { __internal__: _, ...rest } = data;
  return rest;
}
