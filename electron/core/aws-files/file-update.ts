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
import type { TextEdit } from './edit.js';
import { type IniDocument, parseIni } from './ini.js';
import { type LockOptions, withFileLock } from './lock.js';
import { type SectionSpan, scanSections } from './scan.js';

/** Suffix (before the timestamp) of the backups kept next to a file. */
export const BACKUP_INFIX = '.rolebar-backup-';

/** A file as read: parsed, and whether it existed at all. */
export interface SharedFileSnapshot {
  doc: IniDocument;
  existed: boolean;
}

/** A file as a writer sees it: its raw bytes and its sections from the fast scan (open one with openSection). */
export interface SharedFileView {
  /** The file's bytes; empty when it does not exist. */
  data: Buffer;
  existed: boolean;
  sections: SectionSpan[];
}

/** The change a plan wants: byte-range edits (non-overlapping, file offsets), or deleting a file we had created. */
export interface PlannedChange {
  edits: TextEdit[];
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

function viewOf(raw: { data: Buffer } | undefined): SharedFileView {
  const data = raw ? raw.data : Buffer.alloc(0);
  return { data, existed: raw !== undefined, sections: scanSections(data) };
}

/** Reads a shared file as a writer's plan sees it, without locking (for checks before taking the lock). */
export async function readSharedFileView(file: string): Promise<SharedFileView> {
  try {
    return viewOf(await readRaw(file));
  } catch (error) {
    throw ioError('read', file, error);
  }
}

/**
 * The new file as segments: the untouched stretches of `data` (views, not copies) between the
 * replacement texts. Nothing the size of the file is allocated, decoded or encoded.
 */
function outputSegments(data: Buffer, edits: readonly TextEdit[]): Buffer[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const out: Buffer[] = [];
  let pos = 0;
  for (const e of sorted) {
    if (e.start > pos) out.push(data.subarray(pos, e.start));
    if (e.text !== '') out.push(Buffer.from(e.text, 'latin1'));
    pos = e.end;
  }
  if (pos < data.length) out.push(data.subarray(pos));
  return out;
}

/** True when `segments` spell exactly `data` (a rewrite with the same values): then nothing is written. */
function sameBytes(data: Buffer, segments: readonly Buffer[]): boolean {
  let pos = 0;
  for (const s of segments) {
    if (pos + s.length > data.length || data.compare(s, 0, s.length, pos, pos + s.length) !== 0) return false;
    pos += s.length;
  }
  return pos === data.length;
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
  names?: readonly string[],
): Promise<string | undefined> {
  const dir = path.dirname(target);
  const prefix = path.basename(target) + BACKUP_INFIX;
  const existing = names ?? (await fs.readdir(dir));
  if (!always && existing.some((name) => name.startsWith(prefix))) return undefined;
  let backup = path.join(dir, prefix + timestamp(new Date()));
  // Two deliberate backups within one second must not overwrite each other.
  for (let n = 2; existing.includes(path.basename(backup)); n++)
    backup = path.join(dir, `${prefix}${timestamp(new Date())}-${n}`);
  await atomicWriteFile(backup, [data], PRIVATE_FILE_MODE);
  return backup;
}

/**
 * Updates `file` under its lock: `plan` sees the current content and returns the change (or
 * undefined for none, or throws to refuse). Errors other than AwsFileError become code 'io'.
 */
export async function updateSharedFile(
  file: string,
  plan: (view: SharedFileView) => PlannedChange | undefined,
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
        const view = viewOf(raw);
        const change = plan(view);
        if (!change) return { changed: false, warnings: [] };
        const segments = change.deleteFile ? [] : outputSegments(view.data, change.edits);
        if (raw && !change.deleteFile && sameBytes(raw.data, segments))
          return { changed: false, warnings: [] };
        const warnings: string[] = [];
        // One listing serves both the backup check and the stale-temp cleanup (the lock keeps it current for us).
        const names = await fs.readdir(path.dirname(target)).catch(() => undefined);
        const backup =
          raw && raw.data.length > 0
            ? await ensureBackup(target, raw.data, lockOptions.alwaysBackup, names)
            : undefined;
        await cleanStaleTempFiles(target, names);
        if (change.deleteFile) {
          await removeFileDurably(target);
        } else {
          const { mode, warning } = decideMode(file, raw?.stat);
          if (warning) warnings.push(warning);
          const owner = raw ? { uid: raw.stat.uid, gid: raw.stat.gid } : undefined;
          await atomicWriteFile(target, segments, mode, owner);
        }
        return backup ? { changed: true, backup, warnings } : { changed: true, warnings };
      },
      lockOptions,
    );
  } catch (error) {
    throw ioError('update', file, error);
  }
}
