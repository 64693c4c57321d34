// Credentials known to still work: a session revoked in the emulator is flagged in the service state within one
// check, stays flagged (and unchecked) until the user switches again, and the checker keeps one timer at most.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addAlice } from '../support/core-fixture.js';
import { manualTimers, type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { CHECK_INTERVAL_MS, createSessionCheck } from '../../electron/service/session-check.js';

describe('checking that the active session still works', () => {
  let f: ServiceFixture;
  let aliceId: string;
  before(async () => {
    f = await startServiceFixture('session-check');
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f?.close());

  it('flags a revoked session within one check, and only a switch clears it', async () => {
    const role = await f.service['role:add']({
      label: 'checked-ro',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(role.ok);
    assert.ok((await f.service['role:switch']({ roleId: role.value.id })).ok);
    const timers = manualTimers();
    const check = createSessionCheck({ service: f.service, timers, intervalMs: CHECK_INTERVAL_MS });
    try {
      await check.checkNow();
      assert.equal((await f.service.state()).sessionProblem, undefined);
      assert.equal(timers.pending(), 1, 'one timer: the next check');

      const key = (await f.core.credentialsOf(role.value.id))?.accessKeyId ?? '';
      assert.ok(f.emu.sessions.revoke(key));
      const calls = f.emu.countRequests('GetCallerIdentity');
      timers.fireAll(); // the 15-minute check
      await check.checkNow(); // joins the run the timer started
      const state = await f.service.state();
      assert.equal(state.sessionProblem?.roleId, role.value.id);
      assert.match(state.sessionProblem?.message ?? '', /no longer accepts this session/);
      assert.match(state.sessionProblem?.hint ?? '', /Switch to the role again/);
      assert.equal(f.pushed.at(-1)?.sessionProblem?.roleId, role.value.id, 'pushed to window and tray');
      assert.equal(timers.pending(), 0, 'no timer after a failure');

      await check.checkNow(); // a resume: still nothing asked until the user acts
      assert.equal(f.emu.countRequests('GetCallerIdentity'), calls + 1);

      assert.ok((await f.service['role:switch']({ roleId: role.value.id })).ok);
      assert.equal((await f.service.state()).sessionProblem, undefined);
      check.rearm();
      assert.equal(timers.pending(), 1);
    } finally {
      check.stop();
    }
  });

  it('asks nothing while asleep, and checks again on resume', async () => {
    const timers = manualTimers();
    const check = createSessionCheck({ service: f.service, timers });
    try {
      await check.checkNow();
      assert.equal(timers.pending(), 1);
      check.pause();
      assert.equal(timers.pending(), 0);
      check.rearm(); // a state change while asleep arms nothing
      assert.equal(timers.pending(), 0);
      const calls = f.emu.countRequests('GetCallerIdentity');
      await check.checkNow();
      assert.ok(f.emu.countRequests('GetCallerIdentity') >= calls);
      assert.equal(timers.pending(), 1);
    } finally {
      check.stop();
    }
  });
});
