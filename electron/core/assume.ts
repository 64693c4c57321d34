import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { type AwsLocationOptions, type WriteProfileResult, writeProfile } from './aws-files/index.js';
import { RolebarError } from './errors.js';
import { type IdentityStore, mfaSessionAccount } from './identities.js';
import type { SecretStore } from './keychain.js';
import {
  CHAINED_DURATION_CAP_SECONDS,
  checkMfaCode,
  DEFAULT_MFA_SESSION_SECONDS,
  defaultSessionName,
  type Identity,
  profileNameOf,
  type Role,
  roleArnFromName,
} from './model.js';
import type { RoleStore } from './roles.js';
import {
  accountOfArn,
  partitionOfArn,
  type SessionRecord,
  type SessionRegistry,
  type SessionVia,
  userNameOfArn,
} from './sessions.js';
import { sourceCredentials } from './source-credentials.js';
import {
  type AwsCredentials,
  type CallerIdentity,
  CLOCK_SKEW_WARNING_MS,
  type StsCaller,
  type TemporaryCredentials,
} from './sts/client.js';
import { resolveStsTarget, type StsTarget } from './sts/endpoints.js';
import { localTime } from './local-time.js';

/** Everything the role engine works with; the CLI, the main process and the tests each build one. */
export interface AssumeContext {
  identities: IdentityStore;
  roles: RoleStore;
  sessions: SessionRegistry;
  secrets: SecretStore;
  sts: StsCaller;
  env: NodeJS.ProcessEnv;
  homedir?: string | undefined;
  now: () => number;
  /** Credentials of live sessions, in main-process (or CLI-process) memory only. */
  memory: Map<string, TemporaryCredentials>;
}

export interface AssumeOptions {
  /** The current MFA code, when the role needs one and no MFA session is alive. */
  mfaCode?: string | undefined;
  /** Overwrite a profile section Rolebar did not write (the user confirmed). */
  force?: boolean | undefined;
}

/** What a switch did, for the user: the session, and notices that explain choices made on their behalf. */
export interface AssumeOutcome {
  session: SessionRecord;
  /** Main-process only: never sent to the renderer. */
  credentials: TemporaryCredentials;
  notices: string[];
  written: WriteProfileResult;
}

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

/** An MFA session (GetSessionToken) kept in the keychain, reused for every role of its identity. */
interface MfaSession extends TemporaryCredentials {
  serial: string;
}

/** MFA sessions and intermediate hops are reused only while they have at least this long left. */
const REUSE_MARGIN_MS = 5 * 60_000;

/**
 * Assumes a role, hop by hop from its identity, and writes the final session as the role's profile.
 * With MFA: one GetSessionToken per identity, reused for all its roles until it expires, unless the duration
 * asked for is longer than the 1-hour cap of sessions started from temporary credentials — then AssumeRole is
 * called directly with the code. Durations above the chaining cap are lowered with a notice. Nothing is
 * written unless every call succeeded.
 */
