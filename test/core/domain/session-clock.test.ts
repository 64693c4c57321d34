// Session clock: time only ever moves as a number passed in; nothing here sleeps or reads the clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type AlertProgress,
  type ClockSession,
  type ClockSettings,
  type ClockState,
  DEFAULT_CLOCK_SETTINGS,
  dueAlerts,
  formatRemaining,
  MFA_REFRESH_ALLOWANCE_MS,
  nextAlertAt,
  refreshPlan,
  sessionCountdown,
  startAlertProgress,
  validateClockSettings,
} from '../../../electron/core/domain/session-clock.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0); // an arbitrary fixed "local now"

const session = (over: Partial<ClockSession> = {}): ClockSession => ({
  expiresAt: T0 + HOUR,
  requiresMfa: false,
  ...over,
});

// --- generators ---------------------------------------------------------------------------------

const settingsArb: fc.Arbitrary<ClockSettings> = fc.record({
  alertThresholdsMin: fc
    .uniqueArray(fc.integer({ min: 1, max: 120 }), { maxLength: 5 })
    .map((a) => a.sort((x, y) => y - x)),
  refreshMarginMin: fc.integer({ min: 1, max: 60 }),
});
const sessionArb: fc.Arbitrary<ClockSession> = fc.record({
  expiresAt: fc.integer({ min: T0 - 2 * HOUR, max: T0 + 13 * HOUR }),
  mfaExpiresAt: fc.option(fc.integer({ min: T0 - 2 * HOUR, max: T0 + 36 * HOUR }), { nil: undefined }),
  requiresMfa: fc.boolean(),
  clockOffsetMs: fc.integer({ min: -10 * MIN, max: 10 * MIN }),
});
const nowArb = fc.integer({ min: T0 - 3 * HOUR, max: T0 + 14 * HOUR });
const NUM_RUNS = 300;

const SEVERITY: Record<ClockState, number> = { fresh: 0, warning: 1, critical: 2, expired: 3 };
const serverNow = (s: ClockSession, now: number): number => now + (s.clockOffsetMs ?? 0);
const localExpiry = (s: ClockSession): number => s.expiresAt - (s.clockOffsetMs ?? 0);

// --- settings -----------------------------------------------------------------------------------

