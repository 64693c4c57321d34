import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppState, Result, SwitchOutcome } from '../../electron/ipc/contract.js';
import { createScheduler } from '../../electron/service/scheduler.js';
import type { AppNotification } from '../../electron/service/tray-actions.js';
import { appState, MIN, role, session, T0 } from './state-fixture.js';

/**
 * A clock and timers the test moves by hand: one pending timer at most is what the scheduler promises. Firing
 * a timer waits for the pass it starts (the scheduler's wake-up returns it), so nothing waits in real time.
 */
function manualTime() {
  let now = T0;
  const pending = new Map<number, { at: number; fn: () => unknown }>();
  let next = 1;
  return {
    now: () => now,
    timers: {
      setTimeout: (fn: () => unknown, ms: number) => {
        pending.set(next, { at: now + ms, fn });
        return next++;
      },
      clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    },
    pending: () => [...pending.values()],
    /** Moves the clock without firing anything (the machine slept). */
    jump(ms: number) {
      now += ms;
    },
    /** Moves the clock to the next timer and fires it. */
    async fireNext() {
      const [id, timer] = [...pending].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!timer || id === undefined) throw new Error('no timer armed');
      pending.delete(id);
      now = Math.max(now, timer.at);
      await timer.fn();
    },
  };
}

/** The two service calls the scheduler makes, over a state the test edits; renew gives 60 min. */
function fakeService(
  initial: AppState,
  time: { now(): number },
  fail?: (roleId: string) => string | undefined,
) {
  let state = initial;
  const switched: string[] = [];
  return {
    switched,
    set(next: AppState) {
      state = next;
    },
    service: {
      state: async () => state,
      renew: async (roleId: string): Promise<Result<SwitchOutcome>> => {
        switched.push(roleId);
        const reason = fail?.(roleId);
        if (reason)
          return { ok: false, error: { code: 'sts-network', message: reason, hint: 'Check your network.' } };
        const renewed = session(roleId, 0, {
          expiration: new Date(time.now() + 60 * MIN).toISOString(),
          startedAt: new Date(time.now()).toISOString(),
        });
        state = { ...state, sessions: state.sessions.map((s) => (s.roleId === roleId ? renewed : s)) };
        return { ok: true, value: { session: renewed, notices: [] } };
      },
    },
  };
}

function setup(state: AppState, fail?: (roleId: string) => string | undefined) {
  const time = manualTime();
  const fake = fakeService(state, time, fail);
  const shown: AppNotification[] = [];
  const scheduler = createScheduler({
    service: fake.service,
    notifier: { notify: (n) => shown.push(n) },
    now: time.now,
    timers: time.timers,
  });
  return { time, fake, shown, scheduler };
}

// A role that cannot refresh silently (needs MFA, no MFA session), so alerts are what the user gets.
const mfaRole = role('admin', { label: 'prod admin', mfa: true });
const mfaSession = (minutes: number) => session('admin', minutes, { requiresMfa: true, via: 'mfa-direct' });

