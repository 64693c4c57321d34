/*
 * Crash-safe file replacement: a reader (or a process killed half-way through a write) only ever
 * sees the old file or the new one, never a mix or a truncation.
 *
 * Every call that writes (open, chmod, write, fsync, rename, close, remove) is asynchronous: the app's main
 * process writes profiles and session records on a switch, and under load even an open or a rename can wait on
 * the disk for milliseconds, freezing the tray and the window meanwhile (issue 25). A promise costs a
 * thread-pool round trip, which the event loop does not wait on.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  type Stats,
  statSync,
} from 'node:fs';
import { close, fchmod, fchown, fsync, open, rename, writev } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const isWindows = process.platform === 'win32';

/** Mode for files and backups we create: the AWS CLI's own, owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode for `~/.aws` when we have to create it. */
export const PRIVATE_DIR_MODE = 0o700;

/** Marker in our temp files' names, so a later write can recognise (and clean) ones a crash left behind. */
const TEMP_MARK = '.rolebar-tmp-';

/** True when `pid` is a running process on this machine (EPERM means it runs as someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A symlink at a path to write leads to a folder that does not exist: `danglingTo` is where it points. */
export class DanglingLinkError extends Error {
  readonly code = 'ENOENT';
  constructor(readonly danglingTo: string) {
    super(`a symbolic link to ${danglingTo}, whose folder does not exist`);
  }
}

/**
 * The real file a write to `file` must change: symlinks are followed so that a linked credentials file is
 * written through to its target and never replaced by a regular file. A dangling link is followed only into a
 * folder that exists (the file is then created there); else DanglingLinkError, and nothing is created. Creates
 * only the folder of `file` itself (mode 0700) when it is missing, never one a link points into.
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return realpathSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let link: string | undefined;
    try {
      link = readlinkSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EINVAL') throw error;
    }
    if (link === undefined) {
      // The file does not exist yet: make its folder (only the one asked for), then resolve the folder (it may
      // be a link too).
      const dir = path.dirname(current);
      if (hops > 0 && !existsSync(dir)) throw new DanglingLinkError(current);
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      return path.join(realpathSync(dir), path.basename(current));
    }
    current = path.resolve(path.dirname(current), link); // a dangling link: follow it to where the file will be
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

/**
 * The mode a rewrite of a file with `stat` should get: 0600 for a new file; the file's own mode,
 * unless group or others may access it, in which case 0600 and a warning for the user.
 */
export function decideMode(file: string, stat: Stats | undefined): { mode: number; warning?: string } {
  if (!stat || isWindows) return { mode: PRIVATE_FILE_MODE };
  const mode = stat.mode & 0o7777;
  if ((mode & 0o077) === 0) return { mode };
  return {
    mode: PRIVATE_FILE_MODE,
    warning: `${file} was readable by other users (mode ${mode.toString(8).padStart(4, '0')}); Rolebar tightened it to 0600.`,
  };
}

// The callback calls, promisified: a little lighter on the event loop than fs/promises' FileHandle.
const openFd = promisify(open);
const closeFd = promisify(close);
const fsyncFd = promisify(fsync);
const fchmodFd = promisify(fchmod);
const fchownFd = promisify(fchown);
const writevFd = promisify(writev);
const renameFile = promisify(rename);

