import { clockOffsetOf, serverNow } from './session-live.js';

// Session clock: countdowns, expiry alerts and auto-refresh planning for one assumed-role session.
//
// Everything here is a pure function of (session, now, settings). `now` is the local wall clock in
// epoch ms (Date.now() in the caller); expiry times come from STS and are on the server's clock, so
// each session carries `clockOffsetMs` (server − local) and all remaining-time arithmetic is done on
// server time. Every timestamp returned to the caller is on the LOCAL clock, ready for
// `setTimeout(fn, at - now)`. After sleep/resume the caller simply calls again with the new `now`:
// nothing here keeps state between calls except the explicit AlertProgress value.

import { alertThresholdMin, MAX_ALERT_THRESHOLDS, refreshMarginMin } from './limits.js';

/** User settings for alerts and auto-refresh. */
export interface ClockSettings {
  /** Minutes before expiry at which to alert, most distant first; 'expired' is always alerted too. */
  readonly alertThresholdsMin: readonly number[];
  /** Minutes before expiry at which auto-refresh runs (1..60). */
  readonly refreshMarginMin: number;
}

/** Defaults: alerts 15, 5 and 1 minute(s) before expiry; refresh 10 minutes before expiry. */
export const DEFAULT_CLOCK_SETTINGS: ClockSettings = Object.freeze({
  alertThresholdsMin: Object.freeze([15, 5, 1]),
  refreshMarginMin: 10,
});

/** Largest accepted alert threshold in minutes: the one rule in rules/limits.ts (settings and IPC use it too). */
export const MAX_ALERT_THRESHOLD_MIN = alertThresholdMin.max;
export { MAX_ALERT_THRESHOLDS };
/** Accepted range of refreshMarginMin, inclusive. */
export const REFRESH_MARGIN_RANGE_MIN = Object.freeze({
  min: refreshMarginMin.min,
  max: refreshMarginMin.max,
});
/**
 * How long an MFA session must still be valid after a refresh starts for the refresh to be
 * planned without a new code: covers the STS round trip, retries and a little clock error.
 */
export const MFA_REFRESH_ALLOWANCE_MS = 60_000;

/** Outcome of validateClockSettings: normalized settings, or every problem found. */
export type ClockSettingsResult =
  | { readonly ok: true; readonly settings: ClockSettings }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Validates persisted / user-entered settings. A missing field takes its default; a present field
 * must be valid: thresholds are integers 1..MAX_ALERT_THRESHOLD_MIN (at most MAX_ALERT_THRESHOLDS
 * distinct values, an empty list means "only alert at expiry"), the margin an integer 1..60.
 * On success the thresholds are deduplicated and sorted descending. Never throws.
 */
export function validateClockSettings(input: unknown): ClockSettingsResult {
  const errors: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: ['Settings must be an object.'] };
  }
  const raw = input as Record<string, unknown>;

  let thresholds: number[] = [...DEFAULT_CLOCK_SETTINGS.alertThresholdsMin];
  if (raw.alertThresholdsMin !== undefined) {
    const t = raw.alertThresholdsMin;
    if (!Array.isArray(t)) {
      errors.push('alertThresholdsMin must be an array of minutes.');
    } else {
      const bad = t.filter((x) => !isIntIn(x, 1, MAX_ALERT_THRESHOLD_MIN));
      if (bad.length > 0) {
        errors.push(`alertThresholdsMin must hold whole minutes from 1 to ${MAX_ALERT_THRESHOLD_MIN}.`);
      } else {
        thresholds = [...new Set(t as number[])].sort((a, b) => b - a);
        if (thresholds.length > MAX_ALERT_THRESHOLDS) {
          errors.push(`alertThresholdsMin may hold at most ${MAX_ALERT_THRESHOLDS} values.`);
        }
      }
    }
  }

  let margin = DEFAULT_CLOCK_SETTINGS.refreshMarginMin;
  if (raw.refreshMarginMin !== undefined) {
    const { min, max } = REFRESH_MARGIN_RANGE_MIN;
    if (isIntIn(raw.refreshMarginMin, min, max)) margin = raw.refreshMarginMin;
    else errors.push(`refreshMarginMin must be a whole number of minutes from ${min} to ${max}.`);
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, settings: { alertThresholdsMin: thresholds, refreshMarginMin: margin } };
}

