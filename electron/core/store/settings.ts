import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Conf, { type Options } from 'conf';
import { RolebarError } from '../domain/errors.js';
import { assertCheckableSchema, type SchemaNode, schemaViolations } from './json-schema.js';
import { settingsDir } from '../platform/paths.js';
import {
  cleanStaleSettingsTemps,
  compareVersions,
  fileVersion,
  prepareSettingsDir,
  readSettingsText,
  watchSettingsFile,
} from './settings-file.js';
import { withFileLockSync } from '../platform/lock.js';

export { compareVersions } from './settings-file.js';
import * as limits from '../domain/limits.js';

/**
 * The settings file's format version. Bump it (semver) and add a migration below whenever the shape changes;
 * conf records the version a file was last migrated to under `__internal__.migrations.version`.
 */
export const SETTINGS_VERSION = '1.0.0';

/** The file name inside the settings folder: `settings.json`. */
export const SETTINGS_FILE_NAME = 'settings';

export type Theme = 'system' | 'light' | 'dark';

/** What the user chooses in Settings. */
export interface Preferences {
  /** Minutes before expiry at which an alert fires, most distant first. */
  alertThresholdsMin: number[];
  /** Minutes before expiry at which sessions that need no new MFA code are renewed. */
  refreshMarginMin: number;
  /** Seconds after which a copied snippet is cleared from the clipboard, if it is still there; 0 keeps it. */
  clipboardClearSeconds: number;
  notifications: boolean;
  launchAtLogin: boolean;
  theme: Theme;
  /** Serve the active role's credentials on a local endpoint (service/app-endpoint.ts). */
  serveEndpoint: boolean;
  /** Days after which an IAM user's access key counts as old (absent: 90, DEFAULT_KEY_AGE_WARNING_DAYS). */
  keyAgeWarningDays?: number;
}

/** A record in settings: an identity, a role or a session's metadata. Never a secret (see assertNoSecrets). */
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
  /** Subscribed team catalogs (catalog/store.ts); their roles are never copied into `roles`. */
  catalogs?: SettingsRecord[];
};

/** The defaults a new file starts from. */
export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({
  alertThresholdsMin: [15, 5, 1],
  refreshMarginMin: 10,
  clipboardClearSeconds: 60,
  notifications: true,
  launchAtLogin: false,
  theme: 'system',
  serveEndpoint: false,
});

function defaults(): SettingsData {
  return {
    identities: [],
    roles: [],
    sessions: [],
    preferences: { ...DEFAULT_PREFERENCES, alertThresholdsMin: [...DEFAULT_PREFERENCES.alertThresholdsMin] },
  };
}

const recordList = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1 } },
  },
} as const;

/** A JSON-schema integer bounded by one of the rules (rules/limits.ts). */
const intSchema = (range: limits.IntRange) =>
  ({ type: 'integer', minimum: range.min, maximum: range.max }) as const;

const schema: Record<keyof SettingsData, SchemaNode> = {
  identities: recordList,
  roles: recordList,
  sessions: recordList,
  keychainIntents: recordList,
  catalogs: recordList,
  preferences: {
    type: 'object',
    additionalProperties: false,
    required: [
      'alertThresholdsMin',
      'refreshMarginMin',
      'clipboardClearSeconds',
      'notifications',
      'launchAtLogin',
      'theme',
    ],
    properties: {
      alertThresholdsMin: {
        type: 'array',
        maxItems: limits.MAX_ALERT_THRESHOLDS,
        items: intSchema(limits.alertThresholdMin),
      },
      refreshMarginMin: intSchema(limits.refreshMarginMin),
      clipboardClearSeconds: intSchema(limits.clipboardClearSeconds),
      notifications: { type: 'boolean' },
      launchAtLogin: { type: 'boolean' },
      theme: { enum: ['system', 'light', 'dark'] },
      // Not required: files written before it existed get the default when read.
      serveEndpoint: { type: 'boolean' },
      keyAgeWarningDays: intSchema(limits.keyAgeWarningDays),
    },
  },
};
/** The whole file's schema, as conf would have wrapped it. Checked here, not by conf (see json-schema.ts). */
export const SETTINGS_FILE_SCHEMA: SchemaNode = { type: 'object', properties: schema };
assertCheckableSchema(SETTINGS_FILE_SCHEMA);

