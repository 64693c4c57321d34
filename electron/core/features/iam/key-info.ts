// An access key's age and last use as IAM tells them, and how Rolebar words them for `rolebar status`, `identity
// list` and the window. Plain data and pure functions, browser-safe (read-key-info.ts asks IAM).

// The age warning's threshold when the user has not set one: defined with the preferences (90 days, the CIS benchmark).
export { DEFAULT_KEY_AGE_WARNING_DAYS } from '../../domain/preferences.js';

/** What IAM says about the key an identity uses. Plain data: it crosses IPC as it is. */
export interface KeyInfo {
  identityId: string;
  accessKeyId: string;
  /** ISO 8601; undefined when unknown (see `unknown`). */
  createDate?: string;
  /** ISO 8601; undefined when the key was never used, or when unknown. */
  lastUsedDate?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
  /** False when IAM would not say when the key was last used. */
  lastUseKnown: boolean;
  /** Why something is unknown, naming the IAM permission that would show it. */
  unknown?: string;
}

/** Whole days between an ISO date and `now`. */
export function ageDays(iso: string, now: number): number {
  return Math.floor((now - Date.parse(iso)) / 86_400_000);
}

/** The key's age in days when it is past `thresholdDays`, else undefined (unknown ages never warn). */
export function keyAgeOverThreshold(info: KeyInfo, thresholdDays: number, now: number): number | undefined {
  if (info.createDate === undefined) return undefined;
  const days = ageDays(info.createDate, now);
  return days > thresholdDays ? days : undefined;
}

/** "created 2024-01-01 (91 days ago), last used 2024-03-01 with sts in us-east-1", or what is unknown and why. */
export function describeKeyInfo(info: KeyInfo, now: number): string {
  const created = info.createDate
    ? `created ${info.createDate.slice(0, 10)} (${daysText(ageDays(info.createDate, now))})`
    : 'age unknown';
  const used = !info.lastUseKnown
    ? 'last use unknown'
    : info.lastUsedDate
      ? `last used ${info.lastUsedDate.slice(0, 10)}${info.lastUsedService ? ` with ${info.lastUsedService}` : ''}${info.lastUsedRegion ? ` in ${info.lastUsedRegion}` : ''}`
      : 'never used';
  return `${created}, ${used}${info.unknown ? ` (${info.unknown})` : ''}`;
}

/** "today", "1 day ago", "91 days ago". */
export function daysText(days: number): string {
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}
