// The checks of the fields every identity has, whatever its kind: its name, MFA device, region and STS endpoint.
// The credential sources check their own fields (keys, a profile, a start URL) with the same rules when they
// build a new identity; the identity store checks these again on every change.
import { RolebarError } from '../domain/errors.js';
import { checkField, checkMfaSerial } from '../domain/model.js';
import * as fields from '../domain/fields.js';
import { checkRegion } from '../domain/endpoints.js';

/** The optional fields every identity may have, as the user typed them. */
export interface CommonIdentityInput {
  mfaSerial?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

/** An identity's name, checked by its rule (rules/fields.ts). */
export function checkIdentityName(name: string): string {
  return checkField(fields.identityName, name);
}

/** The optional common fields that were given, each checked; absent ones stay absent. */
export function commonIdentityFields(input: CommonIdentityInput): CommonIdentityInput {
  return {
    ...(input.mfaSerial ? { mfaSerial: checkMfaSerial(input.mfaSerial) } : {}),
    ...(input.region ? { region: checkRegion(input.region) } : {}),
    ...(input.endpoint ? { endpoint: checkIdentityField('endpoint', input.endpoint) } : {}),
  };
}

/** One common field, checked by its rule; an endpoint must be a full http(s) URL. */
export function checkIdentityField(field: keyof CommonIdentityInput, value: string): string {
  if (field === 'mfaSerial') return checkMfaSerial(value);
  if (field === 'region') return checkRegion(value);
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value;
  } catch {
    // fall through to the error below
  }
  throw new RolebarError('invalid-input', `"${value}" is not an endpoint URL.`, {
    hint: 'Use a full http(s) URL.',
  });
}