describe('validateClockSettings', () => {
  it('accepts the defaults and fills missing fields with them', () => {
    assert.deepEqual(validateClockSettings(DEFAULT_CLOCK_SETTINGS), {
      ok: true,
      settings: DEFAULT_CLOCK_SETTINGS,
    });
    assert.deepEqual(validateClockSettings({}), {
      ok: true,
      settings: { alertThresholdsMin: [15, 5, 1], refreshMarginMin: 10 },
    });
    assert.deepEqual(validateClockSettings({ refreshMarginMin: 3 }), {
      ok: true,
      settings: { alertThresholdsMin: [15, 5, 1], refreshMarginMin: 3 },
    });
  });

  it('sorts thresholds descending and removes duplicates; an empty list is allowed', () => {
    const r = validateClockSettings({ alertThresholdsMin: [1, 30, 5, 30, 1] });
    assert.deepEqual(r, { ok: true, settings: { alertThresholdsMin: [30, 5, 1], refreshMarginMin: 10 } });
    assert.equal(validateClockSettings({ alertThresholdsMin: [] }).ok, true);
  });

  it('rejects non-positive, fractional, non-numeric or huge thresholds and out-of-range margins', () => {
    for (const bad of [
      [0],
      [-5],
      [1.5],
      [Number.NaN],
      ['5'],
      [Number.POSITIVE_INFINITY],
      [100_000],
      'x',
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    ]) {
      assert.equal(validateClockSettings({ alertThresholdsMin: bad }).ok, false, JSON.stringify(bad));
    }
    for (const bad of [0, 61, 1.5, -1, '10', Number.NaN, null]) {
      assert.equal(validateClockSettings({ refreshMarginMin: bad }).ok, false, String(bad));
    }
    for (const bad of [null, 5, 'x', []]) assert.equal(validateClockSettings(bad).ok, false);
    const both = validateClockSettings({ alertThresholdsMin: [0], refreshMarginMin: 0 });
    assert.equal(both.ok ? 0 : both.errors.length, 2);
  });

  it('any accepted value is normalized (positive integers, strictly descending, margin 1..60)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 2000 }), { maxLength: 12 }),
        fc.integer({ min: -5, max: 70 }),
        (t, m) => {
          const r = validateClockSettings({ alertThresholdsMin: t, refreshMarginMin: m });
          if (!r.ok) return;
          const out = r.settings.alertThresholdsMin;
          assert.ok(
            out.every((x, i) => Number.isInteger(x) && x > 0 && (i === 0 || x < (out[i - 1] ?? 0))),
            'thresholds not positive integers in strictly descending order',
          );
          assert.deepEqual(
            [...out].sort((a, b) => a - b),
            [...new Set(t)].sort((a, b) => a - b),
          );
          assert.ok(
            r.settings.refreshMarginMin >= 1 && r.settings.refreshMarginMin <= 60,
            'margin out of range',
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// --- countdown ----------------------------------------------------------------------------------

describe('sessionCountdown', () => {
  it('formats mm:ss below an hour and h:mm:ss above, rounding up to the second', () => {
    const cases: [number, string][] = [
      [-5, '00:00'],
      [0, '00:00'],
      [1, '00:01'],
      [1000, '00:01'],
      [1001, '00:02'],
      [59_999, '01:00'],
      [59 * MIN + 59 * SEC, '59:59'],
      [59 * MIN + 59 * SEC + 1, '1:00:00'],
      [HOUR, '1:00:00'],
      [HOUR + 61 * SEC, '1:01:01'],
      [36 * HOUR, '36:00:00'],
      [Number.NaN, '00:00'],
    ];
    for (const [ms, text] of cases) assert.equal(formatRemaining(ms), text, String(ms));
  });

  it('uses server time and the alert thresholds for the state', () => {
    const s = session({ expiresAt: T0 + 20 * MIN, clockOffsetMs: 30 * SEC }); // server is 30 s ahead
    const at = (now: number) => sessionCountdown(s, now).credentials;
    assert.deepEqual(at(T0), {
      remainingMs: 19 * MIN + 30 * SEC,
      text: '19:30',
      state: 'fresh',
      endsAt: T0 + 19 * MIN + 30 * SEC,
    });
    assert.equal(at(T0 + 4 * MIN + 30 * SEC).state, 'warning'); // exactly 15:00 left
    assert.equal(at(T0 + 18 * MIN + 29 * SEC).state, 'warning'); // 1:01 left
    assert.equal(at(T0 + 18 * MIN + 30 * SEC).state, 'critical'); // 1:00 left
    assert.deepEqual(at(T0 + HOUR), {
      remainingMs: 0,
      text: '00:00',
      state: 'expired',
      endsAt: T0 + 19 * MIN + 30 * SEC,
    });
    assert.equal(sessionCountdown(s, T0).mfa, undefined);
  });

  it('reports the MFA session clock separately', () => {
    const s = session({ expiresAt: T0 + 50 * MIN, mfaExpiresAt: T0 + 3 * MIN, requiresMfa: true });
    const c = sessionCountdown(s, T0);
    assert.equal(c.credentials.state, 'fresh');
    assert.deepEqual(c.mfa, { remainingMs: 3 * MIN, text: '03:00', state: 'warning', endsAt: T0 + 3 * MIN });
  });

  it('without thresholds a clock goes straight from fresh to expired', () => {
    const st = { alertThresholdsMin: [], refreshMarginMin: 10 };
    assert.equal(sessionCountdown(session({ expiresAt: T0 + 1 }), T0, st).credentials.state, 'fresh');
  });

  it('never negative, non-increasing in now, state only worsens', () => {
    fc.assert(
      fc.property(
        sessionArb,
        settingsArb,
        nowArb,
        fc.integer({ min: 0, max: 5 * HOUR }),
        (s, st, now, dt) => {
          const a = sessionCountdown(s, now, st);
          const b = sessionCountdown(s, now + dt, st);
          for (const [x, y] of [
            [a.credentials, b.credentials],
            [a.mfa, b.mfa],
          ] as const) {
            if (x === undefined || y === undefined) continue;
            assert.ok(
              y.remainingMs >= 0 && y.remainingMs <= x.remainingMs,
              'remaining time negative or increased',
            );
            assert.ok(SEVERITY[y.state] >= SEVERITY[x.state], 'state became less severe');
            assert.equal(x.text, formatRemaining(x.remainingMs));
            assert.equal(x.state === 'expired', x.remainingMs === 0);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// --- alerts ---------------------------------------------------------------------------------

describe('alerts', () => {
  it('fire at 15, 5 and 1 minutes and at expiry, each once, driven by nextAlertAt only', () => {
    const s = session({ expiresAt: T0 + HOUR });
    let progress: AlertProgress | null = startAlertProgress(s, T0);
    let now = T0;
    const fired: string[] = [];
    for (;;) {
      const next = nextAlertAt(s, progress, now);
      if (next === null) break;
      now = next;
      const r = dueAlerts(s, progress, now);
      assert.ok(r.fire, 'the timer fires exactly when an alert is due');
      fired.push(`${r.fire.kind}:${r.fire.thresholdMin}@${(now - T0) / MIN}`);
      progress = r.progress;
    }
    assert.deepEqual(fired, ['expiring:15@45', 'expiring:5@55', 'expiring:1@59', 'expired:0@60']);
  });

  it('after sleep/resume only the most urgent skipped alert fires', () => {
    const s = session({ expiresAt: T0 + HOUR });
    const first = dueAlerts(s, startAlertProgress(s, T0), T0 + 46 * MIN); // 14 min left
    assert.equal(first.fire?.thresholdMin, 15);
    // Asleep from 14 min left until 30 s left: 5 and 1 were both missed.
    const woke = dueAlerts(s, first.progress, T0 + 59 * MIN + 30 * SEC);
    assert.deepEqual(woke.fire, { kind: 'expiring', thresholdMin: 1, dueAt: T0 + 59 * MIN });
    assert.deepEqual(
      woke.skipped.map((a) => a.thresholdMin),
      [5],
    );
    assert.equal(dueAlerts(s, woke.progress, T0 + 59 * MIN + 40 * SEC).fire, undefined);
    // Asleep past expiry: only 'expired'.
    const late = dueAlerts(s, first.progress, T0 + 2 * HOUR);
    assert.equal(late.fire?.kind, 'expired');
    assert.equal(nextAlertAt(s, late.progress, T0 + 2 * HOUR), null);
  });

  it('a 15-minute session does not open with the 15-minute alert', () => {
    const s = session({ expiresAt: T0 + 15 * MIN - 2 * SEC });
    const p = startAlertProgress(s, T0);
    assert.equal(dueAlerts(s, p, T0).fire, undefined);
    assert.equal(nextAlertAt(s, p, T0), T0 + 10 * MIN - 2 * SEC);
    // Without the start progress it would alert right away.
    assert.equal(dueAlerts(s, null, T0).fire?.thresholdMin, 15);
  });

  it('progress recorded for other credentials (before a refresh) is ignored', () => {
    const old = session({ expiresAt: T0 + 5 * MIN });
    const stale = dueAlerts(old, null, T0 + 5 * MIN).progress; // old creds: 'expired' fired
    const renewed = session({ expiresAt: T0 + HOUR });
    assert.equal(nextAlertAt(renewed, stale, T0), T0 + 45 * MIN);
  });

  it('schedules on server time: dueAt and nextAlertAt are local', () => {
    const s = session({ expiresAt: T0 + HOUR, clockOffsetMs: -2 * MIN }); // local clock is 2 min ahead
    assert.equal(nextAlertAt(s, null, T0), T0 + 47 * MIN);
    assert.equal(dueAlerts(s, null, T0 + 47 * MIN - 1).fire, undefined);
    assert.equal(dueAlerts(s, null, T0 + 47 * MIN).fire?.dueAt, T0 + 47 * MIN);
  });

  it('property: nextAlertAt is exactly the earliest time an alert is due', () => {
    fc.assert(
      fc.property(
        sessionArb,
        settingsArb,
        nowArb,
        fc.option(fc.integer({ min: 0, max: 130 }), { nil: null }),
        (s, st, now, last) => {
          const progress: AlertProgress = { expiresAt: s.expiresAt, lastThresholdMin: last };
          const next = nextAlertAt(s, progress, now, st);
          if (next === null) {
            for (const t of [now, now + HOUR, now + 100 * HOUR])
              assert.equal(dueAlerts(s, progress, t, st).fire, undefined);
            return;
          }
          assert.ok(next >= now, 'nextAlertAt is in the past');
          assert.ok(dueAlerts(s, progress, next, st).fire, 'nothing due at nextAlertAt');
          if (next > now) {
            for (const t of [now, next - 1, Math.floor((now + next) / 2)])
              assert.equal(dueAlerts(s, progress, t, st).fire, undefined);
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('property: with timers and random sleeps, no alert fires twice or before its threshold, and expiry is always alerted', () => {
    const step = fc.oneof(
      fc.constant<{ kind: 'timer' }>({ kind: 'timer' }),
      fc.record({ kind: fc.constant<'sleep'>('sleep'), ms: fc.integer({ min: 0, max: 3 * HOUR }) }),
    );
    fc.assert(
      fc.property(
        sessionArb,
        settingsArb,
        nowArb,
        fc.boolean(),
        fc.array(step, { maxLength: 15 }),
        (s, st, t0, fresh, steps) => {
          let progress: AlertProgress | null = fresh ? startAlertProgress(s, t0, st) : null;
          let now = t0;
          const fired: number[] = [];
          const observe = (expectFire: boolean): void => {
            const r = dueAlerts(s, progress, now, st);
            if (expectFire) assert.ok(r.fire, 'timer from nextAlertAt found nothing due');
            if (r.fire) {
              const thresholdMs = r.fire.thresholdMin * MIN;
              assert.ok(s.expiresAt - serverNow(s, now) <= thresholdMs, 'fired before its threshold');
              assert.ok(r.fire.dueAt <= now, 'dueAt is after now');
              assert.ok(!fired.includes(r.fire.thresholdMin), 'fired twice');
              assert.ok(
                fired.every((f) => f > (r.fire?.thresholdMin ?? 0)),
                'fired out of order',
              );
              for (const k of r.skipped)
                assert.ok(
                  k.thresholdMin > r.fire.thresholdMin && !fired.includes(k.thresholdMin),
                  'skipped alert not less urgent, or already fired',
                );
              fired.push(r.fire.thresholdMin);
            } else assert.equal(r.skipped.length, 0);
            progress = r.progress;
          };
          for (const st2 of steps) {
            if (st2.kind === 'timer') {
              const next = nextAlertAt(s, progress, now, st);
              if (next === null) continue;
              now = next;
              observe(true);
            } else {
              now += st2.ms;
              observe(false);
            }
          }
          now = Math.max(now, localExpiry(s));
          observe(!fired.includes(0));
          assert.equal(fired.filter((f) => f === 0).length, 1, "'expired' fires exactly once");
          assert.equal(nextAlertAt(s, progress, now, st), null);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// --- refresh ------------------------------------------------------------------------------------

describe('refreshPlan', () => {
  it('refreshes the margin before expiry (server time), or now when that passed during sleep', () => {
    const s = session({ expiresAt: T0 + HOUR, clockOffsetMs: 5 * SEC });
    assert.deepEqual(refreshPlan(s, T0), { kind: 'refresh-at', at: T0 + 50 * MIN - 5 * SEC, overdue: false });
    assert.deepEqual(refreshPlan(s, T0 + 55 * MIN), { kind: 'refresh-at', at: T0 + 55 * MIN, overdue: true });
    assert.deepEqual(refreshPlan(s, T0, { alertThresholdsMin: [], refreshMarginMin: 3 }), {
      kind: 'refresh-at',
      at: T0 + 57 * MIN - 5 * SEC,
      overdue: false,
    });
    assert.deepEqual(refreshPlan(s, T0 + 2 * HOUR), { kind: 'expired', renewableWithoutMfa: true });
  });

  it('MFA roles refresh silently only while the MFA session outlives the refresh', () => {
    const mfa = (mfaExpiresAt: number | undefined) =>
      session({ expiresAt: T0 + HOUR, requiresMfa: true, mfaExpiresAt });
    assert.deepEqual(refreshPlan(mfa(T0 + 8 * HOUR), T0), {
      kind: 'refresh-at',
      at: T0 + 50 * MIN,
      overdue: false,
    });
    assert.deepEqual(refreshPlan(mfa(T0 + 50 * MIN + MFA_REFRESH_ALLOWANCE_MS), T0).kind, 'refresh-at');
    assert.deepEqual(refreshPlan(mfa(T0 + 50 * MIN + MFA_REFRESH_ALLOWANCE_MS - 1), T0), {
      kind: 'needs-mfa',
      reason: 'mfa-session-ends-first',
      at: T0 + 50 * MIN,
    });
    assert.deepEqual(refreshPlan(mfa(T0 - 1), T0), {
      kind: 'needs-mfa',
      reason: 'mfa-session-expired',
      at: T0 + 50 * MIN,
    });
    assert.deepEqual(refreshPlan(mfa(undefined), T0), {
      kind: 'needs-mfa',
      reason: 'no-mfa-session',
      at: T0 + 50 * MIN,
    });
    // Expired role credentials: renewable without a code while the MFA session lasts.
    assert.deepEqual(refreshPlan(mfa(T0 + 8 * HOUR), T0 + 2 * HOUR), {
      kind: 'expired',
      renewableWithoutMfa: true,
    });
    assert.deepEqual(refreshPlan(mfa(T0 + 90 * MIN), T0 + 2 * HOUR), {
      kind: 'expired',
      renewableWithoutMfa: false,
    });
  });

  it('property: never planned at or after expiry, never in the past, consistent with the MFA session', () => {
    fc.assert(
      fc.property(sessionArb, settingsArb, nowArb, (s, st, now) => {
        const plan = refreshPlan(s, now, st);
        const expired = serverNow(s, now) >= s.expiresAt;
        assert.equal(plan.kind === 'expired', expired);
        if (plan.kind === 'refresh-at') {
          assert.ok(
            plan.at >= now && plan.at < localExpiry(s),
            'refresh planned in the past or at/after expiry',
          );
          if (!plan.overdue) assert.equal(plan.at, localExpiry(s) - st.refreshMarginMin * MIN);
          if (s.requiresMfa) {
            assert.ok(
              s.mfaExpiresAt !== undefined &&
                serverNow(s, plan.at) + MFA_REFRESH_ALLOWANCE_MS <= s.mfaExpiresAt,
              'MFA session does not outlive the refresh',
            );
          }
        }
        if (plan.kind === 'needs-mfa') {
          assert.ok(
            s.requiresMfa && plan.at >= now && plan.at < localExpiry(s),
            'needs-mfa for a role without MFA, or at out of range',
          );
        }
        if (plan.kind === 'expired' && !s.requiresMfa) assert.equal(plan.renewableWithoutMfa, true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('unvalidated margins are clamped so a refresh is still before expiry', () => {
    for (const refreshMarginMin of [0, -10, Number.NaN, 1e9]) {
      const plan = refreshPlan(session(), T0, { alertThresholdsMin: [], refreshMarginMin });
      assert.ok(plan.kind === 'refresh-at' && plan.at >= T0 && plan.at < T0 + HOUR, String(refreshMarginMin));
    }
  });
});
