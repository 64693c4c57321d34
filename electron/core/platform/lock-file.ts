/*
 * The lock file itself, for lock.ts's two waiters: its line, how a waiter judges a lock it finds, and how an
 * abandoned one is broken. Every call is synchronous: each is a metadata call or a read of a few bytes that
 * takes microseconds on a local disk, and keeping them synchronous lets one acquire loop serve both waiters
 * (and run on a fake clock, with nothing in flight between two steps of it).
 */
import {
  closeSync,
  futimesSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { isProcessAlive } from './atomic.js';

/** Suffix of the lock file next to the file it protects. */
export const LOCK_SUFFIX = '.rolebar-lock';

/** A breaker holds `.break` for a few milliseconds; one older than this crashed (or was stopped) mid-break. */
const BREAKER_STALE_MS = 2_000;
/** A holder writes its line right after creating the file: still without one after this, it died in between. */
const HALF_WRITTEN_MS = 2_000;
/** A lock dated this far ahead of our clock was not written by a clock we share: judge it abandoned. */
const FUTURE_TOLERANCE_MS = 2_000;

/** What a waiter sees of a lock file: its line, its inode and its mtime (the holder's last sign of life). */
export interface LockInfo {
  content: string;
  ino: number;
  mtimeMs: number;
}

/** Who we are in a lock line, and the clock locks are judged by. */
export interface LockSelf {
  host: string;
  now: () => number;
  /** The time to date a new lock file with; absent when the file system's own date is the clock's (the system's). */
  stamp?: () => number;
}

/**
 * What a waiter makes of a lock it found. `held`: a holder that may still be working, wait. `abandoned`: break
 * it. `stalled`: a process on this host that is provably the holder and still running, but has not refreshed
 * the lock for longer than the stale time (stopped with Ctrl-Z, or stuck in I/O); it keeps its lock, because
 * breaking it would let two writers run at once when it resumes.
 */
export type Verdict = { kind: 'held' } | { kind: 'abandoned' } | { kind: 'stalled'; idleMs: number };

/**
 * This process's start time, from /proc (Linux): with the pid, it names this process and no later one that
 * reuses the pid. Undefined where the OS does not say (macOS, Windows): a waiter then judges by age alone.
 */
function startToken(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The process name, in parentheses, may hold spaces: fields are counted after its closing one.
    // starttime is field 22 of the whole line, the 20th after the name.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start && /^\d+$/.test(start) ? `s${start}` : undefined;
  } catch {
    return undefined;
  }
}

const ownToken = startToken(process.pid);

/** A holder's line: "pid host time nonce [start]"; the nonce tells two holders in one process apart. */
export function lockLine(self: LockSelf): string {
  const fields = [
    process.pid,
    self.host,
    new Date(self.now()).toISOString(),
    Math.random().toString(36).slice(2),
  ];
  return `${[...fields, ...(ownToken ? [ownToken] : [])].join(' ')}\n`;
}

/** The lock file as it is now, or undefined when there is none. */
export function look(file: string): LockInfo | undefined {
  try {
    const stat = statSync(file);
    return { content: readFileSync(file, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The one rule for a lock a waiter finds. Abandoned: left half-written, held by a dead process on this host, by a
 * process whose pid now names another process (its start time differs), or (when the pid tells nothing: another
 * host, an OS without start times, an older Rolebar's line) not refreshed for longer than `staleMs`, or dated in
 * the future. A running holder on this host is never judged abandoned, however long it holds.
 */
export function judge(info: LockInfo, staleMs: number, self: LockSelf): Verdict {
  const age = self.now() - info.mtimeMs;
  if (!info.content.endsWith('\n')) {
    return age > Math.min(HALF_WRITTEN_MS, staleMs) ? { kind: 'abandoned' } : { kind: 'held' };
  }
  const [pid, host, , , token] = info.content.trimEnd().split(' ');
  // A pid only means something on the machine that wrote it (home folders can be shared over NFS).
  if (host === self.host && pid !== undefined && /^\d+$/.test(pid)) {
    if (!isProcessAlive(Number(pid))) return { kind: 'abandoned' };
    const now = token?.startsWith('s') ? startToken(Number(pid)) : undefined;
    if (now !== undefined) {
      if (now !== token) return { kind: 'abandoned' }; // the holder died and its pid was given to another
      return age > staleMs ? { kind: 'stalled', idleMs: age } : { kind: 'held' };
    }
  }
  // A future mtime (a clock that jumped back, a touched file) would otherwise block until our clock catches up.
  return age > staleMs || age < -FUTURE_TOLERANCE_MS ? { kind: 'abandoned' } : { kind: 'held' };
}

/**
 * Creates `file` exclusively with `line`; false when it exists (EEXIST). `now`, when given, dates it: a clock
 * other than the system's (a test's) must say its time, where the file system dates a new file by the system
 * clock already (and a futimes costs a third of taking a free lock).
 */
export function tryCreate(file: string, line: string, now?: number): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, line);
    if (now !== undefined) futimesSync(fd, new Date(now), new Date(now));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes `file` only if it is still the one judged (same inode and content): a fresh lock is never removed. */
function removeIfSame(file: string, judged: LockInfo): void {
  const now = look(file);
  if (now && now.ino === judged.ino && now.content === judged.content) rmSync(file, { force: true });
}

/**
 * Breaks the abandoned lock `judged` under the short `.break` lock, re-checking that it is still the one judged,
 * so two waiters cannot both break it and one delete the other's fresh lock. Returns false when another breaker
 * holds `.break`: the caller then sleeps like any waiter (retrying at once would spin). A `.break` left by a
 * breaker that crashed is removed, so a later round can proceed.
 */
export function breakAbandoned(lockPath: string, judged: LockInfo, staleMs: number, self: LockSelf): boolean {
  const breaker = `${lockPath}.break`;
  // No start time in a breaker's line: a breaker stopped mid-break must not block everyone, so age alone decides.
  if (!tryCreate(breaker, `${process.pid} ${self.host} break\n`, self.stamp?.())) {
    const seen = look(breaker);
    if (seen && judge(seen, Math.min(BREAKER_STALE_MS, staleMs), self).kind === 'abandoned') {
      removeIfSame(breaker, seen);
    }
    return false;
  }
  try {
    removeIfSame(lockPath, judged);
    return true;
  } finally {
    rmSync(breaker, { force: true });
  }
}

/** Dates our lock by our clock again, if it is still ours: the holder's sign of life. Never throws. */
export function refresh(lockPath: string, line: string, now: number): void {
  try {
    if (readFileSync(lockPath, 'utf8') !== line) return; // broken and taken by another: not ours to touch
    const at = new Date(now);
    utimesSync(lockPath, at, at);
  } catch {
    // Gone, or the disk refused: the next refresh tries again; a waiter may judge us by age meanwhile.
  }
}

/**
 * Removes the lock only if it is still ours (it may have been broken as abandoned). Our line is unique (pid,
 * host, time, nonce), so its content alone tells. Never throws.
 */
export function release(lockPath: string, line: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === line) rmSync(lockPath, { force: true });
  } catch {
    // Gone already, or broken and taken by another: not ours to remove.
  }
}
