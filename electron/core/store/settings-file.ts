/*
 * The settings file as a file: its folder (private), what may stand at its path (only a regular file), the temp
 * files a killed writer leaves, and noticing when another process (the CLI beside the app) changed it.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  type Stats,
  watch,
} from 'node:fs';
import path from 'node:path';
import { RolebarError } from '../domain/errors.js';
import { describeKind } from '../platform/file-kind.js';

/** Mode of the settings folder: only its owner may list it. */
export const SETTINGS_DIR_MODE = 0o700;

/** Temp files of conf's writer (atomically): `settings.json.tmp-<10 digits><6 hex>`. */
const TEMP_PATTERN = /\.tmp-\d{10}[0-9a-f]{6}$/;
/** A temp file this old is no writer's any more: every write happens under the lock and lasts milliseconds. */
const STALE_TEMP_MS = 10_000;

/**
 * Creates the settings folder 0700 when it is missing (whatever the umask: conf would make it 0777 & ~umask).
 * A folder that already exists keeps its mode: the user may have chosen it.
 */
export function prepareSettingsDir(dir: string): void {
  let stat: Stats | undefined;
  try {
    stat = statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (stat && !stat.isDirectory()) {
    throw new RolebarError('settings-not-a-folder', `The settings folder ${dir} is not a folder.`, {
      hint: 'Move that file away, or point ROLEBAR_HOME at a folder, then try again.',
      context: { dir },
    });
  }
  if (stat) return;
  mkdirSync(dir, { recursive: true, mode: SETTINGS_DIR_MODE });
  chmodSync(dir, SETTINGS_DIR_MODE); // mkdir's mode passes through the umask; say it once more, exactly
}

function notAFile(file: string, kind: string, what: string): RolebarError {
  return new RolebarError('settings-not-a-file', `The ${what} ${file} is ${kind}, not a file.`, {
    hint: 'Rolebar leaves it as it is. Move it away (a missing file starts fresh), then try again.',
    context: { file },
  });
}

/**
 * The text of a file in the settings folder (`what` names it in errors: the settings file, the session records
 * file), or undefined when there is none. Anything but a regular file at the path is refused at once and never
 * touched: it is opened non-blocking (a FIFO would otherwise wait for a writer forever) and checked before a
 * byte is read (a device could be endless).
 */
export function readSettingsText(file: string, what = 'settings file'): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENXIO') throw notAFile(file, 'a socket', what); // sockets cannot be opened at all
    throw new RolebarError('settings-unreadable', `The ${what} ${file} cannot be read.`, {
      hint: 'Check its permissions.',
      cause: error,
    });
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notAFile(file, describeKind(stat), what);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Removes conf's temp files for `file` that a killed writer left behind. Call it while holding the lock. */
export function cleanStaleSettingsTemps(file: string, now = Date.now()): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !TEMP_PATTERN.test(name)) continue;
    const temp = path.join(dir, name);
    try {
      const stat = statSync(temp);
      if (stat.isFile() && now - stat.mtimeMs > STALE_TEMP_MS) rmSync(temp, { force: true });
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
}

/** How long changes settle before the file is read again: a burst of CLI writes gives one notice. */
const DEBOUNCE_MS = 60;

/**
 * Calls `onChange` (debounced) whenever the file's content changes, whoever wrote it. Watches the folder, not the
 * file: every writer replaces the file by renaming a temp over it, which a watch on the file itself would lose.
 * Changes `isOwnWrite` recognises are not reported. The watch never keeps the process alive. Returns the function that stops it.
 */
export function watchSettingsFile(
  file: string,
  onChange: () => void,
  isOwnWrite: (text: string | undefined) => boolean = () => false,
): () => void {
  const name = path.basename(file);
  const readQuietly = () => {
    try {
      return readSettingsText(file);
    } catch {
      return undefined;
    }
  };
  let last = readQuietly();
  let timer: NodeJS.Timeout | undefined;
  const settle = () => {
    timer = undefined;
    const now = readQuietly();
    if (now === last) return; // a touch without a change
    last = now;
    if (!isOwnWrite(now)) onChange(); // the writer in this process already said so itself
  };
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(path.dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(settle, DEBOUNCE_MS);
      timer.unref();
    });
    watcher.on('error', () => watcher?.close()); // the folder went away: nothing left to watch
  } catch {
    watcher = undefined; // no folder to watch (yet): changes are still seen at the next read
  }
  return () => {
    if (timer) clearTimeout(timer);
    watcher?.close();
  };
}

/** The format version recorded in a parsed settings file (conf's `__internal__.migrations.version`). */
export function fileVersion(parsed: unknown): string | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const internal = (parsed as Record<string, unknown>).__internal__;
  if (typeof internal !== 'object' || internal === null) return undefined;
  const migrationsInfo = (internal as Record<string, unknown>).migrations;
  if (typeof migrationsInfo !== 'object' || migrationsInfo === null) return undefined;
  const version = (migrationsInfo as Record<string, unknown>).version;
  return typeof version === 'string' ? version : undefined;
}

/** Compares two x.y.z versions numerically; anything unparsable counts as 0. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
