/**
 * Per-field checks run before anything is sent. The rules are the core's own (electron/core/rules: plain
 * TypeScript with no Node reference), so the window refuses what the main process and the CLI would refuse,
 * with the same words.
 */
import * as fields from '../../electron/core/domain/fields.js';
import { applyRule, type TextRule } from '../../electron/core/domain/fields.js';
import {
  alertThresholdMin,
  durationSeconds,
  type IntRange,
  MAX_ALERT_THRESHOLDS,
  rangeProblem,
} from '../../electron/core/domain/limits.js';

/** A field check: undefined when the value is fine, else what is wrong and what to do. */
export type Check = (value: string) => string | undefined;

export const MIN_DURATION_SECONDS = durationSeconds.min;
export const MAX_ROLE_DURATION_SECONDS = durationSeconds.max;

/** A rule's verdict in one sentence pair, on the value as the rule normalises it. */
function words(rule: TextRule): Check {
  return (value) => {
    const checked = applyRule(rule, value);
    return checked.ok ? undefined : `${checked.problem.message} ${checked.problem.hint}`;
  };
}

/** Skips the check when the field is left empty (an optional field). */
export function optional(check: Check): Check {
  return (value) => (value.trim() === '' ? undefined : check(value));
}

/** Requires a value, then runs `check`. */
export function required(what: string, check?: Check): Check {
  return (value) => (value.trim() === '' ? `Enter ${what}.` : check?.(value));
}

/** Whole numbers typed into a field, checked against one of the core's ranges. */
function wholeIn(range: IntRange): Check {
  return (value) => {
    const text = value.trim();
    const found = /^\d+$/.test(text) ? rangeProblem(range, Number(text)) : rangeProblem(range, text);
    return found && `${found.message} ${found.hint}`;
  };
}

export const checks = {
  /** A role ARN (arn:…:role/…) or a role name looked up in the source account. */
  roleArnOrName: required('a role ARN or a role name', (value) =>
    value.trim().startsWith('arn:') ? words(fields.roleArn)(value) : words(fields.roleName)(value),
  ),
  sessionName: optional(words(fields.sessionName)),
  externalId: optional(words(fields.externalId)),
  mfaSerial: optional(words(fields.mfaSerial)),
  mfaCode: words(fields.mfaCode),
  duration: optional(wholeIn(durationSeconds)),
  profileName: optional(words(fields.profileName)),
  region: optional(words(fields.region)),
  label: required('a name', words(fields.label)),
  /** A role's label when it has no profile name of its own: the profile made from it must be usable too. */
  labelGivingProfile: required('a name', (value) => {
    const derived = fields.derivedProfileProblem(value);
    return words(fields.label)(value) ?? (derived && `${derived.message} ${derived.hint}`);
  }),
  identityName: required('a name', words(fields.identityName)),
  ssoStartUrl: required('the AWS access portal URL', words(fields.ssoStartUrl)),
  accessKeyId: required('the access key ID', words(fields.accessKeyId)),
  secretAccessKey: required('the secret access key', words(fields.secretAccessKey)),
  /** Comma-separated whole minutes, 1–720 each, at most 10. */
  thresholds: (value: string) => {
    const parts = value.split(/[\s,]+/).filter(Boolean);
    if (parts.length > MAX_ALERT_THRESHOLDS) return `Give at most ${MAX_ALERT_THRESHOLDS} thresholds.`;
    const { min, max } = alertThresholdMin;
    return parts.every((p) => /^\d+$/.test(p) && Number(p) >= min && Number(p) <= max)
      ? undefined
      : `Give whole minutes from ${min} to ${max}, separated by commas (for example 15, 5, 1).`;
  },
  /** A whole number inside one of the core's ranges (refresh margin, clipboard timing). */
  intIn: wholeIn,
};

/** Minutes list from the thresholds field, most distant first. */
export function parseThresholds(value: string): number[] {
  return [
    ...new Set(
      value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number),
    ),
  ].sort((a, b) => b - a);
}
