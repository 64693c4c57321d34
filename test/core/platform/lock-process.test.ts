// The lock between real processes: a child holds a lock (refreshing it) while this process waits for it. The
// waiter must not break it, neither when only the refreshes can tell (the child plays another host sharing the
// folder) nor when the child is stopped (SIGSTOP, as Ctrl-Z does) on this host. A few seconds of real time.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LockedError, withFileLock } from '../../../electron/core/platform/lock.js';

const CHILD = fileURLToPath(new URL('./lock-holder-child.ts', import.meta.url));

/** Starts a child holding the lock on `target`; resolves once it holds it. */
async function holder(target: string, staleMs: number, host?: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, target, String(staleMs), ...(host ? [host] : [])],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').once('data', (text: string) => {
      if (text.startsWith('held')) resolve();
      else reject(new Error(`the child said ${text}`));
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before holding the lock`)));
  });
  return child;
}

/** Lets the child release; resolves with what it found of its lock ("intact" or "lost") and its exit code. */
async function letGo(child: ChildProcess): Promise<{ said: string; code: number | null }> {
  let said = '';
  child.stdout?.on('data', (text: string) => (said += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  return { code: await exited, said: said.trim() };
}

describe('the lock between processes', () => {
  let dir: string;
  let target: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-lock-process-'));
    target = path.join(dir, 'credentials');
  });
  afterEach(() => {
    for (const child of children.splice(0)) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a holder on another host that refreshes its lock keeps it past the stale time', async () => {
    // The child refreshes every 200 ms; this waiter would break a lock left alone for 1.5 s.
    const child = await holder(target, 600, 'another-host');
    children.push(child);
    await assert.rejects(
      withFileLock(target, async () => 'took it', { staleMs: 1_500, timeoutMs: 2_500 }),
      (error: unknown) => error instanceof LockedError && error.code === 'locked',
    );
    assert.deepEqual(await letGo(child), { code: 0, said: 'intact' });
    assert.equal(await withFileLock(target, async () => 'took it'), 'took it');
    assert.equal(existsSync(`${target}.rolebar-lock`), false);
  });

  it('a stopped holder on this host keeps its lock, and the waiter says it looks stopped', async (t) => {
    if (!existsSync('/proc/self/stat')) return t.skip('this OS does not tell process start times');
    const child = await holder(target, 10_000);
    children.push(child);
    child.kill('SIGSTOP');
    // This waiter judges a lock not refreshed for 300 ms stale: a stopped child's lock soon is.
    await assert.rejects(
      withFileLock(target, async () => 'took it', { staleMs: 300, timeoutMs: 1_500 }),
      (error: unknown) => error instanceof LockedError && /it may be stopped \(Ctrl-Z\)/.test(error.message),
    );
    child.kill('SIGCONT');
    assert.deepEqual(await letGo(child), { code: 0, said: 'intact' });
  });
});
