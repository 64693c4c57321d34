import { deflateRawSync } from 'node:zlib';
import { toIsoSeconds } from './clock.js';
import { stsErrors } from './errors.js';
import { parsePolicyDocument } from './policy.js';
import type { Caller, IssuedSession, SessionStore } from './sessions.js';
import { matchTotpStep } from './totp.js';
import type { PolicyDocument } from './types.js';
import { memberList, type Params, type Validator } from './validation.js';
import type { World } from './world.js';
import type { XmlObject } from './xml.js';

/** What an action handler gets: the world, the credential store, the time, the caller and the parameters. */
export interface ActionContext {
  world: World;
  sessions: SessionStore;
  /** Emulator time of the request, epoch ms. */
  now: number;
  caller: Caller;
  params: Params;
  /** Region from the SigV4 scope. */
  region: string;
}

/** The `<Credentials>` element of a result. */
export function credentialsXml(session: IssuedSession): XmlObject {
  return {
    AccessKeyId: session.accessKeyId,
    SecretAccessKey: session.secretAccessKey,
    SessionToken: session.sessionToken,
    Expiration: toIsoSeconds(session.expiresAt),
  };
}

/** AWS's text when an MFA serial does not belong to the caller. */
export const MFA_UNABLE_MESSAGE =
  'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.';
/** AWS's text for a wrong or replayed MFA code (trailing space included, as AWS sends it). */
export const MFA_INVALID_CODE_MESSAGE =
  'MultiFactorAuthentication failed with invalid MFA one time pass code. ';

/** Validates SerialNumber/TokenCode shapes (SerialNumber 9–256, TokenCode exactly 6 digits). */
export function validateMfaParams(v: Validator, params: Params): { serial?: string; code?: string } {
  const serial = params.get('SerialNumber');
  const code = params.get('TokenCode');
  v.length('serialNumber', serial, 9, 256);
  v.pattern('serialNumber', serial, 'serialNumber');
  v.length('tokenCode', code, 6, 6);
  v.pattern('tokenCode', code, 'tokenCode');
  return { ...(serial === undefined ? {} : { serial }), ...(code === undefined ? {} : { code }) };
}

/**
 * Verifies an MFA code for the calling IAM user and consumes it (each code works once per device).
 * Returns true when MFA was presented and valid, false when none was presented; throws AccessDenied otherwise.
 */
export function verifyMfa(ctx: ActionContext, serial: string | undefined, code: string | undefined): boolean {
  if (serial === undefined && code === undefined) return false;
  const device = serial === undefined ? undefined : ctx.world.mfaDevices.get(serial);
  const user = ctx.caller.type === 'user' ? ctx.caller.user : undefined;
  if (!device || !user || device.user !== user) throw stsErrors.accessDenied(MFA_UNABLE_MESSAGE);
  if (code === undefined) throw stsErrors.accessDenied(MFA_INVALID_CODE_MESSAGE);
  const step = matchTotpStep(device.secretBase32, code, ctx.now, 1);
  if (step === undefined || (device.lastUsedStep !== undefined && step <= device.lastUsedStep)) {
    throw stsErrors.accessDenied(MFA_INVALID_CODE_MESSAGE);
  }
  device.lastUsedStep = step;
  return true;
}

/** Reads and validates the session policies (`Policy`, `PolicyArns.member.N.arn`). */
export function readSessionPolicies(
  ctx: ActionContext,
  v: Validator,
): { policyText?: string; policyArns: string[]; documents: PolicyDocument[] } {
  const policyText = ctx.params.get('Policy');
  const policyArns = memberList(ctx.params, 'PolicyArns', '.arn');
  v.length('policy', policyText, 1, 2048);
  v.listSize('policyArns', policyArns.length, 10);
  policyArns.forEach((arn, i) => v.length(`policyArns.${i + 1}.member.arn`, arn, 20, 2048));
  v.done();
  const documents: PolicyDocument[] = [];
  if (policyText !== undefined) {
    const doc = parsePolicyDocument(policyText);
    if (!doc) throw stsErrors.malformedPolicyDocument();
    documents.push(doc);
  }
  for (const arn of policyArns) {
    if (!/^arn:aws:iam::(aws|\d{12}):policy\/.+$/.test(arn)) {
      throw stsErrors.validationMessage(`The policy ARN ${arn} is invalid.`);
    }
    const managed = ctx.world.managedPolicies.get(arn);
    if (managed) documents.push(managed);
  }
  return { ...(policyText === undefined ? {} : { policyText }), policyArns, documents };
}

/**
 * Packed size of session policies and tags, as a percentage of the allowed space (AWS compresses them;
 * this approximates that with raw deflate against a 1 KiB budget). Throws PackedPolicyTooLarge above 100.
 */
export function packedPolicySize(
  policyText: string | undefined,
  policyArns: readonly string[],
  tags: ReadonlyMap<string, string>,
): number {
  const packed = JSON.stringify({ p: policyText ?? '', a: policyArns, t: [...tags] });
  const percent = Math.max(1, Math.ceil((deflateRawSync(Buffer.from(packed)).length / 1024) * 100));
  if (percent > 100) throw stsErrors.packedPolicyTooLarge(percent);
  return percent;
}

/** The MFA time to carry into a new session: now if MFA was just verified, else the caller's own. */
export function inheritedMfaTime(ctx: ActionContext, mfaNow: boolean): number | undefined {
  if (mfaNow) return ctx.now;
  return ctx.caller.session?.mfaAuthenticatedAt;
}