export async function assumeRole(
  ctx: AssumeContext,
  roleId: string,
  options: AssumeOptions = {},
): Promise<AssumeOutcome> {
  const { identity, hops } = ctx.roles.chain(roleId);
  const notices: string[] = [];
  const mfaCode = options.mfaCode === undefined ? undefined : checkMfaCode(options.mfaCode);
  await preflightMfa(ctx, identity, hops, mfaCode);

  let credentials: AwsCredentials = await sourceCredentials(identity, {
    identities: ctx.identities,
    env: ctx.env,
    homedir: ctx.homedir,
    mfaCode,
  });
  let caller: CallerIdentity | undefined;
  let mfaExpiration: Date | undefined;
  let clockOffsetMs: number | undefined;
  let via: SessionVia = 'direct';
  let assumedRoleArn = '';

  for (const [index, role] of hops.entries()) {
    const last = index === hops.length - 1;
    const cached = ctx.memory.get(role.id);
    if (!last && cached && cached.expiration.getTime() - ctx.now() > REUSE_MARGIN_MS) {
      credentials = cached;
      caller = undefined;
      continue;
    }
    const target = targetFor(ctx, identity, role);
    const learnUserName = index === 0 && !identity.userName && hops.some((r) => !r.sessionName);
    if ((role.roleName || learnUserName) && !caller) {
      caller = (
        await ctx.sts.getCallerIdentity(target, credentials, {
          action: 'GetCallerIdentity',
          source: identity.name,
        })
      ).value;
      if (learnUserName) {
        // Learnt once and kept: the default session name of every role of this identity derives from it.
        const userName = userNameOfArn(caller.arn);
        if (userName) ctx.identities.update(identity.id, { userName });
        identity.userName = userName;
      }
    }
    const roleArn =
      role.roleArn ??
      roleArnFromName(partitionOfArn(caller?.arn ?? ''), caller?.account ?? '', role.roleName ?? '');
    const input: AssumeRoleCommandInput = {
      RoleArn: roleArn,
      RoleSessionName: role.sessionName ?? defaultSessionName(identity.userName),
      ...(role.externalId ? { ExternalId: role.externalId } : {}),
      ...(role.sourceIdentity ? { SourceIdentity: role.sourceIdentity } : {}),
      ...(role.tags?.length ? { Tags: role.tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
    };
    let duration = role.durationSeconds;
    let signWith = credentials;

    if (index === 0 && role.mfa) {
      const serial = identity.mfaSerial as string;
      if ((duration ?? 3600) > CHAINED_DURATION_CAP_SECONDS) {
        input.SerialNumber = serial;
        input.TokenCode = mfaCode;
        via = 'mfa-direct';
        notices.push(
          `Used your MFA code directly for "${role.label}": ${hours(duration ?? 3600)} is longer than the 1-hour limit of roles assumed from an MFA session.`,
        );
      } else {
        const mfa = await mfaSessionFor(ctx, identity, credentials, serial, mfaCode, target, notices);
        signWith = mfa;
        mfaExpiration = mfa.expiration;
        via = 'mfa-session';
      }
    } else if (index > 0 || credentials.sessionToken) {
      via = index > 0 ? 'chained' : via;
      if (duration !== undefined && duration > CHAINED_DURATION_CAP_SECONDS) {
        notices.push(
          `Lowered the duration of "${role.label}" from ${hours(duration)} to 1 hour: AWS caps roles assumed with temporary credentials (role chaining) at 1 hour.`,
        );
        duration = CHAINED_DURATION_CAP_SECONDS;
      }
      if (role.mfa) {
        input.SerialNumber = identity.mfaSerial;
        input.TokenCode = mfaCode;
      }
    }
    if (duration !== undefined) input.DurationSeconds = duration;

    const answer = await ctx.sts.assumeRole(target, signWith, input, {
      action: 'AssumeRole',
      roleArn,
      accessKeyId: signWith.accessKeyId,
      source: index === 0 ? identity.name : hops[index - 1]?.label,
    });
    credentials = answer.value.credentials;
    assumedRoleArn = answer.value.assumedRoleArn;
    clockOffsetMs = answer.clockOffsetMs ?? clockOffsetMs;
    caller = undefined;
    // The final hop is remembered only once its profile is written: a failed switch leaves no trace.
    if (!last) ctx.memory.set(role.id, answer.value.credentials);
  }

  const role = hops[hops.length - 1] as Role;
  const finalCredentials = credentials as TemporaryCredentials;
  const region = role.region ?? identity.region;
  const profileName = profileNameOf(role);
  const written = await writeProfile(
    {
      name: profileName,
      accessKeyId: finalCredentials.accessKeyId,
      secretAccessKey: finalCredentials.secretAccessKey,
      sessionToken: finalCredentials.sessionToken,
      expiration: finalCredentials.expiration,
      principalArn: assumedRoleArn,
      ...(region ? { region } : {}),
    },
    { ...location(ctx), force: options.force === true },
  );
  notices.push(...written.warnings);
  if (clockOffsetMs !== undefined && Math.abs(clockOffsetMs) > CLOCK_SKEW_WARNING_MS) {
    notices.push(
      `This computer's clock is ${Math.round(Math.abs(clockOffsetMs) / 60_000)} minutes ${clockOffsetMs > 0 ? 'behind' : 'ahead of'} AWS's: countdowns follow AWS's clock. Turn on automatic time to fix it.`,
    );
  }
  const session: SessionRecord = {
    id: role.id,
    roleId: role.id,
    profileName,
    principalArn: assumedRoleArn,
    accountId: accountOfArn(assumedRoleArn),
    expiration: finalCredentials.expiration.toISOString(),
    ...(mfaExpiration ? { mfaExpiration: mfaExpiration.toISOString() } : {}),
    clockOffsetMs: clockOffsetMs ?? 0,
    startedAt: new Date(ctx.now()).toISOString(),
    via,
    requiresMfa: hops.some((r) => r.mfa),
    ...(region ? { region } : {}),
  };
  ctx.sessions.save(session);
  ctx.memory.set(role.id, finalCredentials);
  return { session, credentials: finalCredentials, notices, written };
}

/** Where the files are, for the profile writer. */
export function location(ctx: Pick<AssumeContext, 'env' | 'homedir'>): AwsLocationOptions {
  return { env: ctx.env, ...(ctx.homedir ? { homedir: ctx.homedir } : {}) };
}

/** The STS endpoint and region for a hop: the role's region, else the identity's; the identity's endpoint override. */
export function targetFor(ctx: Pick<AssumeContext, 'env'>, identity: Identity, role?: Role): StsTarget {
  return resolveStsTarget(
    {
      region: role?.region ?? identity.region,
      endpointOverride: identity.endpoint,
      partition: role?.roleArn ? partitionOfArn(role.roleArn) : undefined,
    },
    ctx.env,
  );
}

/** Asks for the MFA code before any call is made, so a missing code costs no STS call and changes nothing. */
async function preflightMfa(
  ctx: AssumeContext,
  identity: Identity,
  hops: Role[],
  mfaCode: string | undefined,
): Promise<void> {
  const first = hops[0] as Role;
  if (!hops.some((role) => role.mfa)) return;
  if (!identity.mfaSerial) {
    throw new RolebarError(
      'mfa-serial-missing',
      `"${hops.find((r) => r.mfa)?.label}" needs MFA, but "${identity.name}" has no MFA device set.`,
      { hint: "Add the MFA device's serial (its ARN in the IAM console) to the identity." },
    );
  }
  if (mfaCode) return;
  const last = hops[hops.length - 1] as Role;
  const chainedMfa = hops.slice(1).some((role) => role.mfa);
  const direct = first.mfa && (first.durationSeconds ?? 3600) > CHAINED_DURATION_CAP_SECONDS;
  if (chainedMfa || direct)
    throw new MfaRequiredError(identity.mfaSerial, `"${last.label}" asks for a fresh code.`);
  if (first.mfa && !(await liveMfaSession(ctx, identity.id, identity.mfaSerial))) {
    throw new MfaRequiredError(
      identity.mfaSerial,
      `the MFA session of "${identity.name}" has ended or was never started.`,
    );
  }
}

/** The identity's MFA session, if it is for this device and has long enough left to be worth reusing. */
async function liveMfaSession(
  ctx: AssumeContext,
  identityId: string,
  serial: string,
): Promise<MfaSession | undefined> {
  const cached = await readMfaSession(ctx, identityId);
  return cached && cached.serial === serial && cached.expiration.getTime() - ctx.now() > REUSE_MARGIN_MS
    ? cached
    : undefined;
}

async function mfaSessionFor(
  ctx: AssumeContext,
  identity: Identity,
  credentials: AwsCredentials,
  serial: string,
  mfaCode: string | undefined,
  target: StsTarget,
  notices: string[],
): Promise<MfaSession> {
  const cached = mfaCode ? undefined : await liveMfaSession(ctx, identity.id, serial);
  if (cached) {
    notices.push(
      `Reused the MFA session of "${identity.name}" (until ${clock(cached.expiration)}): no code needed.`,
    );
    return cached;
  }
  if (!mfaCode)
    throw new MfaRequiredError(
      serial,
      `the MFA session of "${identity.name}" has ended or was never started.`,
    );
  if (credentials.sessionToken) {
    throw new RolebarError(
      'mfa-session-from-temporary',
      `"${identity.name}" signs with temporary credentials, which cannot start an MFA session.`,
      {
        hint: 'Use long-term IAM user keys for this identity, or make the role ask for MFA with a duration over 1 hour.',
      },
    );
  }
  const answer = await ctx.sts.getSessionToken(
    target,
    credentials,
    { SerialNumber: serial, TokenCode: mfaCode, DurationSeconds: DEFAULT_MFA_SESSION_SECONDS },
    { action: 'GetSessionToken', accessKeyId: credentials.accessKeyId, source: identity.name },
  );
  const session: MfaSession = { ...answer.value, serial };
  await ctx.secrets.set(
    mfaSessionAccount(identity.id),
    JSON.stringify({ ...session, expiration: session.expiration.toISOString() }),
  );
  notices.push(
    `Started an MFA session for "${identity.name}" until ${clock(session.expiration)}: its other roles need no code until then.`,
  );
  return session;
}

async function readMfaSession(ctx: AssumeContext, identityId: string): Promise<MfaSession | undefined> {
  const raw = await ctx.secrets.get(mfaSessionAccount(identityId));
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Record<string, string>;
    const { accessKeyId, secretAccessKey, sessionToken, expiration, serial } = parsed;
    if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration || !serial) return undefined;
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration), serial };
  } catch {
    return undefined;
  }
}

/** When an identity's MFA session ends, if one is alive. */
export async function mfaSessionExpiry(ctx: AssumeContext, identityId: string): Promise<Date | undefined> {
  const session = await readMfaSession(ctx, identityId);
  return session && session.expiration.getTime() > ctx.now() ? session.expiration : undefined;
}

function hours(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}

function clock(date: Date): string {
  return localTime(date);
}
