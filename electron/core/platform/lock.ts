/*
 * A lock file beside the target (`credentials.rolebar-lock`) serialises read-modify-write between
 * the app, the CLI and several CLIs, so no writer loses another's update. It is created with
 * O_EXCL ('wx') and holds "pid host time"; a lock whose process is dead (same host) or that is
 * older than `staleMs` (or dated in the future) is broken. Breaking goes through a second, short-lived `.break` lock and
 * re-checks the lock is the same one judged stale, so two waiters cannot both break it and one
 * delete the other's fresh lock.
 */
import { closeSync, promises as fs, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { isProcessAlive } from './atomic.js';
import { AwsFileError } from '../aws-files/errors.js';

/** How long to wait for the lock and when to consider it abandoned. */
export interface LockOptions {
  /** Give up (error code 'locked') after this long. Default 12 s: longer than `staleMs`, so an abandoned lock is always broken first. */
  timeoutMs?: number;
  /** A lock older than this is abandoned even if its pid looks alive (pids get reused). Default 10 s. */
  staleMs?: number;
}

/** Suffix of the lock file next to the file it protects. */
export const LOCK_SUFFIX = '.rolebar-lock';

/** What a waiter sees of a lock file: its line, its inode and its mtime. */
export interface LockInfo {
  content: string;
  ino: number;
  mtimeMs: number;
}

async function inspect(file: string): Promise<LockInfo | undefined> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { content, ino: stat.ino, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A lock dated this far ahead of our clock was not written by a clock we share: judge it abandoned. */
const FUTURE_TOLERANCE_MS = 2_000;
/** A breaker holds `.break` for a few milliseconds; one older than this crashed mid-break. */
export const BREAKER_STALE_MS = 2_000;

/**
 * The one rule for an abandoned lock, shared by the settings lock: older than `staleMs`, dated in the future,
 * left empty by a holder that died before writing its line, or held by a dead process on this host.
 */
export function isStale(info: LockInfo, staleMs: number): boolean {
  const age = Date.now() - info.mtimeMs;
  // A future mtime (a clock that jumped back, a touched file) would otherwise block until our clock catches up.
  if (age > staleMs || age < -FUTURE_TOLERANCE_MS) return true;
  const [pid, host] = info.content.split(' ');
  // A holder writes its line right after creating the file: still empty after 2 s, it died in between.
  if (!info.content.endsWith('\n')) return age > Math.min(2_000, staleMs);
  // A pid only means something on the machine that wrote it (home folders can be shared over NFS).
  return host === os.hostname() && pid !== undefined && /^\d+$/.test(pid) && !isProcessAlive(Number(pid));
}

/** A holder's line: "pid host time nonce", the nonce telling two holders with one pid apart. */
export function lockLine(): string {
  return `${process.pid} ${os.hostname()} ${new Date().toISOString()} ${Math.random().toString(36).slice(2)}\n`;
}

/** Removes `file` only if it is still the one judged (same inode and content). */
async function removeIfSame(file: string, judged: LockInfo): Promise<void> {
  const now = await inspect(file);
  if (now && now.ino === judged.ino && now.content === judged.content) await fs.rm(file, { force: true });
}

/**
 * Breaks the stale lock `judged` under the `.break` lock. Returns false when another breaker holds
 * `.break` (the caller then waits like any waiter; retrying at once would spin); a `.break` left by a
 * crashed breaker is removed, so the next round can proceed.
 */
async function breakLock(lockPath: string, judged: LockInfo, staleMs: number): Promise<boolean> {
  const breaker = `${lockPath}.break`;
  try {
    const handle = await fs.open(breaker, 'wx', 0o600);
    try {
      await handle.writeFile(`${process.pid} ${os.hostname()} break\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await inspect(breaker);
    if (info && isStale(info, Math.min(BREAKER_STALE_MS, staleMs))) await removeIfSame(breaker, info);
    return false;
  }
  try {
    await removeIfSame(lockPath, judged);
    return true;
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

/**
 * Runs `fn` while holding the lock for `target` (a resolved path), waiting with a short randomised
 * backoff while someone else holds it. Throws AwsFileError 'locked' on timeout.
 */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 12_000;
  const staleMs = options.staleMs ?? 10_000;
  const lockPath = target + LOCK_SUFFIX;
  const deadline = Date.now() + timeoutMs;
  const mine = lockLine();
  let delay = 2;
  for (;;) {
    if (tryCreateLock(lockPath, mine)) break;
    const info = await inspect(lockPath);
    if (!info) continue; // released between our attempt and the look: try again at once
    if (isStale(info, staleMs) && (await breakLock(lockPath, info, staleMs))) continue;
    if (Date.now() >= deadline) {
      const holder = info.content.split(' ')[0] || 'unknown';
      throw new AwsFileError('locked', `Another process (pid ${holder}) is updating ${target}.`, {
        hint: `Try again in a moment. If no Rolebar app or CLI is running, delete ${lockPath}.`,
        context: { file: target, lock: lockPath, holder },
      });
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    releaseLock(lockPath, mine);
  }
}

// Taking and releasing a free lock are a few metadata calls that take microseconds on a local disk, made
// synchronously like the settings lock's: as promises, each cost a thread-pool round trip, and a switch took
// and released three locks. Nothing here waits on the disk (the lock is never fsynced: a lock left by a crash
// is broken as stale, so its durability does not matter). Waiting for a held lock stays asynchronous.

/** Creates the lock file with our line; false when another holder has it (EEXIST). */
function tryCreateLock(lockPath: string, line: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock only if it is still ours (it could have been broken as stale after a long stall).
 * Our line is unique (pid, host, time, random), so its content alone tells; no stat needed. Never throws.
 */
function releaseLock(lockPath: string, line: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === line) rmSync(lockPath, { force: true });
  } catch {
    // Gone already, or broken and taken by another: not ours to remove.
  }
}
