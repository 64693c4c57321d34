/*
 * The cross-process lock around every read-modify-write of settings.json: the same lock file, line format and
 * stale rules as the AWS files' lock (aws-files/lock.ts), taken synchronously. Why synchronous: conf (and
 * electron-store over it) reads and writes synchronously, and every caller of Settings.update is synchronous;
 * an async lock would force the whole core to change shape for a hold that lasts a few milliseconds.
 * A waiter sleeps with Atomics.wait, which blocks only this thread, never spins the CPU.
 */
import {
  breakLock,
  createExclusive,
  inspectLock,
  isStale,
  LOCK_SUFFIX,
  type LockOptions,
  lockLine,
  releaseLock,
} from './aws-files/lock.js';
import { RolebarError } from './errors.js';

/** Paths whose lock this process holds now, with how deep: a nested update inside an update must not wait on itself. */
const held = new Map<string, number>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Runs `fn` while holding `<target>.rolebar-lock`, waiting (up to `timeoutMs`, default 12 s) while another
 * process holds it. Re-entrant within a process. Throws RolebarError 'settings-locked' on timeout.
 */
export function withSettingsLock<T>(target: string, fn: () => T, options: LockOptions = {}): T {
  const depth = held.get(target) ?? 0;
  if (depth > 0) {
    held.set(target, depth + 1);
    try {
      return fn();
    } finally {
      held.set(target, depth);
    }
  }
  const timeoutMs = options.timeoutMs ?? 12_000;
  const staleMs = options.staleMs ?? 10_000;
  const lockPath = target + LOCK_SUFFIX;
  const deadline = Date.now() + timeoutMs;
  const mine = lockLine();
  let delay = 2;
  for (;;) {
    if (createExclusive(lockPath, mine)) break;
    const seen = inspectLock(lockPath);
    if (!seen) continue;
    // The AWS files' lock's own steps (taken synchronously there too): one rule for taking and breaking both.
    if (isStale(seen, staleMs) && breakLock(lockPath, seen, staleMs)) continue;
    if (Date.now() >= deadline) {
      const holder = seen.content.split(' ')[0] || 'unknown';
      throw new RolebarError('settings-locked', `Another process (pid ${holder}) is updating ${target}.`, {
        hint: `Try again in a moment. If no Rolebar app or CLI is running, delete ${lockPath}.`,
        context: { file: target, lock: lockPath, holder },
      });
    }
    sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  held.set(target, 1);
  try {
    return fn();
  } finally {
    held.delete(target);
    releaseLock(lockPath, mine);
  }
}
