/*
 * One guarded read-modify-write of a shared file: resolve symlinks, take the lock, read, let the
 * caller plan the new text, back up what needs it (backups.ts), fix loose permissions, write atomically.
 */
import {
  closeSync,
  fstatSync,
  constants as fsConstants,
  openSync,
  readdirSync,
  readFileSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import {
  type AfterStep,
  atomicWriteFile,
  cleanStaleTempFiles,
  DanglingLinkError,
  decideMode,
  removeFileDurably,
  resolveWriteTarget,
} from '../platform/atomic.js';
import { keepBackup } from './backups.js';
import { assertRegularOrMissing } from './regular-files.js';
import { describeKind } from '../platform/file-kind.js';
import { danglingLink, ioError, notRegularFile, notTextFile } from './errors.js';
import type { TextEdit } from './edit.js';
import { type IniDocument, parseIni } from './ini.js';
import { type LockOptions, withFileLock } from '../platform/lock.js';
import { type SectionSpan, scanSections } from './scan.js';

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
  /** The edits replace bytes Rolebar did not write (a forced overwrite): they are backed up unless a backup holds them. */
  overwritesForeign?: boolean;
}

/** What an update did. */
export interface UpdateOutcome {
  changed: boolean;
  /** The backup made before this change, if it needed one (see backups.ts). */
  backup?: string;
  warnings: string[];
}

// O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; it changes nothing for a
// regular file. Windows has no FIFOs of this kind and no such flag.
const OPEN_READ = fsConstants.O_NONBLOCK === undefined ? 'r' : fsConstants.O_RDONLY | fsConstants.O_NONBLOCK;

// Synchronous, as in atomic.ts: reading a small file from the page cache takes microseconds, a promise-based
// read four thread-pool round trips (open, stat, read, close).
function readRaw(file: string): { data: Buffer; stat: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(file, OPEN_READ);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENXIO') throw notRegularFile(file, 'a socket'); // what opening a unix socket gives
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    // Checked on the open file itself, so the path cannot be swapped between the look and the read.
    if (!stat.isFile()) throw notRegularFile(file, describeKind(stat));
    return { data: readFileSync(fd), stat };
  } finally {
    closeSync(fd);
  }
}

/** True when `data` is binary rather than text: a NUL byte, or many control characters near the start. */
export function looksBinary(data: Buffer): boolean {
  const head = data.subarray(0, 8192);
  if (head.includes(0)) return true;
  let control = 0;
  for (const byte of head)
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  return control > head.length / 20;
}

/** Reads and parses a shared file without locking (writers rename whole files, so any read is consistent). */
export async function readSharedFile(file: string): Promise<SharedFileSnapshot> {
  try {
    const raw = readRaw(file);
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
    return viewOf(readRaw(file));
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

/**
 * Updates `file` under its lock: `plan` sees the current content and returns the change (or
 * undefined for none, or throws to refuse). Errors other than AwsFileError become code 'io'.
 * `afterChange`, when given, runs once under the lock as soon as every reader sees the file as planned
 * (changed or already so), while the folder's fsync finishes; a throw from it fails the update.
 */
export async function updateSharedFile(
  file: string,
  plan: (view: SharedFileView) => PlannedChange | undefined,
  lockOptions: LockOptions = {},
  afterChange?: AfterStep,
): Promise<UpdateOutcome> {
  // The caller's step fails with its own error, not as an I/O error of this file.
  let stepFailure: { error: unknown } | undefined;
  const step =
    afterChange &&
    (async () => {
      try {
        await afterChange();
      } catch (error) {
        stepFailure = { error };
        throw error;
      }
    });
  let target: string;
  try {
    target = await resolveWriteTarget(file);
    assertRegularOrMissing(target);
  } catch (error) {
    if (error instanceof DanglingLinkError) throw danglingLink(file, error.danglingTo);
    throw ioError('find', file, error);
  }
  try {
    return await withFileLock(
      target,
      async (): Promise<UpdateOutcome> => {
        // One listing serves both the backup check and the stale-temp cleanup (the lock keeps it current for us).
        // The cleanup runs on every locked pass, even one that changes nothing: a killed writer's temp file
        // must not outlive the next write just because that write found the file already as wanted.
        const names = listNames(path.dirname(target));
        await cleanStaleTempFiles(target, names);
        const raw = readRaw(target);
        if (raw && looksBinary(raw.data)) throw notTextFile(target);
        const view = viewOf(raw);
        const change = plan(view);
        const unchanged = async (): Promise<UpdateOutcome> => {
          await step?.();
          return { changed: false, warnings: [] };
        };
        if (!change) return unchanged();
        const segments = change.deleteFile ? [] : outputSegments(view.data, change.edits);
        if (raw && !change.deleteFile && sameBytes(raw.data, segments)) return unchanged();
        const warnings: string[] = [];
        const overwritten = change.overwritesForeign
          ? change.deleteFile
            ? [raw?.data ?? Buffer.alloc(0)]
            : change.edits.map((e) => view.data.subarray(e.start, e.end))
          : undefined;
        const backup =
          raw && raw.data.length > 0 ? await keepBackup(target, raw.data, overwritten, names) : undefined;
        if (change.deleteFile) {
          await removeFileDurably(target, step);
        } else {
          const { mode, warning } = decideMode(file, raw?.stat);
          if (warning) warnings.push(warning);
          const owner = raw ? { uid: raw.stat.uid, gid: raw.stat.gid } : undefined;
          await atomicWriteFile(target, segments, mode, owner, step);
        }
        return backup ? { changed: true, backup, warnings } : { changed: true, warnings };
      },
      lockOptions,
    );
  } catch (error) {
    if (stepFailure && stepFailure.error === error) throw error;
    throw ioError('update', file, error);
  }
}

/** The folder's names, or undefined when it cannot be listed (the cleanup and the backup check then look themselves). */
function listNames(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}
