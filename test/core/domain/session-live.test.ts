// isLive: the one rule for "is this session live?", with the clock offset applied once. Time is a number passed in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sessionCountdown } from '../../../electron/core/domain/session-clock.js';
import {
  activeSessionOf,
  clockSessionOf,
  isLive,
  timeLeftMs,
} from '../../../electron/core/domain/session-live.js';

const MIN = 60_000;
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('isLive and timeLeftMs', () => {
  it('counts on AWS clock: server time is local time plus the offset', () => {
    // AWS is 10 minutes ahead: at local T0, AWS reads T0+10 min, so a session ending at T0+5 min (AWS) ended 5 minutes ago.
    const ahead = { expiration: iso(T0 + 5 * MIN), clockOffsetMs: 10 * MIN };
    assert.equal(timeLeftMs(ahead, T0), -5 * MIN);
    assert.equal(isLive(ahead, T0), false);
    // AWS is 10 minutes behind: at local T0 AWS reads T0-10 min, so 15 minutes are left.
    const behind = { expiration: iso(T0 + 5 * MIN), clockOffsetMs: -10 * MIN };
    assert.equal(timeLeftMs(behind, T0), 15 * MIN);
    assert.equal(isLive(behind, T0), true);
  });

  it('takes an ISO string, a Date or epoch ms alike, and a margin that must be exceeded', () => {
    const end = T0 + 10 * MIN;
    for (const session of [
      { expiration: iso(end), clockOffsetMs: 0 },
      { expiration: new Date(end) },
      { expiresAt: end, clockOffsetMs: 0 },
    ]) {
      assert.equal(isLive(session, T0, 9 * MIN), true);
      assert.equal(isLive(session, T0, 10 * MIN), false, 'exactly the margin left is not enough');
      assert.equal(isLive(session, end), false, 'ended at its expiry');
    }
  });

  it('an unreadable expiry or offset never makes a session live or poisons the arithmetic', () => {
    assert.equal(isLive({ expiration: 'not a date', clockOffsetMs: 0 }, T0), false);
    assert.equal(timeLeftMs({ expiration: 'nope' }, T0), -Infinity);
    assert.equal(timeLeftMs({ expiresAt: T0 + MIN, clockOffsetMs: Number.NaN }, T0), MIN);
  });

  it('property: live exactly when the countdown has time left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2 * 60 * MIN, max: 2 * 60 * MIN }),
        fc.integer({ min: -20 * MIN, max: 20 * MIN }),
        (endIn, offset) => {
          const record = {
            expiration: iso(T0 + endIn),
            clockOffsetMs: offset,
            via: 'direct',
            requiresMfa: false,
          };
          const left = sessionCountdown(clockSessionOf(record), T0).credentials.remainingMs;
          assert.equal(isLive(record, T0), left > 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('activeSessionOf', () => {
  const session = (roleId: string, startedMin: number, endsMin: number, clockOffsetMs = 0) => ({
    roleId,
    startedAt: iso(T0 + startedMin * MIN),
    expiration: iso(T0 + endsMin * MIN),
    clockOffsetMs,
  });

  it('is the most recently started live session', () => {
    const sessions = [session('a', -30, 30), session('b', -10, 50), session('c', -5, -1)];
    assert.equal(activeSessionOf(sessions, T0)?.roleId, 'b', 'c is newer but has ended');
    assert.equal(activeSessionOf(sessions, T0 + 55 * MIN), undefined);
  });

  it('follows AWS clock: a session AWS already ended is not active, whatever the local clock says', () => {
    const ended = session('a', -20, 5, 10 * MIN);
    assert.equal(activeSessionOf([ended], T0), undefined);
    assert.equal(activeSessionOf([session('a', -20, -5, -10 * MIN)], T0)?.roleId, 'a');
  });
});

describe('clockSessionOf', () => {
  it('keeps the MFA session clock, except for a session assumed directly with a code', () => {
    const base = { expiration: iso(T0), mfaExpiration: iso(T0 + MIN), requiresMfa: true, clockOffsetMs: 5 };
    assert.deepEqual(clockSessionOf({ ...base, via: 'mfa-session' }), {
      expiresAt: T0,
      mfaExpiresAt: T0 + MIN,
      requiresMfa: true,
      clockOffsetMs: 5,
    });
    assert.equal(clockSessionOf({ ...base, via: 'mfa-direct' }).mfaExpiresAt, undefined);
  });
});
