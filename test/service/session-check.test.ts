// Credentials known to still work: the check runs on the scheduler's one timer, against the real service and
// emulator. A revoked session is flagged within one check and nothing more is asked until the user switches;
// nothing is asked while asleep; resume (and a network change) checks at once; a check cut short by quit
// publishes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { createScheduler, type Scheduler } from '../../electron/service/scheduler.js';
import { CHECK_INTERVAL_MS, createSessionCheck } from '../../electron/service/session-check.js';
import type { Timers } from '../../electron/service/clipboard.js';

/** A clock and timers moved by hand: `fire` moves the clock to the armed timer and runs it. */
function manualClock() {
  let now = Date.now();
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout: (fn, ms) => {
      pending.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    now: () => now,
    timers,
    pending: () => [...pending.values()].map((p) => p.at),
    jump(ms: number) {
      now += ms;
    },
    fire() {
      const [id, timer] = [...pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!timer || id === undefined) throw new Error('no timer armed');
      pending.delete(id);
      now = Math.max(now, timer.at);
      timer.fn();
    },
  };
}

describe('checking that the active session still works (on the scheduler)', () => {
  let f: ServiceFixture;
  let aliceId: string;
  before(async () => {
    f = await startServiceFixture('session-check');
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f?.close());

  /** A role of Alice's, switched to now: the active session. */
  async function switchedRole(label: string): Promise<string> {
    const role = await f.service['role:add']({
      label,
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(role.ok);
    assert.ok((await f.service['role:switch']({ roleId: role.value.id })).ok);
    return role.value.id;
  }

  function start(verifyActive = f.service.verifyActive) {
    const clock = manualClock();
    const check = createSessionCheck({ service: { verifyActive } });
    const scheduler: Scheduler = createScheduler({
      service: f.service,
      notifier: { notify: () => undefined },
      now: clock.now,
      timers: clock.timers,
      sessionCheck: check,
    });
    return { clock, check, scheduler };
  }
  const calls = () => f.emu.countRequests('GetCallerIdentity');

  it('checks at launch and every 15 minutes on one timer; flags a revoked session; waits for a switch', async () => {
    const roleId = await switchedRole('checked-ro');
    const { clock, scheduler, check } = start();
    try {
      const launch = clock.now();
      const before = calls();
      await scheduler.reschedule();
      assert.equal(calls(), before + 1, 'a check at launch');
      assert.deepEqual(clock.pending(), [launch + CHECK_INTERVAL_MS], 'one timer: the next check, first');

      const key = (await f.core.credentialsOf(roleId))?.accessKeyId ?? '';
      assert.ok(f.emu.sessions.revoke(key));
      clock.fire(); // 15 minutes later
      await scheduler.reschedule(); // joins the run the timer started
      const state = await f.service.state();
      assert.equal(state.sessionProblem?.roleId, roleId, 'flagged within one check');
      assert.match(state.sessionProblem?.message ?? '', /no longer accepts this session/);
      assert.match(state.sessionProblem?.hint ?? '', /Switch to the role again/);
      assert.equal(f.pushed.at(-1)?.sessionProblem?.roleId, roleId, 'pushed to window and tray');
      assert.equal(calls(), before + 2);
      assert.ok(
        clock.pending().every((at) => at !== clock.now() + CHECK_INTERVAL_MS),
        'no check armed after a refusal',
      );

      check.wake(); // a resume or a network change: still nothing asked until the user acts
      await scheduler.reschedule();
      clock.jump(CHECK_INTERVAL_MS);
      await scheduler.reschedule();
      assert.equal(calls(), before + 2, 'nothing asked after the refusal');

      assert.ok((await f.service['role:switch']({ roleId })).ok);
      assert.equal((await f.service.state()).sessionProblem, undefined, 'the switch clears the flag');
      await scheduler.reschedule();
      assert.equal(calls(), before + 3, 'checked again once the user acted');
    } finally {
      scheduler.stop();
    }
  });

  it('asks nothing while asleep, and checks at once on resume', async () => {
    await switchedRole('sleepy-ro');
    const { clock, check, scheduler } = start();
    try {
      await scheduler.reschedule();
      const before = calls();
      check.pause();
      clock.jump(3 * CHECK_INTERVAL_MS);
      await scheduler.reschedule(); // timers the machine held back fire late, on wake-up: still asleep here
      assert.equal(calls(), before, 'no check while asleep');
      assert.ok(
        clock.pending().every((at) => at !== clock.now() + CHECK_INTERVAL_MS),
        'no check armed while asleep',
      );
      check.wake();
      await scheduler.reschedule();
      assert.equal(calls(), before + 1, 'a check on resume');
    } finally {
      scheduler.stop();
    }
  });

  it('a check cut short by quit records and publishes nothing, and none starts after', async () => {
    const roleId = await switchedRole('quitting-ro');
    const key = (await f.core.credentialsOf(roleId))?.accessKeyId ?? '';
    assert.ok(f.emu.sessions.revoke(key));
    let asked = false;
    const { scheduler } = start((abandoned) => {
      asked = true;
      // Quit begins while AWS is being asked: the answer (a refusal) arrives after the stop.
      scheduler.stop();
      return f.service.verifyActive(abandoned);
    });
    const pushed = f.pushed.length;
    const before = calls();
    const running = scheduler.reschedule();
    await running;
    assert.equal((await f.service.state()).sessionProblem, undefined, 'nothing recorded');
    assert.equal(f.pushed.length, pushed, 'nothing published');
    assert.ok(asked && calls() === before + 1, 'AWS was asked (and refused)');
    await scheduler.reschedule();
    assert.equal(calls(), before + 1, 'no check after quit');
  });
});
