// The pure steps of a switch: the MFA decision (made once, before any call), each hop's AssumeRole request, and
// the session record. No I/O here, so each is tested alone; assume.ts composes them with the calls.
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { RolebarError } from '../domain/errors.js';
import {
  CHAINED_DURATION_CAP_SECONDS,
  defaultSessionName,
  type Identity,
  type Role,
} from '../domain/model.js';
import type { MfaSession } from './mfa-session.js';
import { accountOfArn, type SessionRecord, type SessionVia } from '../store/sessions.js';
import { CLOCK_SKEW_WARNING_MS, type TemporaryCredentials } from '../aws/sts/client.js';

/** The role needs an MFA code and no MFA session is alive: ask the user, then call again with `mfaCode`. */
export class MfaRequiredError extends RolebarError {
  readonly serial: string;
  constructor(serial: string, why: string) {
    super('mfa-required', `An MFA code is needed: ${why}`, {
      hint: `Enter the current 6-digit code of ${serial}.`,
      context: { serial },
    });
    this.serial = serial;
  }
}

/**
 * How one hop uses MFA: not at all; signed with the identity's MFA session (first hop, up to the 1-hour cap of
 * sessions started from temporary credentials); or with the code passed straight to AssumeRole (a first hop
 * longer than that cap, or a later hop that asks for MFA).
 */
export type HopMfa = 'none' | 'mfa-session' | 'code';

/** The MFA decision for a whole chain, made once before any call. */
export type MfaPlan =
  | { readonly kind: 'none'; readonly hops: readonly HopMfa[] }
  | {
      readonly kind: 'mfa';
      readonly hops: readonly HopMfa[];
      readonly serial: string;
      /** The code the user gave; absent when the live MFA session below serves every hop. */
      readonly code: string | undefined;
      /** The live MFA session to reuse (only when no code was given). */
      readonly session: MfaSession | undefined;
    };

/** How each hop of a chain uses MFA (see HopMfa). */
export function hopMfaKinds(hops: readonly Role[]): HopMfa[] {
  return hops.map((role, index) => {
    if (!role.mfa) return 'none';
    return index === 0 && (role.durationSeconds ?? 3600) <= CHAINED_DURATION_CAP_SECONDS
      ? 'mfa-session'
      : 'code';
  });
}

/** The MFA device the chain asks for: the one its MFA hop names, else the identity's. */
export function mfaSerialOf(identity: Identity, hops: readonly Role[]): string | undefined {
  return hops.find((r) => r.mfa && r.mfaSerial)?.mfaSerial ?? identity.mfaSerial;
}

/**
 * Decides MFA for the chain: which hops use it, and whether the code, the live MFA session or neither serves.
 * Throws before any AWS call when a code is needed and missing (MfaRequiredError) or the identity has no device.
 * `liveSession` is the identity's reusable MFA session, read only when a hop uses one and no code was given.
 */
export function planMfa(
  identity: Identity,
  hops: readonly Role[],
  code: string | undefined,
  liveSession: MfaSession | undefined,
): MfaPlan {
  const kinds = hopMfaKinds(hops);
  if (kinds.every((kind) => kind === 'none')) return { kind: 'none', hops: kinds };
  const serial = mfaSerialOf(identity, hops);
  if (!serial) {
    throw new RolebarError(
      'mfa-serial-missing',
      `"${hops.find((r) => r.mfa)?.label}" needs MFA, but "${identity.name}" has no MFA device set.`,
      { hint: "Add the MFA device's serial (its ARN in the IAM console) to the identity." },
    );
  }
  if (code) return { kind: 'mfa', hops: kinds, serial, code, session: undefined };
  if (kinds.includes('code'))
    throw new MfaRequiredError(serial, `"${hops.at(-1)?.label}" asks for a fresh code.`);
  if (!liveSession)
    throw new MfaRequiredError(
      serial,
      `the MFA session of "${identity.name}" has ended or was never started.`,
    );
  return { kind: 'mfa', hops: kinds, serial, code: undefined, session: liveSession };
}

