// Session liveness: the one rule for "is this session live?", and the clock offset applied once.
//
// Expiry times come from STS on AWS's clock; `clockOffsetMs` is AWS's clock minus this computer's (from the STS
// `Date` header). Server time is local time PLUS the offset, everywhere: the service, tray, scheduler, window,
// CLI and credential-process all call these with their own `now`, so none of them does the arithmetic itself.
// Plain and browser-safe: the renderer imports it too.
import type { ClockSession } from './session-clock.js';

/** The clock offset of a session, 0 when absent or bogus (a NaN must not poison every timestamp). */
export function clockOffsetOf(session: { readonly clockOffsetMs?: number | undefined }): number {
  const o = session.clockOffsetMs ?? 0;
  return Number.isFinite(o) ? o : 0;
}

/** AWS's time at local time `now`, for a session that knows the offset. */
export function serverNow(session: { readonly clockOffsetMs?: number | undefined }, now: number): number {
  return now + clockOffsetOf(session);
}

/**
 * What liveness needs of a session: when its credentials end on AWS's clock (an ISO 8601 string or Date as STS
 * gave it, or epoch ms) and the offset between AWS's clock and this computer's. A stored SessionRecord, the
 * window's SessionView and a ClockSession all fit.
 */
export type Expiring =
  | { readonly expiration: string | Date; readonly clockOffsetMs?: number | undefined }
  | { readonly expiresAt: number; readonly clockOffsetMs?: number | undefined };

/**
 * Milliseconds a session has left at local time `now`, on AWS's clock: the offset is applied here, once, for
 * every caller. Negative once expired; -Infinity when the expiry cannot be read (never counts as live).
 */
export function timeLeftMs(session: Expiring, now: number): number {
  const raw = 'expiresAt' in session ? session.expiresAt : session.expiration;
  const end = typeof raw === 'number' ? raw : typeof raw === 'string' ? Date.parse(raw) : raw.getTime();
  if (!Number.isFinite(end)) return -Infinity;
  return end - serverNow(session, now);
}

/**
 * THE rule for "is this session live?": it has more than `marginMs` left at local time `now`, on AWS's clock.
 * The service, tray, scheduler, window, CLI and credential-process all ask this, with their own margin.
 */
export function isLive(session: Expiring, now: number, marginMs = 0): boolean {
  return timeLeftMs(session, now) > marginMs;
}

/** The fields of a stored session record (or the window's view of one) that its clocks are read from. */
export interface SessionClockFields {
  readonly expiration: string;
  readonly mfaExpiration?: string | undefined;
  readonly via: string;
  readonly requiresMfa: boolean;
  readonly clockOffsetMs: number;
}

/**
 * The session clock's view of a stored session: expiries on the server's clock. A session started from an MFA
 * session can be renewed without a code while that lasts; one assumed directly with a code always needs a new one.
 */
export function clockSessionOf(record: SessionClockFields): ClockSession {
  const expiresAt = Date.parse(record.expiration);
  const mfaExpiresAt =
    record.via !== 'mfa-direct' && record.mfaExpiration ? Date.parse(record.mfaExpiration) : undefined;
  return {
    expiresAt,
    requiresMfa: record.requiresMfa,
    clockOffsetMs: record.clockOffsetMs,
    ...(mfaExpiresAt === undefined ? {} : { mfaExpiresAt }),
  };
}

/**
 * The active session at local time `now`: the most recently started one that is live. The service names it in
 * the state, and the window and tray ask the same question with their own clock, so all three agree.
 */
export function activeSessionOf<
  T extends { readonly startedAt: string; readonly expiration: string; readonly clockOffsetMs: number },
>(sessions: readonly T[], now: number): T | undefined {
  let best: T | undefined;
  for (const session of sessions) {
    if (!isLive(session, now)) continue;
    if (!best || Date.parse(session.startedAt) > Date.parse(best.startedAt)) best = session;
  }
  return best;
}