/** Throws (in conf's words, which describeConfError turns into ours) when `data` breaks the settings schema. */
function checkSchema(data: unknown): void {
  const violations = schemaViolations(SETTINGS_FILE_SCHEMA, data);
  if (violations.length > 0) throw new Error(`Config schema violation: ${violations.join('; ')}`);
}

/**
 * Migrations by the version they bring a file to. Each runs once, in order, on files older than it
 * (a new file counts as 0.0.0), after a copy of the file was kept aside.
 * 1.0.0: a new file gets the defaults; files from the 0.x previews get what they lacked, the rest untouched.
 */
const migrations: NonNullable<Options<SettingsData>['migrations']> = {
  '1.0.0': (store) => {
    const current = store.store as Partial<SettingsData>;
    store.store = withDefaults(current);
  },
};

/** Fills in whatever `data` lacks from the defaults, one level deep for preferences. */
function withDefaults(data: Partial<SettingsData>): SettingsData {
  const base = defaults();
  return { ...base, ...data, preferences: { ...base.preferences, ...(data.preferences ?? {}) } };
}

/** The few members of conf's / electron-store's class that Rolebar uses: both satisfy it. */
export interface SettingsStoreLike {
  readonly path: string;
  get store(): SettingsData;
  set store(value: SettingsData);
}

/** Makes the underlying store: conf under Node (CLI, tests), electron-store in the main process. */
export type SettingsStoreFactory = (options: Options<SettingsData>) => SettingsStoreLike;

/** conf's options for Rolebar's settings file in `dir`; the main process passes the same ones to electron-store. */
export function settingsStoreOptions(dir: string, beforeMigration?: () => void): Options<SettingsData> {
  return {
    cwd: dir,
    configName: SETTINGS_FILE_NAME,
    projectName: 'rolebar',
    projectVersion: SETTINGS_VERSION,
    // No `schema`: conf would compile it with ajv on every start (~50 ms); openSettings checks it instead.
    // No `defaults`: conf would write them into a file before validating it. Migrations fill them in instead.
    migrations,
    ...(beforeMigration ? { beforeEachMigration: beforeMigration } : {}),
    clearInvalidConfig: false,
    configFileMode: 0o600,
    watch: false,
  };
}

/** The settings file cannot be used as it is; it was left in place and a copy kept at `keptAt`. */
export class SettingsFileError extends RolebarError {
  readonly keptAt: string;
  constructor(
    code: 'settings-corrupt' | 'settings-too-new',
    message: string,
    hint: string,
    keptAt: string,
    cause?: unknown,
  ) {
    super(code, message, { hint, cause, context: { keptAt } });
    this.keptAt = keptAt;
  }
}

/** A value that looks like a secret was about to be written to settings. */
export class SecretInSettingsError extends RolebarError {
  constructor(field: string) {
    super(
      'settings-secret',
      `Refusing to save "${field}" in settings: it looks like an AWS secret key or token, and secrets belong in the keychain.`,
      {
        hint: 'If it is not a secret, change it a little (a space or a dash is enough); if it is, add it as an identity instead.',
        context: { field },
      },
    );
  }
}

export interface OpenSettingsOptions {
  /** The settings folder; default settingsDir() (ROLEBAR_HOME or the app's userData folder). */
  dir?: string;
  /** Defaults to conf. The main process passes `(o) => new ElectronStore(o)`. */
  createStore?: SettingsStoreFactory;
  /** For the name of the copy kept aside. */
  now?: () => Date;
}

