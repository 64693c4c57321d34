/*
 * A lock file beside the target (`credentials.rolebar-lock`) serialises read-modify-write between
 * the app, the CLI and several CLIs, so no writer loses another's update. It is created with
 * O_EXCL ('wx') and holds "pid host time"; a lock whose process is dead (same host) or that is
 * older than `staleMs` (or dated in the future) is broken. Breaking goes through a second, short-lived `.break` lock and
 * re-checks the lock is the same one judged stale, so two waiters cannot both break it and one
 * delete the other's fresh lock.
 * Taking, looking at and releasing a lock are synchronous calls on tiny files: each async call costs a
 * thread-pool round trip (~0.1 ms, much more on a loaded machine), and a switch takes two locks. Only the wait
 * between attempts is asynchronous.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { isProcessAlive } from './atomic.js';
import { AwsFileError } from './errors.js';

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

/** A lock file's line, inode and mtime; undefined when there is none. */
export function inspectLock(file: string): LockInfo | undefined {
  try {
    const stat = statSync(file);
    return { content: readFileSync(file, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
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
function removeIfSame(file: string, judged: LockInfo): void {
  const now = inspectLock(file);
  if (now && now.ino === judged.ino && now.content === judged.content) rmSync(file, { force: true });
}

/** Creates `file` exclusively with `line` in it; false when it exists already. */
export function createExclusive(file: string, line: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
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
 * Breaks the stale lock `judged` under the `.break` lock. Returns false when another breaker holds
 * `.break` (the caller then waits like any waiter; retrying at once would spin); a `.break` left by a
 * crashed breaker is removed, so the next round can proceed.
 */
export function breakLock(lockPath: string, judged: LockInfo, staleMs: number): boolean {
  const breaker = `${lockPath}.break`;
  if (!createExclusive(breaker, `${process.pid} ${os.hostname()} break\n`)) {
    const info = inspectLock(breaker);
    if (info && isStale(info, Math.min(BREAKER_STALE_MS, staleMs))) removeIfSame(breaker, info);
    return false;
  }
  try {
    removeIfSame(lockPath, judged);
    return true;
  } finally {
    rmSync(breaker, { force: true });
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
    if (createExclusive(lockPath, mine)) break;
    const info = inspectLock(lockPath);
    if (!info) continue; // released between our attempt and the look: try again at once
    if (isStale(info, staleMs) && breakLock(lockPath, info, staleMs)) continue;
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

/**
 * Removes the lock at `lockPath` only if it is still ours (it could have been broken as stale after a long
 * stall). Our line is unique (pid, host, time, random), so its content alone tells; no stat needed.
 */
export function releaseLock(lockPath: string, mine: string): void {
  let now: string | undefined;
  try {
    now = readFileSync(lockPath, 'utf8');
  } catch {
    now = undefined;
  }
  try {
    if (now === mine) rmSync(lockPath, { force: true });
  } catch {
    // Gone already, or not removable: the next taker judges it by its line.
  }
}
