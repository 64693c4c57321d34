/**
 * The one definition of each numeric rule: session durations, alert thresholds, the refresh margin and the
 * clipboard timing. The settings schema, the IPC validators, the window, the CLI, the session clock and the
 * stored-preferences parser all take their bounds from here. Browser-safe: no Node or Electron reference.
 */
import { type FieldProblem, shown } from './fields.js';

/** An inclusive range of whole numbers, with the unit and field named for messages. */
export interface IntRange {
  readonly field: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  /** What to say when a value is outside, if more than the bounds helps the user. */
  readonly outside?: (value: unknown) => FieldProblem;
}

/** AssumeRole's limit, whatever the role allows: 15 minutes to 12 hours. */
export const MIN_DURATION_SECONDS = 900;
export const MAX_ROLE_DURATION_SECONDS = 43_200;
/** Sessions assumed with temporary credentials (role chaining, or an MFA session) last at most 1 hour. */
export const CHAINED_DURATION_CAP_SECONDS = 3_600;
/**
 * The most hops a catalog role's chain may take from the identity (the first role is one hop). AWS caps a
 * chained session at an hour and every hop is a round trip: real jump-role setups use two or three.
 */
export const MAX_CHAIN_HOPS = 10;
/** GetSessionToken's limits. */
export const MAX_MFA_SESSION_SECONDS = 129_600;
export const DEFAULT_MFA_SESSION_SECONDS = 43_200;

/** A role session's requested duration. */
export const durationSeconds: IntRange = {
  field: 'duration',
  unit: 'seconds',
  min: MIN_DURATION_SECONDS,
  max: MAX_ROLE_DURATION_SECONDS,
  outside: (value) => ({
    message: `A role session lasts 900–43200 seconds (15 minutes to 12 hours); ${shown(String(value))} is outside that.`,
    hint: "Choose a duration in that range, and no longer than the role's maximum session duration.",
  }),
};

/**
 * One alert threshold, in minutes before expiry. At most 12 hours: alerts are for role sessions, and no role
 * session lasts longer, so a larger threshold would fire the moment a session starts.
 */
export const alertThresholdMin: IntRange = { field: 'alert threshold', unit: 'minutes', min: 1, max: 720 };
/** How many alert thresholds a user may set. */
export const MAX_ALERT_THRESHOLDS = 10;
/** Minutes before expiry at which sessions that need no new code are renewed. */
export const refreshMarginMin: IntRange = { field: 'refresh margin', unit: 'minutes', min: 1, max: 60 };
/** Seconds after which a copied snippet is cleared from the clipboard; 0 keeps it. */
export const clipboardClearSeconds: IntRange = {
  field: 'clipboard clearing time',
  unit: 'seconds',
  min: 0,
  max: 3600,
};

/** Days after which an access key counts as old and the window and tray say so (90: the CIS benchmark). */
export const keyAgeWarningDays: IntRange = { field: 'key age warning', unit: 'days', min: 1, max: 3650 };

/** Bytes a team catalog's text may have, however it is fetched (HTTP, git, a file): some 40,000 roles. */
export const MAX_CATALOG_BYTES = 8 * 1024 * 1024;
/** Roles one team catalog may list: more than any tray or window can show, far fewer than a hostile file holds. */
export const MAX_CATALOG_ROLES = 10_000;
/** Bytes an STS answer may have: an AssumeRole answer is about 2 KB, its session token at most a few. */
export const MAX_STS_ANSWER_BYTES = 64 * 1024;

/** True for a whole number inside `range`. */
export function inRange(range: IntRange, value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** Undefined when `value` is a whole number inside `range`; else what is wrong and what to do. */
export function rangeProblem(range: IntRange, value: unknown): FieldProblem | undefined {
  if (inRange(range, value)) return undefined;
  if (range.outside) return range.outside(value);
  return {
    message: `The ${range.field} must be whole ${range.unit} from ${range.min} to ${range.max}; ${shown(String(value))} is not.`,
    hint: `Enter whole ${range.unit} from ${range.min} to ${range.max}.`,
  };
}

/** Undefined for a list of at most MAX_ALERT_THRESHOLDS whole minutes, each 1–720. */
export function thresholdsProblem(value: unknown): FieldProblem | undefined {
  const { min, max } = alertThresholdMin;
  if (!Array.isArray(value) || value.length > MAX_ALERT_THRESHOLDS) {
    return {
      message: `Give at most ${MAX_ALERT_THRESHOLDS} alert thresholds.`,
      hint: 'For example 15, 5, 1.',
    };
  }
  return value.every((v) => inRange(alertThresholdMin, v))
    ? undefined
    : {
        message: `Alert thresholds are whole minutes from ${min} to ${max}.`,
        hint: `Give whole minutes from ${min} to ${max}, separated by commas (for example 15, 5, 1).`,
      };
}