describe('the scheduler: one timer for the next alert or refresh across sessions', () => {
  it('arms one timer for the next alert and fires each threshold once', async () => {
    const { time, shown, scheduler } = setup(appState({ roles: [mfaRole], sessions: [mfaSession(20)] }));
    await scheduler.reschedule();
    assert.equal(time.pending().length, 1, 'one timer');
    assert.equal(scheduler.nextWakeAt(), T0 + 5 * MIN, 'the 15-minute alert');
    await time.fireNext();
    assert.deepEqual(
      shown.map((n) => n.title),
      ['prod admin: 15 min left'],
    );
    assert.deepEqual(
      shown[0]?.actions.map((a) => a.label),
      ['Renew', 'Copy snippet', 'Open'],
    );
    assert.match(shown[0]?.body ?? '', /MFA code/);
    assert.equal(scheduler.nextWakeAt(), T0 + 15 * MIN, 'then the 5-minute alert');
    await time.fireNext();
    await time.fireNext();
    await time.fireNext();
    assert.deepEqual(
      shown.map((n) => n.title),
      [
        'prod admin: 15 min left',
        'prod admin: 5 min left',
        'prod admin: 1 min left',
        'prod admin has expired',
      ],
    );
    assert.equal(scheduler.nextWakeAt(), null, 'nothing left to wait for');
    assert.equal(time.pending().length, 0);
  });

  it('after sleep past several thresholds, only the most urgent alert fires', async () => {
    const { time, shown, scheduler } = setup(appState({ roles: [mfaRole], sessions: [mfaSession(20)] }));
    await scheduler.reschedule();
    time.jump(17 * MIN); // asleep through 15 and 5; 3 min left
    await scheduler.reschedule(); // powerMonitor 'resume'
    assert.deepEqual(
      shown.map((n) => n.title),
      ['prod admin: 3 min left'],
    );
    assert.equal(scheduler.nextWakeAt(), T0 + 19 * MIN, 'the 1-minute alert is next');
  });

  it('while suspended nothing fires, even a reschedule already in flight; resume fires the most urgent', async () => {
    const { time, fake, shown, scheduler } = setup(
      appState({ roles: [mfaRole], sessions: [mfaSession(20)] }),
    );
    await scheduler.reschedule();
    // A state published just before the machine slept: its pass reads the state after the clock jumped.
    let release: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const read = fake.service.state;
    fake.service.state = async () => {
      await held;
      return read();
    };
    const inFlight = scheduler.reschedule();
    void scheduler.reschedule(); // a second publish: one more pass queued after the one in flight
    scheduler.suspend();
    assert.equal(scheduler.nextWakeAt(), null, 'no timer while asleep');
    time.jump(17 * MIN);
    release?.();
    await inFlight;
    await scheduler.reschedule(); // a publish while asleep
    assert.equal(shown.length, 0, 'nothing fired while asleep');
    fake.service.state = read;
    await scheduler.resume();
    assert.deepEqual(
      shown.map((n) => n.title),
      ['prod admin: 3 min left'],
    );
    assert.equal(scheduler.nextWakeAt(), T0 + 19 * MIN);
  });

  it('renews a role that needs no MFA code at the refresh margin, silently', async () => {
    const plain = role('ro', { label: 'prod readonly' });
    const { time, fake, shown, scheduler } = setup(
      appState({ roles: [plain], sessions: [session('ro', 30)] }),
    );
    await scheduler.reschedule();
    assert.equal(
      scheduler.nextWakeAt(),
      T0 + 20 * MIN,
      'refresh 10 min before expiry; no alert wake-ups before',
    );
    await time.fireNext();
    assert.deepEqual(fake.switched, ['ro']);
    assert.deepEqual(shown, [], 'no "expires soon" alert for a session renewed silently');
    assert.equal(scheduler.nextWakeAt(), T0 + 20 * MIN + 50 * MIN, 'the next refresh of the new credentials');
  });

  it('runs due refreshes on resume, and the most urgent alert for what cannot be renewed', async () => {
    const state = appState({
      roles: [role('ro', { label: 'prod readonly' }), mfaRole],
      sessions: [session('ro', 30), mfaSession(30)],
    });
    const { time, fake, shown, scheduler } = setup(state);
    await scheduler.reschedule();
    time.jump(28 * MIN);
    await scheduler.reschedule();
    assert.deepEqual(fake.switched, ['ro'], 'only the role that needs no code');
    assert.deepEqual(
      shown.map((n) => n.title),
      ['prod admin: 2 min left'],
    );
  });

  it('an MFA role is renewed silently only while its MFA session outlives the refresh', async () => {
    const viaMfaSession = (mfaMinutes: number) =>
      session('admin', 30, {
        requiresMfa: true,
        via: 'mfa-session',
        mfaExpiration: new Date(T0 + mfaMinutes * MIN).toISOString(),
      });
    const alive = setup(appState({ roles: [mfaRole], sessions: [viaMfaSession(600)] }));
    await alive.scheduler.reschedule();
    await alive.time.fireNext();
    assert.deepEqual(alive.fake.switched, ['admin'], 'renewed from the MFA session');

    const endsFirst = setup(appState({ roles: [mfaRole], sessions: [viaMfaSession(15)] }));
    await endsFirst.scheduler.reschedule();
    endsFirst.time.jump(25 * MIN);
    await endsFirst.scheduler.reschedule();
    assert.deepEqual(endsFirst.fake.switched, [], 'never without a live MFA session');
    assert.deepEqual(
      endsFirst.shown.map((n) => n.title),
      ['prod admin: 5 min left'],
    );
  });

  it('a refresh that fails says why, is not retried for the same credentials, and alerts resume', async () => {
    const plain = role('ro', { label: 'prod readonly' });
    const { time, fake, shown, scheduler } = setup(
      appState({ roles: [plain], sessions: [session('ro', 30)] }),
      () => 'The STS endpoint could not be reached.',
    );
    await scheduler.reschedule();
    await time.fireNext();
    assert.equal(shown[0]?.title, 'Could not renew prod readonly');
    assert.equal(shown[0]?.body, 'The STS endpoint could not be reached. Check your network.');
    assert.deepEqual(
      shown[0]?.actions.map((a) => a.action),
      [{ kind: 'switch', roleId: 'ro' }, { kind: 'open-window' }],
    );
    assert.equal(scheduler.nextWakeAt(), T0 + 25 * MIN, 'the 5-minute alert, no retry loop');
    await time.fireNext();
    assert.deepEqual(fake.switched, ['ro']);
    assert.equal(shown.at(-1)?.title, 'prod readonly: 5 min left');
  });

  it('the global and the per-role switches silence notifications, not refreshes', async () => {
    const off = appState({ roles: [mfaRole], sessions: [mfaSession(20)] });
    off.preferences.notifications = false;
    const global = setup(off);
    await global.scheduler.reschedule();
    await global.time.fireNext();
    assert.deepEqual(global.shown, []);

    const perRole = setup(appState({ roles: [{ ...mfaRole, notify: false }], sessions: [mfaSession(20)] }));
    await perRole.scheduler.reschedule();
    await perRole.time.fireNext();
    assert.deepEqual(perRole.shown, []);
    assert.equal(perRole.scheduler.nextWakeAt(), T0 + 15 * MIN, 'progress still moves on');
  });

  it('sessions found already expired at launch are not announced; new credentials restart alerts', async () => {
    const { time, fake, shown, scheduler } = setup(
      appState({ roles: [mfaRole], sessions: [mfaSession(-60)] }),
    );
    await scheduler.reschedule();
    assert.equal(shown.length, 0);
    assert.equal(scheduler.nextWakeAt(), null);
    fake.set(appState({ roles: [mfaRole], sessions: [mfaSession(16)] }));
    await scheduler.reschedule(); // the state changed: a new switch
    assert.equal(scheduler.nextWakeAt(), T0 + MIN);
    await time.fireNext();
    assert.equal(shown.at(-1)?.title, 'prod admin: 15 min left');
    scheduler.stop();
    assert.equal(time.pending().length, 0);
  });
});
