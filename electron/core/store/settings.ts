// store/ holds what Rolebar remembers between runs: settings.json (this file) with the identities, roles and session
// records in it (identities.ts, roles.ts, sessions.ts), the keychain journal and Identity Center tokens.
/*
 * Opening and updating settings.json: one file, one lock (withFileLockSync) around every read-modify-write,
 * shared by the app and every CLI. Its shape and migrations are settings-schema.ts's, the file as a file
 * (folder, FIFOs, temp files, watching) settings-file.ts's, the check against secrets secret-guard.ts's.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import Conf, { type Options } from 'conf';
import { RolebarError } from '../domain/errors.js';
import type { Preferences } from '../domain/preferences.js';
import { withFileLockSync } from '../platform/lock.js';
import { settingsDir } from '../platform/paths.js';
import { assertNoSecrets } from './secret-guard.js';
import {
  cleanStaleSettingsTemps,
  compareVersions,
  fileVersion,
  prepareSettingsDir,
  readSettingsText,
  watchSettingsFile,
} from './settings-file.js';
import {
  checkSchema,
  confMigrations,
  migratedInMemory,
  SETTINGS_VERSION,
  type SettingsData,
  withDefaults,
  withoutInternal,
} from './settings-schema.js';

// What importers of settings.ts used before it was split: one place to import the settings from.
export { compareVersions } from './settings-file.js';
export { DEFAULT_PREFERENCES, type Preferences, type Theme } from '../domain/preferences.js';
export { assertNoSecrets, SecretInSettingsError } from './secret-guard.js';
export {
  SETTINGS_FILE_SCHEMA,
  SETTINGS_VERSION,
  type SettingsData,
  type SettingsRecord,
} from './settings-schema.js';

/** The file name inside the settings folder: `settings.json`. */
export const SETTINGS_FILE_NAME = 'settings';

/** The few members of conf's / electron-store's class that Rolebar uses: both satisfy it. */
export interface SettingsStoreLike {
  readonly path: string;
  get store(): SettingsData;
  set store(value: SettingsData);
}

/** Makes the underlying store: conf under Node (CLI, tests), electron-store in the main process. */
export type SettingsStoreFactory = (options: Options<SettingsData>) => SettingsStoreLike;

/**
 * conf's options for Rolebar's settings file in `dir`; the main process passes the same ones to electron-store.
 * `current`: the file is already at SETTINGS_VERSION, so conf is given no migrations (it would run none, and
 * asking it which costs loading semver).
 */
export function settingsStoreOptions(
  dir: string,
  beforeMigration?: () => void,
  current = false,
): Options<SettingsData> {
  return {
    cwd: dir,
    configName: SETTINGS_FILE_NAME,
    projectName: 'rolebar',
    projectVersion: SETTINGS_VERSION,
    // No `schema`: conf would compile it with ajv on every start (~50 ms); openSettings checks it instead.
    // No `defaults`: conf would write them into a file before validating it. Migrations fill them in instead.
    ...(current ? {} : { migrations: confMigrations() }),
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
  /** The settings as the file holds them now, frozen: the same text read again gives the same object. */
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
    const version = checkFileBeforeOpening(file, now);
    const existed = version !== false;
    cleanStaleSettingsTemps(file);
    let keptBeforeMigrating = false;
    const beforeMigration = () => {
      if (existed && !keptBeforeMigrating) keepCopy(file, now, 'before-migration');
      keptBeforeMigrating = true;
    };
    try {
      const opened = createStore(settingsStoreOptions(dir, beforeMigration, version === SETTINGS_VERSION));
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

  // The last text read and what it gave: unchanged text is not parsed and checked again (a role list with a
  // big catalog asks for settings many times), and the same object back lets the stores keep indexes by it.
  let last: { text: string; data: SettingsData } | undefined;
  const read = (): SettingsData => {
    try {
      // Read here, not through conf: conf would read a FIFO forever and turns `null` or `[]` into an empty
      // store; and one read and parse per call is enough (a switch reads settings several times).
      const text = readSettingsText(file);
      if (text === undefined) return withDefaults({});
      if (last?.text === text) return last.data;
      const parsed = parseSettingsObject(text);
      checkSchema(parsed);
      const data = deepFreeze(withDefaults(withoutInternal(parsed)));
      last = { text, data };
      return data;
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
 * Checks the file before conf opens it: conf would overwrite a newer file's version mark, and would migrate (and
 * write) a file that breaks the schema before refusing it. Returns the format version the file records
 * (undefined: none), or false when there is no file.
 */
function checkFileBeforeOpening(file: string, now: () => Date): string | undefined | false {
  const text = readSettingsText(file);
  if (text === undefined) return false;
  let parsed: Record<string, unknown>;
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
  // conf would migrate and write the file before anything checks it: check what the migrations would make of it
  // first, so a file that is refused is never written (nor copied aside as "before-migration" on every run).
  try {
    checkSchema(migratedInMemory(withoutInternal(parsed), version));
  } catch (error) {
    throw corrupt(file, now, error);
  }
  return version;
}

/** The file's JSON, refused unless it is an object: `null`, `[]` or `3` is damage, not an empty settings file. */
function parseSettingsObject(text: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new NotAnObjectError(parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : typeof parsed);
  }
  return { ...parsed };
}

/** Freezes `value` and everything in it: settings read are shared by every caller until the file changes. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
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