/** Typed access to Rolebar's settings. Each read sees the file as it is now, so the app and the CLI share it. */
export interface Settings {
  readonly path: string;
  read(): SettingsData;
  /**
   * Under the settings lock (shared by every process), re-reads the file, applies `change` to a copy and saves it
   * whole (validated, atomically, never with a secret). A throw from `change` saves nothing.
   */
  update(change: (data: SettingsData) => void): SettingsData;
  /** Calls `onChange` soon after another process changed the file. Returns the function that stops watching. */
  watch(onChange: () => void): () => void;
  preferences(): Preferences;
  setPreferences(patch: Partial<Preferences>): Preferences;
}

/**
 * The file's text just after this process last wrote it, by path: a watch reports other processes' changes only
 * (whoever wrote in this process, the service among them, publishes its own change itself).
 */
const ownTexts = new Map<string, string | undefined>();

/**
 * Opens (creating, or migrating, as needed) the settings file. A file that is not a JSON object, breaks the
 * schema, or was written by a newer Rolebar is never reset: it stays where it is, a copy is kept beside it, and a
 * SettingsFileError says so and what to do. A folder, FIFO, socket or device at its path is refused untouched.
 *
 * conf stays the store (its schema, migrations and atomic writer), but it has no cross-process lock, so every
 * write it makes (migrations included) runs inside withFileLockSync, after re-reading the file.
 */
export function openSettings(options: OpenSettingsOptions = {}): Settings {
  const dir = options.dir ?? settingsDir();
  const createStore: SettingsStoreFactory = options.createStore ?? ((o) => new Conf<SettingsData>(o));
  const now = options.now ?? (() => new Date());
  const file = path.join(dir, `${SETTINGS_FILE_NAME}.json`);

  prepareSettingsDir(dir);
  const store = withFileLockSync(file, () => {
    const existed = checkFileBeforeOpening(file, now);
    cleanStaleSettingsTemps(file);
    let keptBeforeMigrating = false;
    const beforeMigration = () => {
      if (existed && !keptBeforeMigrating) keepCopy(file, now, 'before-migration');
      keptBeforeMigrating = true;
    };
    try {
      const opened = createStore(settingsStoreOptions(dir, beforeMigration));
      checkSchema(opened.store); // what conf did after its migrations
      return opened;
    } catch (error) {
      throw corrupt(file, now, error);
    }
  });
  // One file, one owner, one lock: a store writing elsewhere (electron-store writes config.json unless told its
  // name) would split the app's settings from the CLI's without a word.
  if (path.resolve(store.path) !== path.resolve(file)) {
    throw new RolebarError('settings-wrong-file', `The settings store opened ${store.path}, not ${file}.`, {
      hint: 'This is a bug in Rolebar: please report it. settings.json was not changed.',
    });
  }

  const read = (): SettingsData => {
    try {
      // Read here, not through conf: conf would read a FIFO forever and turns `null` or `[]` into an empty
      // store; and one read and parse per call is enough (a switch reads settings several times).
      const text = readSettingsText(file);
      if (text === undefined) return withDefaults({});
      const parsed = parseSettingsObject(text);
      checkSchema(parsed);
      return withDefaults(withoutInternal(parsed));
    } catch (error) {
      throw corrupt(file, now, error);
    }
  };

  const settings: Settings = {
    path: store.path,
    read,
    update(change) {
      return withFileLockSync(file, () => {
        const data = structuredClone(read());
        change(data);
        assertNoSecrets(data);
        try {
          checkSchema(data);
          store.store = data;
        } catch (error) {
          throw new RolebarError(
            'settings-invalid',
            `These settings cannot be saved: ${describeConfError(error)}`,
            {
              hint: 'Nothing was changed.',
              cause: error,
            },
          );
        }
        ownTexts.set(file, readSettingsText(file));
        return data;
      });
    },
    watch: (onChange) => watchSettingsFile(file, onChange, (text) => text === ownTexts.get(file)),
    preferences: () => read().preferences,
    setPreferences(patch) {
      return settings.update((data) => {
        data.preferences = { ...data.preferences, ...patch };
      }).preferences;
    },
  };
  return settings;
}

