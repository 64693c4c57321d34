// The one lock (platform/lock.ts), on a fake clock: real lock files in a temp folder, real pids, fake time. A
// live holder keeps its lock however long it holds; an abandoned one is broken (at once when its holder is
// provably gone, after the stale time when only its age can tell); waiting sleeps, never spins.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  LockedError,
  type LockOptions,
  withFileLock,
  withFileLockSync,
} from '../../../electron/core/platform/lock.js';
import { lockLine } from '../../../electron/core/platform/lock-file.js';
import { FakeClock } from '../../support/fake-clock.js';

const STALE = 10_000;
/** Whether this OS tells a process's start time (Linux /proc): without it a pid alone proves nothing. */
const startTimes = existsSync('/proc/self/stat');

describe('the lock on a fake clock', () => {
  let dir: string;
  let target: string;
  let lock: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-lock-'));
    target = path.join(dir, 'credentials');
    lock = `${target}.rolebar-lock`;
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a lock as another holder would: `line`, dated `ageMs` ago on the fake clock. */
  const planted = (line: string, ageMs = 0) => {
    writeFileSync(lock, line);
    const at = new Date(clock.time - ageMs);
    utimesSync(lock, at, at);
  };
  const options = (more: LockOptions = {}): LockOptions => ({ clock, staleMs: STALE, ...more });

  for (const [where, host] of [
    ['on another host (judged by its refreshes alone)', 'peer-a'],
    ['on this host', undefined],
  ] as const) {
    it(`a live holder ${where} keeps its lock for 30 s, and the waiter then takes it`, async () => {
      const events: string[] = [];
      let holderSawItsLock = false;
      const holder = withFileLock(
        target,
        async () => {
          events.push(`A took it at ${clock.time}`);
          await clock.sleep(30_000);
          holderSawItsLock = readFileSync(lock, 'utf8').includes(` ${host ?? os.hostname()} `);
        },
        options(host ? { host } : {}),
      );
      await clock.run(() => events.length === 1);
      const started = clock.time;
      let tookAt = 0;
      const waiter = withFileLock(
        target,
        async () => {
          tookAt = clock.time;
        },
        options({ timeoutMs: 60_000 }),
      );
      let settled = 0;
      void holder.then(() => settled++);
      void waiter.then(() => settled++);
      await clock.run(() => settled === 2);
      await Promise.all([holder, waiter]);
      assert.ok(holderSawItsLock, 'the holder lost its lock while it held it');
      assert.ok(tookAt - started >= 30_000, `the waiter took the lock after ${tookAt - started} ms`);
      assert.equal(existsSync(lock), false, 'released');
    });
  }

  it('a holder on another host that stopped refreshing is broken after the stale time', async () => {
    planted(`4242 peer-b 2026-11-28T10:00:00.000Z n1\n`);
    let tookAt = 0;
    const waiter = withFileLock(target, async () => void (tookAt = clock.time), options());
    const started = clock.time;
    let done = false;
    void waiter.then(() => (done = true));
    await clock.run(() => done);
    await waiter;
    assert.ok(tookAt - started > STALE, `broken after ${tookAt - started} ms`);
    assert.ok(tookAt - started < STALE + 200, `broken only after ${tookAt - started} ms`);
  });

  it('a stopped holder on this host (still running, not refreshing) keeps its lock; the waiter says so', async (t) => {
    if (!startTimes) return t.skip('this OS does not tell process start times: age alone decides here');
    // Our own pid and start time: provably a running holder, silent for a minute (Ctrl-Z, a stuck disk).
    const line = lockLine({ host: os.hostname(), now: () => clock.time });
    planted(line, 60_000);
    const waiter = withFileLock(target, async () => 'took it', options({ timeoutMs: 5_000 }));
    let failure: unknown;
    waiter.catch((error: unknown) => (failure = error));
    await clock.run(() => failure !== undefined);
    assert.ok(failure instanceof LockedError, String(failure));
    assert.equal(failure.code, 'locked');
    assert.match(failure.message, /no sign of life for 65 s: it may be stopped \(Ctrl-Z\)/);
    assert.match(failure.hint ?? '', /Resume it/);
    assert.equal(failure.context.holder, String(process.pid));
    assert.equal(readFileSync(lock, 'utf8'), line, 'its lock is left as it was');
  });

  it('a dead holder on this host is broken at once, without a sleep', () => {
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    planted(`${dead.stdout.trim()} ${os.hostname()} 2026-11-28T10:00:00.000Z n2\n`);
    assert.equal(
      withFileLockSync(target, () => 'ran', options()),
      'ran',
    );
    assert.equal(clock.sleeps, 0);
  });

  it('a pid now worn by another process (another start time) is broken at once', (t) => {
    if (!startTimes) return t.skip('this OS does not tell process start times');
    planted(`${process.pid} ${os.hostname()} 2026-11-28T10:00:00.000Z n3 s1\n`);
    assert.equal(
      withFileLockSync(target, () => 'ran', options()),
      'ran',
    );
    assert.equal(clock.sleeps, 0);
  });

  for (const waiter of ['sync', 'async'] as const) {
    it(`${waiter}: while another breaker holds .break, the waiter sleeps (no spin) until it is stale, then proceeds`, async () => {
      planted(`4242 peer-b 2026-11-28T10:00:00.000Z n4\n`, 60_000); // abandoned by age
      // A breaker on another host that stopped mid-break just now: only its age (2 s) frees it.
      writeFileSync(`${lock}.break`, '4243 peer-c break\n');
      const at = new Date(clock.time);
      utimesSync(`${lock}.break`, at, at);
      const started = clock.time;
      if (waiter === 'sync') {
        // A spin reads the clock without sleeping: FakeClock throws "spinning" instead of hanging.
        withFileLockSync(target, () => undefined, options());
      } else {
        let done = false;
        const run = withFileLock(target, async () => undefined, options()).then(() => (done = true));
        await clock.run(() => done);
        await run;
      }
      const waited = clock.time - started;
      assert.ok(waited >= 2_000 && waited < 2_200, `proceeded after ${waited} ms`);
      assert.ok(clock.sleeps > 5, `slept ${clock.sleeps} times`);
      assert.ok(clock.sleeps < 200, `slept ${clock.sleeps} times: the backoff should grow to 50 ms`);
      assert.equal(existsSync(`${lock}.break`), false);
    });
  }

  it('times out on the clock it was given, with code "locked" and what to do', () => {
    planted(`${process.pid} ${os.hostname()} 2026-11-28T10:00:00.000Z n5\n`); // live, fresh
    const started = clock.time;
    assert.throws(
      () => withFileLockSync(target, () => 'ran', options({ timeoutMs: 3_000 })),
      (error: unknown) =>
        error instanceof LockedError &&
        error.code === 'locked' &&
        error.context.file === target &&
        /rolebar-lock/.test(error.hint ?? ''),
    );
    assert.ok(clock.time - started >= 3_000 && clock.time - started < 3_100, `${clock.time - started} ms`);
  });

  it('the sync lock is re-entrant within a process; the async one refreshes only while held', async () => {
    const inner = withFileLockSync(
      target,
      () => withFileLockSync(target, () => 'nested', options()),
      options(),
    );
    assert.equal(inner, 'nested');
    assert.equal(existsSync(lock), false);
    let refreshing = 0;
    await withFileLock(target, async () => void (refreshing = clock.intervals), options());
    assert.equal(refreshing, 1, 'the holder refreshes while it holds');
    assert.equal(clock.intervals, 0, 'and stops when it releases');
    withFileLockSync(target, () => void (refreshing = clock.intervals), options());
    assert.equal(refreshing, 0, 'a sync hold cannot run a timer: it sets none');
  });
});