/** How the chain's session was obtained, for the record: what the user needs to know to renew it. */
export function viaOf(plan: MfaPlan): SessionVia {
  if (plan.hops.length > 1) return 'chained';
  const first = plan.hops[0];
  return first === 'mfa-session' ? 'mfa-session' : first === 'code' ? 'mfa-direct' : 'direct';
}

/** What one hop's AssumeRole needs to know. */
export interface HopRequestInput {
  identity: Identity;
  role: Role;
  index: number;
  plan: MfaPlan;
  roleArn: string;
  /** The identity's user name, for the default session name. */
  userName: string | undefined;
  /** The hop is signed with temporary credentials (a previous hop, or a source that gives a session token). */
  fromTemporary: boolean;
}

/**
 * The AssumeRole request of one hop, and notices for choices made on the user's behalf: a duration above the
 * 1-hour chaining cap is lowered; a first hop longer than the cap takes the code directly.
 */
export function hopRequest(hop: HopRequestInput): { input: AssumeRoleCommandInput; notices: string[] } {
  const { role, index, plan } = hop;
  const notices: string[] = [];
  const input: AssumeRoleCommandInput = {
    RoleArn: hop.roleArn,
    RoleSessionName: role.sessionName ?? defaultSessionName(hop.userName),
    ...(role.externalId ? { ExternalId: role.externalId } : {}),
    ...(role.sourceIdentity ? { SourceIdentity: role.sourceIdentity } : {}),
    ...(role.tags?.length ? { Tags: role.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
  };
  const kind = plan.hops[index] ?? 'none';
  if (kind === 'code' && plan.kind === 'mfa') {
    input.SerialNumber = plan.serial;
    input.TokenCode = plan.code;
    if (index === 0) {
      notices.push(
        `Used your MFA code directly for "${role.label}": ${hours(role.durationSeconds ?? 3600)} is longer than the 1-hour limit of roles assumed from an MFA session.`,
      );
    }
  }
  let duration = role.durationSeconds;
  const capped = index > 0 || (kind === 'none' && hop.fromTemporary);
  if (capped && duration !== undefined && duration > CHAINED_DURATION_CAP_SECONDS) {
    notices.push(
      `Lowered the duration of "${role.label}" from ${hours(duration)} to 1 hour: AWS caps roles assumed with temporary credentials (role chaining) at 1 hour.`,
    );
    duration = CHAINED_DURATION_CAP_SECONDS;
  }
  if (duration !== undefined) input.DurationSeconds = duration;
  return { input, notices };
}

/** What the session record is built from. */
export interface SessionFacts {
  role: Role;
  profileName: string;
  assumedRoleArn: string;
  credentials: TemporaryCredentials;
  mfaExpiration: Date | undefined;
  clockOffsetMs: number | undefined;
  startedAt: number;
  plan: MfaPlan;
  region: string | undefined;
}

/** The record Rolebar keeps of a session: when it ends and who it is, never the credentials. */
export function sessionRecordOf(facts: SessionFacts): SessionRecord {
  const { role, plan, region } = facts;
  return {
    id: role.id,
    roleId: role.id,
    profileName: facts.profileName,
    principalArn: facts.assumedRoleArn,
    accountId: accountOfArn(facts.assumedRoleArn),
    expiration: facts.credentials.expiration.toISOString(),
    ...(facts.mfaExpiration ? { mfaExpiration: facts.mfaExpiration.toISOString() } : {}),
    clockOffsetMs: facts.clockOffsetMs ?? 0,
    startedAt: new Date(facts.startedAt).toISOString(),
    via: viaOf(plan),
    requiresMfa: plan.kind === 'mfa',
    ...(region ? { region } : {}),
  };
}

/** A notice when this computer's clock is far from AWS's (from the STS Date header). */
export function skewNotice(clockOffsetMs: number | undefined): string | undefined {
  if (clockOffsetMs === undefined || Math.abs(clockOffsetMs) <= CLOCK_SKEW_WARNING_MS) return undefined;
  return `This computer's clock is ${Math.round(Math.abs(clockOffsetMs) / 60_000)} minutes ${clockOffsetMs > 0 ? 'behind' : 'ahead of'} AWS's: countdowns follow AWS's clock. Turn on automatic time to fix it.`;
}

/** `2 h`, or `90 min`. */
export function hours(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}