/**
 * conf would overwrite a newer file's version mark, so check the file ourselves first.
 * Returns whether the file exists.
 */
function checkFileBeforeOpening(file: string, now: () => Date): boolean {
  const text = readSettingsText(file);
  if (text === undefined) return false;
  let parsed: unknown;
  try {
    parsed = parseSettingsObject(text);
  } catch (error) {
    throw corrupt(file, now, error);
  }
  const version = fileVersion(parsed);
  if (version !== undefined && compareVersions(version, SETTINGS_VERSION) > 0) {
    const keptAt = keepCopy(file, now, 'newer');
    throw new SettingsFileError(
      'settings-too-new',
      `The settings file ${file} was written by a newer Rolebar (settings format ${version}; this one reads ${SETTINGS_VERSION}).`,
      `Update Rolebar. The file was left unchanged and a copy kept at ${keptAt}.`,
      keptAt,
    );
  }
  return true;
}

/** The file's JSON, refused unless it is an object: `null`, `[]` or `3` is damage, not an empty settings file. */
function parseSettingsObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NotAnObjectError(parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : typeof parsed);
  }
  return { ...parsed };
}

class NotAnObjectError extends Error {}
NotAnObjectError.prototype.name = 'NotAnObjectError';

function corrupt(file: string, now: () => Date, error: unknown): RolebarError {
  // Our own errors (a FIFO at the path, a newer file) already say what to do; copying a FIFO would hang.
  if (error instanceof RolebarError) return error;
  const keptAt = keepCopy(file, now, 'corrupt');
  return new SettingsFileError(
    'settings-corrupt',
    `The settings file ${file} is damaged: ${describeConfError(error)}.`,
    `It was left unchanged and a copy kept at ${keptAt}. Fix it or move it away, then start Rolebar again (a missing file starts fresh).`,
    keptAt,
    error,
  );
}

function keepCopy(file: string, now: () => Date, why: string): string {
  const stamp = now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const keptAt = `${file}.${why}-${stamp}`;
  try {
    copyFileSync(file, keptAt);
  } catch {
    // The original stays in place whatever happens; a failed copy only loses the extra safety net.
  }
  return keptAt;
}

function describeConfError(error: unknown): string {
  if (error instanceof SyntaxError) return 'it is not valid JSON';
  if (error instanceof NotAnObjectError) return `it holds ${error.message}, not a settings object`;
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^Config schema violation: /, 'it breaks the settings schema: ');
}

/** The file's data without conf's bookkeeping; call it on data that passed checkSchema. */
function withoutInternal(data: Record<string, unknown>): Partial<SettingsData> {
  const { __internal__: _, ...rest } = data;
  return rest;
}

const SECRET_FIELD = /secret|token|password|private.?key/i;
/** Shapes of AWS secret access keys (40 base64-ish chars) and session tokens (long base64). */
const SECRET_VALUE = /^[A-Za-z0-9/+=]{40}$|^[A-Za-z0-9/+=]{100,}$/;

/**
 * Random-looking: upper- and lower-case letters and a digit or `/` `+`, as a generated key has (all but about 1 in
 * 4,000 of them). A word a person typed, such as a 40-letter role label, is not.
 */
function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9/+]/.test(value);
}

/**
 * Throws SecretInSettingsError when any field name or string value looks like a secret. A last line of defence:
 * the code that builds records never puts secrets in them.
 */
export function assertNoSecrets(value: unknown, field = 'settings'): void {
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) throw new SecretInSettingsError(field);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertNoSecrets(item, `${field}[${i}]`);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_FIELD.test(key) && inner !== undefined && inner !== null && inner !== '') {
        throw new SecretInSettingsError(`${field}.${key}`);
      }
      assertNoSecrets(inner, `${field}.${key}`);
    }
  }
}