/** The clocks of one session. Expiry times are epoch ms on the SERVER's clock. */
export interface ClockSession {
  /** When the role credentials expire (STS `Expiration`), server clock. */
  readonly expiresAt: number;
  /**
   * When the MFA session (GetSessionToken credentials reused to assume roles) expires, server
   * clock; absent when there is no MFA session.
   */
  readonly mfaExpiresAt?: number | undefined;
  /**
   * True when assuming the role needs an MFA-authenticated caller (a valid MFA session or a fresh
   * code); false when the base credentials alone can renew it.
   */
  readonly requiresMfa: boolean;
  /** Server time − local time in ms (from the STS `Date` header); absent means 0. */
  readonly clockOffsetMs?: number | undefined;
}

/** Display state of a clock: ≤ largest threshold is 'warning', ≤ smallest 'critical'. */
export type ClockState = 'fresh' | 'warning' | 'critical' | 'expired';

/** One clock as the UI shows it. */
export interface ClockReading {
  /** Milliseconds left, never negative. */
  readonly remainingMs: number;
  /** `mm:ss`, or `h:mm:ss` from one hour up, rounded up to the second (00:00 only once expired). */
  readonly text: string;
  readonly state: ClockState;
  /** Local-clock time at which this clock reaches zero. */
  readonly endsAt: number;
}

/** Both clocks of a session. */
export interface SessionCountdown {
  readonly credentials: ClockReading;
  /** Absent when the session has no MFA session. */
  readonly mfa: ClockReading | undefined;
}

/**
 * Reads both clocks at local time `now`. Remaining times use server time (now + clockOffsetMs) and
 * are non-increasing in `now`. States come from the alert thresholds: 'warning' at or below the
 * largest, 'critical' at or below the smallest, 'expired' at zero (no thresholds: fresh → expired).
 */
export function sessionCountdown(
  session: ClockSession,
  now: number,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): SessionCountdown {
  const thresholds = thresholdsMs(settings);
  const read = (expiresAt: number): ClockReading => {
    const remainingMs = Math.max(0, expiresAt - serverNow(session, now));
    return {
      remainingMs,
      text: formatRemaining(remainingMs),
      state: stateFor(remainingMs, thresholds),
      endsAt: toLocal(session, expiresAt),
    };
  };
  return {
    credentials: read(session.expiresAt),
    mfa: session.mfaExpiresAt === undefined ? undefined : read(session.mfaExpiresAt),
  };
}

/**
 * Formats a duration as `mm:ss` below one hour and `h:mm:ss` from one hour up (hours unbounded),
 * rounding UP to the whole second so that `00:00` means "no time left". Negative or NaN → `00:00`.
 */
