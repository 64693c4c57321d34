/**
 * Per-field checks run before anything is sent. The rules are the core's (electron/core/field-rules.ts: the
 * rules of model.ts without its Node-only imports), so the window refuses what the main process would refuse,
 * with the same words.
 */
import {
  durationProblem,
  externalIdProblem,
  type FieldProblem,
  MAX_ROLE_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  mfaCodeProblem,
  mfaSerialProblem,
  profileNameProblem,
  regionProblem,
  roleArnProblem,
  roleNameProblem,
  sessionNameProblem,
} from '../../electron/core/field-rules.js';

/** A field check: undefined when the value is fine, else what is wrong and what to do. */
export type Check = (value: string) => string | undefined;

export { MAX_ROLE_DURATION_SECONDS, MIN_DURATION_SECONDS };

function words(check: (value: string) => FieldProblem | undefined): Check {
  return (value) => {
    const found = check(value);
    return found && `${found.message} ${found.hint}`;
  };
}

/** Skips the check when the field is left empty (an optional field). */
export function optional(check: Check): Check {
  return (value) => (value.trim() === '' ? undefined : check(value.trim()));
}

/** Requires a value, then runs `check`. */
export function required(what: string, check?: Check): Check {
  return (value) => (value.trim() === '' ? `Enter ${what}.` : check?.(value.trim()));
}

export const checks = {
  /** A role ARN (arn:…:role/…) or a role name looked up in the source account. */
  roleArnOrName: required('a role ARN or a role name', (value) =>
    value.startsWith('arn:') ? words(roleArnProblem)(value) : words(roleNameProblem)(value),
  ),
  sessionName: optional(words(sessionNameProblem)),
  externalId: optional(words(externalIdProblem)),
  mfaSerial: optional(words(mfaSerialProblem)),
  mfaCode: words(mfaCodeProblem),
  duration: optional((value) =>
    /^\d+$/.test(value)
      ? words(() => durationProblem(Number(value)))(value)
      : `Enter whole seconds from ${MIN_DURATION_SECONDS} to ${MAX_ROLE_DURATION_SECONDS}.`,
  ),
  profileName: optional(words(profileNameProblem)),
  region: optional(words(regionProblem)),
  label: required('a name', (value) => (value.length > 128 ? 'Use at most 128 characters.' : undefined)),
  accessKeyId: required('the access key ID', (value) =>
    /^(AKIA|ASIA)[A-Z0-9]{12,124}$/.test(value)
      ? undefined
      : 'An access key ID starts with AKIA and has 16 or more capital letters and digits.',
  ),
  secretAccessKey: required('the secret access key', (value) =>
    value.length >= 16 && value.length <= 128 ? undefined : 'A secret access key has 16 to 128 characters.',
  ),
  /** Comma-separated whole minutes, 1–720 each, at most 10. */
  thresholds: (value: string) => {
    const parts = value.split(/[\s,]+/).filter(Boolean);
    if (parts.length > 10) return 'Give at most 10 thresholds.';
    return parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 720)
      ? undefined
      : 'Give whole minutes from 1 to 720, separated by commas (for example 15, 5, 1).';
  },
  intIn: (min: number, max: number, unit: string) => (value: string) =>
    /^\d+$/.test(value.trim()) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `Enter whole ${unit} from ${min} to ${max}.`,
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
