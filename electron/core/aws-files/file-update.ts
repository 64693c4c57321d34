/*
 * One guarded read-modify-write of a shared file: resolve symlinks, take the lock, read, let the
 * caller plan the new text, back up before our first change, fix loose permissions, write atomically.
 */
import { type Stats, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  PRIVATE_FILE_MODE,
  atomicWriteFile,
  cleanStaleTempFiles,
  decideMode,
  removeFileDurably,
  resolveWriteTarget,
} from './atomic.js';
import { ioError } from './errors.js';
import { type IniDocument, parseIni } from './ini.js';
import { type LockOptions, withFileLock } from './lock.js';

/** Suffix (before the timestamp) of the backups kept next to a file. */
export const BACKUP_INFIX = '.rolebar-backup-';

/** A file as read: parsed, and whether it existed at all. */
export interface SharedFileSnapshot {
  doc: IniDocument;
  existed: boolean;
}

/** The change a plan wants: new text (a byte string), or deleting a file we had created. */
export interface PlannedChange {
  text: string;
  deleteFile?: boolean;
}

/** What an update did. */
export interface UpdateOutcome {
  changed: boolean;
  /** The backup made before this change, if this was the first change to the file. */
  backup?: string;
  warnings: string[];
}

async function readRaw(file: string): Promise<{ data: Buffer; stat: Stats } | undefined> {
  try {
    const handle = await fs.open(file, 'r');
    try {
      const stat = await handle.stat();
      return { data: await handle.readFile(), stat };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Reads and parses a shared file without locking (writers rename whole files, so any read is consistent). */
export async function readSharedFile(file: string): Promise<SharedFileSnapshot> {
  try {
    const raw = await readRaw(file);
    return { doc: parseIni(raw ? raw.data.toString('latin1') : ''), existed: raw !== undefined };
  } catch (error) {
    throw ioError('read', file, error);
  }
}

function timestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z'); // YYYYMMDDTHHMMSSZ
}

/**
 * Keeps a copy of `data` as `<file>.rolebar-backup-YYYYMMDDTHHMMSSZ` (mode 0600, same folder) unless
 * a backup of this file already exists there. "A backup exists" is how we know a change is not our
 * first: the first change we ever make is preceded by one, and if the user deletes the backups the
 * next change makes a fresh one. Returns the new backup's path, if one was made.
 */
export async function ensureBackup(
  target: string,
  data: Buffer,
  always = false,
): Promise<string | undefined> {
  const dir = path.dirname(target);
  const prefix = path.basename(target) + BACKUP_INFIX;
  const existing = await fs.readdir(dir);
  if (!always && existing.some((name) => name.startsWith(prefix))) return undefined;
  let backup = path.join(dir, prefix + timestamp(new Date()));
  // Two deliberate backups within one second must not overwrite each other.
  for (let n = 2; existing.includes(path.basename(backup)); n++)
    backup = path.join(dir, `${prefix}${timestamp(new Date())}-${n}`);
  await atomicWriteFile(backup, data, PRIVATE_FILE_MODE);
  return backup;
}

/**
 * Updates `file` under its lock: `plan` sees the current content and returns the change (or
 * undefined for none, or throws to refuse). Errors other than AwsFileError become code 'io'.
 */
export async function updateSharedFile(
  file: string,
  plan: (snapshot: SharedFileSnapshot) => PlannedChange | undefined,
  lockOptions: LockOptions & { alwaysBackup?: boolean } = {},
): Promise<UpdateOutcome> {
  let target: string;
  try {
    target = await resolveWriteTarget(file);
  } catch (error) {
    throw ioError('find', file, error);
  }
  try {
    return await withFileLock(
      target,
      async (): Promise<UpdateOutcome> => {
        const raw = await readRaw(target);
        const text = raw ? raw.data.toString('latin1') : '';
        const change = plan({ doc: parseIni(text), existed: raw !== undefined });
        if (!change || (change.text === text && !change.deleteFile && raw))
          return { changed: false, warnings: [] };
        const warnings: string[] = [];
        const backup =
          raw && raw.data.length > 0
            ? await ensureBackup(target, raw.data, lockOptions.alwaysBackup)
            : undefined;
        await cleanStaleTempFiles(target);
        if (change.deleteFile) {
          await removeFileDurably(target);
        } else {
          const { mode, warning } = decideMode(file, raw?.stat);
          if (warning) warnings.push(warning);
          const owner = raw ? { uid: raw.stat.uid, gid: raw.stat.gid } : undefined;
          await atomicWriteFile(target, Buffer.from(change.text, 'latin1'), mode, owner);
        }
        return backup ? { changed: true, backup, warnings } : { changed: true, warnings };
      },
      lockOptions,
    );
  } catch (error) {
    throw ioError('update', file, error);
  }
}