async function fsyncDir(dir: string): Promise<void> {
  if (isWindows) return; // directories cannot be opened for fsync there; NTFS journals the rename
  const fd = await openFd(dir, 'r');
  try {
    await fsyncFd(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error;
  } finally {
    await closeFd(fd);
  }
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  // Windows refuses to replace a file another process has open (an antivirus scan, an editor): retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      return await renameFile(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!isWindows || attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES'))
        throw error;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

/** A caller's next step, run once the new file is in place while the folder's fsync is in flight. */
export type AfterStep = () => void | Promise<void>;

/** Writes every segment in order with as few system calls as the OS allows (writev may write less than asked). */
async function writeAll(fd: number, segments: readonly Buffer[]): Promise<void> {
  let rest = segments.filter((s) => s.length > 0);
  while (rest.length > 0) {
    let { bytesWritten: written } = await writevFd(fd, rest);
    if (written === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    let i = 0;
    for (; i < rest.length && written >= (rest[i]?.length ?? 0); i++) written -= rest[i]?.length ?? 0;
    rest = rest.slice(i);
    if (rest[0] && written > 0) rest[0] = rest[0].subarray(written);
  }
}

/**
 * Replaces `target` (a resolved, non-symlink path) with `data` (the concatenation of its segments:
 * a large file is written from views of the old one, never copied whole): writes a uniquely named temp file
 * beside it with `mode`, fsyncs it, renames it over the target and fsyncs the folder. When `owner`
 * is given (the old file's uid/gid) and differs from ours, ownership is restored if we may.
 * `afterRename` runs once the new file is in place, while the folder's fsync is in flight (see whileFolderSyncs).
 */
export async function atomicWriteFile(
  target: string,
  data: readonly Buffer[],
  mode: number,
  owner?: { uid: number; gid: number },
  afterRename?: AfterStep,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`,
  );
  const fd = await openFd(temp, 'wx', mode);
  try {
    try {
      // The umask may have cleared bits of a preserved mode (0640, a launcher's 0755); the owner's read and
      // write (all of 0600) no umask a user can work under clears.
      if ((mode & ~0o600) !== 0) await fchmodFd(fd, mode);
      if (owner && !isWindows && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) {
        try {
          await fchownFd(fd, owner.uid, owner.gid);
        } catch {
          // only root may; harmless otherwise
        }
      }
      await writeAll(fd, data);
      await fsyncFd(fd);
    } finally {
      await closeFd(fd);
    }
    await renameWithRetry(temp, target);
  } catch (error) {
    try {
      await rm(temp, { force: true });
    } catch {
      // The write's own error is the one to report; a leftover temp file is cleaned by the next write.
    }
    throw error;
  }
  await whileFolderSyncs(dir, afterRename);
}

/**
 * Fsyncs `dir` (making a rename or removal in it durable) while `step` runs: the caller's next step, such as
 * recording the session whose profile was just written, need not wait for the disk, since every reader
 * already sees the new file; both fsyncs then share the disk's wait. Resolves when both are done; a throw
 * from either fails the whole (after the fsync has finished, so nothing is left running).
 */
async function whileFolderSyncs(dir: string, step: AfterStep | undefined): Promise<void> {
  const synced = fsyncDir(dir);
  // Handled below in either case: a failure while the step is awaited is not an unhandled rejection.
  synced.catch(() => undefined);
  try {
    await step?.();
  } catch (error) {
    await synced.catch(() => undefined);
    throw error;
  }
  await synced;
}

/**
 * Deletes `target` (used when a sign-out takes back a file we created) and makes that durable. `afterRemove`
 * runs once the file is gone, while the folder's fsync is in flight.
 */
export async function removeFileDurably(target: string, afterRemove?: AfterStep): Promise<void> {
  await rm(target, { force: true });
  await whileFolderSyncs(path.dirname(target), afterRemove);
}

/**
 * Removes temp files a killed writer of `target` left behind: ours by name, whose writer is gone
 * (dead pid) or which are older than ten minutes. Best effort: call it while holding the lock.
 * `listing` is the folder's names when the caller has just read them (saves a second readdir).
 */
export async function cleanStaleTempFiles(target: string, listing?: readonly string[]): Promise<void> {
  const dir = path.dirname(target);
  // Temp files of the target itself and of its backups (`.credentials.rolebar-backup-…rolebar-tmp-…`).
  const prefix = `.${path.basename(target)}.`;
  let names: readonly string[];
  try {
    names = listing ?? readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const mark = name.lastIndexOf(TEMP_MARK);
    if (!name.startsWith(prefix) || mark === -1) continue;
    const pid = Number.parseInt(name.slice(mark + TEMP_MARK.length), 10);
    const file = path.join(dir, name);
    try {
      const stale = !isProcessAlive(pid) || Date.now() - statSync(file).mtimeMs > 10 * 60_000;
      if (stale && pid !== process.pid) rmSync(file, { force: true });
    } catch {
      // Another cleaner got there first, or it is not ours to remove: leave it.
    }
  }
}
