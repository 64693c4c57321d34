// platform/ holds what the operating system gives Rolebar: this lock, atomic writes (atomic.ts), the settings folder
// (paths.ts) and the keychain (keychain/). Nothing in it knows about roles or AWS.
/*
 * The one cross-process lock: a lock file beside the target (`credentials.rolebar-lock`) serialises
 * read-modify-write between the app, the CLI and several CLIs, so no writer loses another's update. One acquire
 * loop (acquireSteps) serves two waiters: withFileLock (async: the AWS files, the session records, the per-role
 * and per-identity session locks) and withFileLockSync (settings.json, whose store, conf, is synchronous). A file
 * is only ever locked one way: a sync waiter would sleep on an async holder of its own process for good. The loop only says how
 * long to sleep; each waiter sleeps its own way on the clock it was given, so the tests run on a fake clock.
 *
 * An async holder refreshes its lock's mtime while it holds it, so a waiter that cannot ask about the holder's
 * pid (another host sharing the folder) tells a live holder from an abandoned lock. The rules a waiter applies
 * are lock-file.ts's judge.
 */
import os from 'node:os';
import { RolebarError } from '../domain/errors.js';
import {
  breakAbandoned,
  judge,
  LOCK_SUFFIX,
  type LockInfo,
  lockLine,
  type LockSelf,
  look,
  refresh,
  release,
  tryCreate,
  type Verdict,
} from './lock-file.js';

export { LOCK_SUFFIX } from './lock-file.js';

/** Time as the lock sees it: the system's, or a fake one in tests. */
export interface LockClock {
  /** Milliseconds since the epoch: what lock files are dated with and judged by. */
  now(): number;
  /** The async waiter's wait. */
  sleep(ms: number): Promise<void>;
  /** The sync waiter's wait: blocks this thread without using the CPU. */
  sleepSync(ms: number): void;
  /** Calls `fn` every `ms` until the returned function is called; never keeps the process alive. */
  every(ms: number, fn: () => void): () => void;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The real clock: Date.now, timers, and Atomics.wait (which sleeps, never spins) for the sync waiter. */
export const systemClock: LockClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  sleepSync: (ms) => void Atomics.wait(sleeper, 0, 0, ms),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** How long to wait for the lock, when to judge it abandoned, and on what clock. */
export interface LockOptions {
  /** Give up (LockedError) after this long. Default 12 s: longer than `staleMs`, so an abandoned lock is broken first. */
  timeoutMs?: number;
  /**
   * A lock whose holder cannot be asked about (another host, an OS without process start times) is abandoned
   * when it was not refreshed for this long. Default 10 s. A running holder on this host keeps its lock however
   * long it holds.
   */
  staleMs?: number;
  /** Default systemClock. */
  clock?: LockClock;
  /** The host named in our lock line; default os.hostname(). A test plays a second machine with another name. */
  host?: string;
}

/** The lock stayed taken for the whole wait: code 'locked', context { file, lock, holder }. */
export class LockedError extends RolebarError {}

const DEFAULT_TIMEOUT_MS = 12_000;
const DEFAULT_STALE_MS = 10_000;
/** Retries in a row without a sleep (a lock released or broken just now) before sleeping like any waiter. */
const MAX_IMMEDIATE_RETRIES = 3;
/** The first and the longest sleep between two looks: a released lock is taken soon after. */
const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 50;

/** A waiter's view of one lock: where it is, how long to wait, and who we are. */
interface Waiter {
  target: string;
  lockPath: string;
  timeoutMs: number;
  staleMs: number;
  clock: LockClock;
  self: LockSelf;
  /** Our line, written into the lock when we take it. */
  line: string;
}

let hostName: string | undefined;

function waiter(target: string, options: LockOptions): Waiter {
  const clock = options.clock ?? systemClock;
  // os.hostname() asks the OS on each call: once per process is enough.
  hostName ??= os.hostname();
  const now = () => clock.now();
  const self: LockSelf = {
    host: options.host ?? hostName,
    now,
    ...(clock === systemClock ? {} : { stamp: now }),
  };
  return {
    target,
    lockPath: target + LOCK_SUFFIX,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    staleMs: options.staleMs ?? DEFAULT_STALE_MS,
    clock,
    self,
    line: lockLine(self),
  };
}

/**
 * The acquire loop both waiters share: yields how long to sleep before the next look, returns once the lock is
 * ours, throws LockedError at the deadline. It never loops without a sleep more than MAX_IMMEDIATE_RETRIES times
 * in a row, whatever the files do: a waiter sleeps, it does not spin.
 */
function* acquireSteps(w: Waiter): Generator<number, void, void> {
  const deadline = w.clock.now() + w.timeoutMs;
  let delay = FIRST_BACKOFF_MS;
  let immediate = 0;
  for (;;) {
    if (tryCreate(w.lockPath, w.line, w.self.stamp?.())) return;
    const info = look(w.lockPath);
    const verdict = info && judge(info, w.staleMs, w.self);
    // Released between our attempt and the look, or abandoned and broken by us: try again at once.
    const retry =
      !info || (verdict?.kind === 'abandoned' && breakAbandoned(w.lockPath, info, w.staleMs, w.self));
    if (retry && immediate++ < MAX_IMMEDIATE_RETRIES) continue;
    immediate = 0;
    if (w.clock.now() >= deadline) throw lockedError(w, info, verdict);
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, MAX_BACKOFF_MS);
  }
}

