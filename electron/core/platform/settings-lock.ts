/*
 * The cross-process lock around every read-modify-write of settings.json: the same lock file, line format and
 * stale rules as the AWS files' lock (aws-files/lock.ts), taken synchronously. Why synchronous: conf (and
 * electron-store over it) reads and writes synchronously, and every caller of Settings.update is synchronous;
 * an async lock would force the whole core to change shape for a hold that lasts a few milliseconds.
 * A waiter sleeps with Atomics.wait, which blocks only this thread, never spins the CPU.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { BREAKER_STALE_MS, isStale, LOCK_SUFFIX, type LockInfo, type LockOptions, lockLine } from './lock.js';
import { RolebarError } from '../domain/errors.js';

/** Paths whose lock this process holds now, with how deep: a nested update inside an update must not wait on itself. */
const held = new Map<string, number>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function look(lockPath: string): LockInfo | undefined {
  try {
    const stat = statSync(lockPath);
    return { content: readFileSync(lockPath, 'utf8'), ino: stat.ino, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Breaks an abandoned lock through a short `.break` lock, re-checking it is still the one judged abandoned. */
function breakAbandoned(lockPath: string, judged: LockInfo, staleMs: number): void {
  const breaker = `${lockPath}.break`;
  try {
    closeSync(openSync(breaker, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const seen = look(breaker);
    // A breaker that crashed mid-break (the same rule as the AWS files' lock).
    if (seen && isStale(seen, Math.min(BREAKER_STALE_MS, staleMs))) rmSync(breaker, { force: true });
    return;
  }
  try {
    const now = look(lockPath);
    if (now && now.ino === judged.ino && now.content === judged.content) rmSync(lockPath, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
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
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const seen = look(lockPath);
    if (!seen) continue;
    if (isStale(seen, staleMs)) {
      breakAbandoned(lockPath, seen, staleMs);
      continue;
    }
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
    // Remove the lock only if it is still ours (it could have been broken as abandoned after a long stall).
    let now: string | undefined;
    try {
      now = readFileSync(lockPath, 'utf8');
    } catch {
      now = undefined;
    }
    if (now === mine) rmSync(lockPath, { force: true });
  }
}