export function formatRemaining(ms: number): string {
  const total = ms > 0 ? Math.ceil(ms / 1000) : 0;
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

// --- alerts ----------------------------------------------------------------------------------

/** One alert to show the user. */
export interface SessionAlert {
  /** 'expiring' for a threshold before expiry, 'expired' at expiry. */
  readonly kind: 'expiring' | 'expired';
  /** Minutes before expiry (0 for 'expired'). */
  readonly thresholdMin: number;
  /** Local-clock time at which the alert became due. */
  readonly dueAt: number;
}

/**
 * What has been alerted for one set of credentials: the most urgent threshold already fired
 * (0 = the 'expired' alert), or null for none. Alerts only ever move towards more urgent ones, so
 * this one number is enough to make each alert fire at most once. Tied to `expiresAt`: progress
 * for other credentials (e.g. before a refresh) is ignored.
 */
export interface AlertProgress {
  readonly expiresAt: number;
  readonly lastThresholdMin: number | null;
}

/** Result of dueAlerts. */
export interface DueAlerts {
  /** The alert to show now, if any: the most urgent one due. */
  readonly fire: SessionAlert | undefined;
  /** Less urgent alerts that became due unseen (e.g. during sleep) and are dropped, oldest first. */
  readonly skipped: readonly SessionAlert[];
  /** Progress to store and pass next time. */
  readonly progress: AlertProgress;
}

/**
 * Progress for credentials obtained at `now`: thresholds already passed at that moment count as
 * alerted (a 15-minute session must not open with a "15 minutes left" alert), except 'expired'.
 * Call this when credentials are obtained or refreshed.
 */
export function startAlertProgress(
  session: ClockSession,
  now: number,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): AlertProgress {
  const remaining = session.expiresAt - serverNow(session, now);
  const passed = thresholdsMs(settings).filter((t) => t > 0 && remaining <= t);
  const mostUrgent = passed.at(-1);
  return {
    expiresAt: session.expiresAt,
    lastThresholdMin: mostUrgent === undefined ? null : mostUrgent / MIN,
  };
}

/**
 * The alert due at local time `now` given what was already alerted. Each threshold fires at most
 * once per credentials, never before `expiresAt − threshold` (server clock); when several became
 * due unseen (sleep/resume, late timer) only the most urgent fires and the others are reported in
 * `skipped`. With `progress` null/undefined or for other credentials, nothing counts as alerted.
 */
export function dueAlerts(
  session: ClockSession,
  progress: AlertProgress | null | undefined,
  now: number,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): DueAlerts {
  const last = lastFiredMs(session, progress);
  const remaining = session.expiresAt - serverNow(session, now);
  // Thresholds are sorted most distant first, so `due` ends with the most urgent.
  const due = alertThresholdsMs(settings).filter((t) => t < last && remaining <= t);
  const mostUrgent = due.at(-1);
  if (mostUrgent === undefined) {
    return {
      fire: undefined,
      skipped: [],
      progress: { expiresAt: session.expiresAt, lastThresholdMin: msToMin(last) },
    };
  }
  const alert = (t: number): SessionAlert => ({
    kind: t === 0 ? 'expired' : 'expiring',
    thresholdMin: t / MIN,
    dueAt: toLocal(session, session.expiresAt - t),
  });
  return {
    fire: alert(mostUrgent),
    skipped: due.slice(0, -1).map(alert),
    progress: { expiresAt: session.expiresAt, lastThresholdMin: mostUrgent / MIN },
  };
}

/**
 * Local-clock time at which dueAlerts will next return an alert, so the caller can arm one timer:
 * `now` itself if an alert is already due, null once the 'expired' alert has fired. Recompute after
 * every dueAlerts call, refresh, settings change or resume.
 */
export function nextAlertAt(
  session: ClockSession,
  progress: AlertProgress | null | undefined,
  now: number,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): number | null {
  const last = lastFiredMs(session, progress);
  // The earliest pending alert is the most distant threshold not yet passed by `last`.
  const pending = alertThresholdsMs(settings).find((t) => t < last);
  if (pending === undefined) return null;
  return Math.max(now, toLocal(session, session.expiresAt - pending));
}

// --- auto-refresh ----------------------------------------------------------------------------

/** Why a refresh cannot run without asking the user for an MFA code. */
export type NeedsMfaReason =
  /** The role needs MFA and there is no MFA session: every AssumeRole needs a code. */
  | 'no-mfa-session'
  /** The MFA session has already expired. */
  | 'mfa-session-expired'
  /** The MFA session is valid now but ends before the refresh time (+ allowance). */
  | 'mfa-session-ends-first';

/** What the shell should do about renewing the credentials. */
export type RefreshPlan =
  /** Refresh at local time `at` (≥ now, < expiry); `overdue` when its time already passed (sleep). */
  | { readonly kind: 'refresh-at'; readonly at: number; readonly overdue: boolean }
  /** Renewal needs an MFA code; `at` is the local time the refresh would have run (≥ now). */
  | { readonly kind: 'needs-mfa'; readonly reason: NeedsMfaReason; readonly at: number }
  /** The credentials have expired; renewing now would (not) need an MFA code. */
  | { readonly kind: 'expired'; readonly renewableWithoutMfa: boolean };

/**
 * Plans the automatic refresh at local time `now`. The refresh time is `refreshMarginMin` before
 * expiry (server clock), converted to the local clock; it is never at or after expiry. If that time
 * already passed (sleep/resume, late timer) while the credentials are still valid, it is `now`
 * with `overdue: true`. Roles with `requiresMfa` are planned only while the MFA session stays valid
 * MFA_REFRESH_ALLOWANCE_MS beyond the refresh time; otherwise 'needs-mfa'. Expired credentials give
 * 'expired' and whether they could be renewed right now without a code.
 */
export function refreshPlan(
  session: ClockSession,
  now: number,
  settings: ClockSettings = DEFAULT_CLOCK_SETTINGS,
): RefreshPlan {
  const serverNowMs = serverNow(session, now);
  const mfaValidAt = (serverTime: number): boolean =>
    session.mfaExpiresAt !== undefined && serverTime + MFA_REFRESH_ALLOWANCE_MS <= session.mfaExpiresAt;
  const silentAt = (serverTime: number): boolean => !session.requiresMfa || mfaValidAt(serverTime);

  if (serverNowMs >= session.expiresAt) {
    return { kind: 'expired', renewableWithoutMfa: silentAt(serverNowMs) };
  }
  const plannedServer = session.expiresAt - marginMs(settings);
  const overdue = serverNowMs > plannedServer;
  const atServer = overdue ? serverNowMs : plannedServer;
  const at = overdue ? now : toLocal(session, plannedServer);

  if (silentAt(atServer)) return { kind: 'refresh-at', at, overdue };
  const reason: NeedsMfaReason =
    session.mfaExpiresAt === undefined
      ? 'no-mfa-session'
      : serverNowMs >= session.mfaExpiresAt
        ? 'mfa-session-expired'
        : 'mfa-session-ends-first';
  return { kind: 'needs-mfa', reason, at };
}

// --- internals -------------------------------------------------------------------------------

const MIN = 60_000;

function isIntIn(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
}

function toLocal(session: ClockSession, serverTime: number): number {
  return serverTime - clockOffsetOf(session);
}

// Thresholds in ms, distinct, most distant first. Re-normalized here (cheap) so that unvalidated
// settings cannot break the ordering the alert logic relies on.
function thresholdsMs(settings: ClockSettings): number[] {
  const valid = settings.alertThresholdsMin.filter((m) => Number.isFinite(m) && m > 0).map((m) => m * MIN);
  return [...new Set(valid)].sort((a, b) => b - a);
}

// The user's thresholds plus 0 for the 'expired' alert, which always exists.
function alertThresholdsMs(settings: ClockSettings): number[] {
  return [...thresholdsMs(settings), 0];
}

function marginMs(settings: ClockSettings): number {
  const { min, max } = REFRESH_MARGIN_RANGE_MIN;
  const m = Number.isFinite(settings.refreshMarginMin)
    ? settings.refreshMarginMin
    : DEFAULT_CLOCK_SETTINGS.refreshMarginMin;
  // Clamped so that even unvalidated settings never plan a refresh at or after expiry.
  return Math.min(max, Math.max(min, m)) * MIN;
}

function stateFor(remainingMs: number, thresholds: readonly number[]): ClockState {
  if (remainingMs <= 0) return 'expired';
  const smallest = thresholds.at(-1);
  const largest = thresholds[0];
  if (smallest !== undefined && remainingMs <= smallest) return 'critical';
  if (largest !== undefined && remainingMs <= largest) return 'warning';
  return 'fresh';
}

// Most urgent threshold already fired, in ms; +Infinity when none (or progress is for other creds).
function lastFiredMs(session: ClockSession, progress: AlertProgress | null | undefined): number {
  if (!progress || progress.expiresAt !== session.expiresAt || progress.lastThresholdMin === null)
    return Infinity;
  return progress.lastThresholdMin * MIN;
}

function msToMin(ms: number): number | null {
  return ms === Infinity ? null : ms / MIN;
}