function lockedError(w: Waiter, info: LockInfo | undefined, verdict: Verdict | undefined): LockedError {
  const holder = info?.content.split(' ')[0] || 'unknown';
  const context = { file: w.target, lock: w.lockPath, holder };
  if (verdict?.kind === 'stalled') {
    const seconds = Math.round(verdict.idleMs / 1000);
    return new LockedError(
      'locked',
      `Process ${holder} holds the lock on ${w.target} but has shown no sign of life for ${seconds} s: it may be stopped (Ctrl-Z) or stuck.`,
      {
        hint: `Resume it (fg) or end it, then try again. Rolebar never takes a lock from a process that still runs; if that process is not Rolebar, delete ${w.lockPath}.`,
        context,
      },
    );
  }
  return new LockedError('locked', `Another process (pid ${holder}) is updating ${w.target}.`, {
    hint: `Try again in a moment. If no Rolebar app or CLI is running, delete ${w.lockPath}.`,
    context,
  });
}

/**
 * Runs `fn` while holding the lock for `target` (a resolved path), waiting with a short randomised backoff while
 * another holds it, and refreshing the lock every third of `staleMs` while `fn` runs. Not re-entrant (two async
 * flows of one process take turns). Throws LockedError (code 'locked') when the wait times out.
 */
export async function withFileLock<T>(
  target: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const w = waiter(target, options);
  for (const ms of acquireSteps(w)) await w.clock.sleep(ms);
  const stop = w.clock.every(w.staleMs / 3, () => refresh(w.lockPath, w.line, w.clock.now()));
  try {
    return await fn();
  } finally {
    stop();
    release(w.lockPath, w.line);
  }
}

/** Targets whose sync lock this process holds now, with how deep: a nested update must not wait on itself. */
const heldSync = new Map<string, number>();

/**
 * Runs `fn` while holding the lock for `target`, synchronously: for conf's settings store, whose every caller is
 * synchronous (an async lock would reshape the whole core for a hold of a few milliseconds). Waiting blocks this
 * thread in sleeps (never a spin). Re-entrant within a process. Throws LockedError (code 'locked') on timeout.
 *
 * A sync holder cannot refresh its lock (no timer runs while it holds): its holds last milliseconds, far below
 * the stale time; on this host a running holder is never broken whatever its age, and a holder on another host
 * stuck for longer than `staleMs` in its file system is judged abandoned, as before refreshes existed.
 */
export function withFileLockSync<T>(target: string, fn: () => T, options: LockOptions = {}): T {
  const depth = heldSync.get(target) ?? 0;
  if (depth > 0) {
    heldSync.set(target, depth + 1);
    try {
      return fn();
    } finally {
      heldSync.set(target, depth);
    }
  }
  const w = waiter(target, options);
  for (const ms of acquireSteps(w)) w.clock.sleepSync(ms);
  heldSync.set(target, 1);
  try {
    return fn();
  } finally {
    heldSync.delete(target);
    release(w.lockPath, w.line);
  }
}
