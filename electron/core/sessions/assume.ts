import { type AwsLocationOptions, type WriteProfileResult, writeProfile } from '../aws-files/index.js';
import {
  hopMfaKinds,
  hopRequest,
  MfaRequiredError,
  type MfaPlan,
  planMfa,
  sessionRecordOf,
  skewNotice,
} from './assume-steps.js';
import { RolebarError } from '../domain/errors.js';
import type { IdentityStore } from '../store/identities.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import { liveMfaSession, type MfaSession, REUSE_MARGIN_MS, startMfaSession } from './mfa-session.js';
import { checkMfaCode, type Identity, profileNameOf, type Role, roleArnFromName } from '../domain/model.js';
import type { PortalDeps } from './sso-portal.js';
import type { RoleStore } from '../store/roles.js';
import { isLive } from '../domain/session-live.js';
import {
  partitionOfArn,
  type SessionRecord,
  type SessionRegistry,
  userNameOfArn,
} from '../store/sessions.js';
import { sourceCredentials } from './sources/source-credentials.js';
import type { AwsCredentials, StsCaller, TemporaryCredentials } from '../aws/sts/client.js';
import { resolveStsTarget, type StsTarget } from '../domain/endpoints.js';
import { localTime } from '../domain/local-time.js';
import { identityCenterStep } from './sources/identity-center-step.js';

export { MfaRequiredError };

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
  /** The settings folder, where cross-process locks live (Identity Center token refreshes). */
  lockDir?: string | undefined;
  /** Runs after Identity Center tokens change (the AWS CLI token cache, when it is on). */
  afterSsoTokens?: PortalDeps['afterTokens'];
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

/**
 * Assumes a role, hop by hop from its identity, and writes the final session as the role's profile, composed of
 * small steps: the MFA decision (once, before any call), the source credentials, the MFA session (cached in the
 * keychain), each role hop, the profile write and the session record. With MFA: one GetSessionToken per
 * identity, reused for all its roles until it expires, unless the duration asked for is longer than the 1-hour
 * cap of sessions started from temporary credentials — then AssumeRole takes the code directly. Durations above
 * the chaining cap are lowered with a notice. Nothing is written unless every call succeeded.
 * Callers go through the session layer (session-layer.ts), which keeps one flight per role.
 */
export async function assumeRole(
  ctx: AssumeContext,
  roleId: string,
  options: AssumeOptions = {},
): Promise<AssumeOutcome> {
  const { identity, hops } = ctx.roles.chain(roleId);
  const role = hops.at(-1);
  if (!role) throw new RolebarError('role-not-found', `No role "${roleId}".`, { hint: 'List roles.' });
  const code = options.mfaCode === undefined ? undefined : checkMfaCode(options.mfaCode);
  // The MFA decision, once: the keychain is read only when the first hop would sign with an MFA session.
  const sessionSerial = hopMfaKinds(hops)[0] === 'mfa-session' && !code ? identity.mfaSerial : undefined;
  const live = sessionSerial ? await liveMfaSession(ctx, identity.id, sessionSerial) : undefined;
  const plan = planMfa(identity, hops, code, live);

  const notices: string[] = [];
  let userName = identity.userName;
  let final: { credentials: TemporaryCredentials; assumedRoleArn: string } | undefined;
  let mfaExpiration: Date | undefined;
  let clockOffsetMs: number | undefined;
  // An Identity Center role is the first hop: GetRoleCredentials instead of source credentials and AssumeRole.
  const first = await identityCenterStep(ctx, identity, hops);
  let credentials: AwsCredentials =
    first?.credentials ??
    (await sourceCredentials(identity, {
      identities: ctx.identities,
      env: ctx.env,
      homedir: ctx.homedir,
      mfaCode: code,
    }));
  if (first) {
    final = first;
    clockOffsetMs = first.clockOffsetMs;
  }

  for (const [index, hop] of hops.entries()) {
    const last = index === hops.length - 1;
    if (index === 0 && first) continue;
    const kept = ctx.memory.get(hop.id);
    if (!last && kept && isLive(kept, ctx.now(), REUSE_MARGIN_MS)) {
      credentials = kept;
      continue;
    }
    const target = targetFor(ctx, identity, hop);
    const learnUserName = index === 0 && !userName && hops.some((r) => !r.sessionName);
    const resolved = await roleArnStep(ctx, identity, hop, credentials, target, learnUserName);
    const { roleArn } = resolved;
    if (learnUserName) userName = resolved.userName;

    let signWith = credentials;
    if (plan.hops[index] === 'mfa-session' && plan.kind === 'mfa') {
      const mfa = await mfaSessionStep(ctx, identity, credentials, plan, target, notices);
      signWith = mfa;
      mfaExpiration = mfa.expiration;
    }
    const request = hopRequest({
      identity,
      role: hop,
      index,
      plan,
      roleArn,
      userName,
      fromTemporary: Boolean(credentials.sessionToken),
    });
    notices.push(...request.notices);
    const answer = await ctx.sts.assumeRole(target, signWith, request.input, {
      action: 'AssumeRole',
      roleArn,
      accessKeyId: signWith.accessKeyId,
      source: index === 0 ? identity.name : hops[index - 1]?.label,
    });
    credentials = answer.value.credentials;
    final = { credentials: answer.value.credentials, assumedRoleArn: answer.value.assumedRoleArn };
    clockOffsetMs = answer.clockOffsetMs ?? clockOffsetMs;
    // The final hop is remembered only once its profile is written: a failed switch leaves no trace.
    if (!last) ctx.memory.set(hop.id, answer.value.credentials);
  }
  if (!final) throw new RolebarError('internal', `"${role.label}" was not assumed.`, { hint: 'Try again.' });

  const region = role.region ?? identity.region;
  const profileName = profileNameOf(role);
  const session = sessionRecordOf({
    role,
    profileName,
    assumedRoleArn: final.assumedRoleArn,
    credentials: final.credentials,
    mfaExpiration,
    clockOffsetMs,
    startedAt: ctx.now(),
    plan,
    region,
  });
  // Recorded as soon as the profile is in place, while its folder's fsync finishes (the record never names a
  // profile that is not written; a refused or failed write records nothing).
  const written = await writeSessionProfile(ctx, profileName, final, region, options.force === true, () =>
    ctx.sessions.save(session),
  );
  notices.push(...written.warnings);
  const skew = skewNotice(clockOffsetMs);
  if (skew) notices.push(skew);
  ctx.memory.set(role.id, final.credentials);
  return { session, credentials: final.credentials, notices, written };
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

/**
 * The profile write step: the final hop's credentials as the role's profile, only in sections Rolebar owns.
 * `afterWrite` runs once the profile is in place (see WriteProfileOptions.afterWrite).
 */
export function writeSessionProfile(
  ctx: Pick<AssumeContext, 'env' | 'homedir'>,
  profileName: string,
  final: { credentials: TemporaryCredentials; assumedRoleArn: string },
  region: string | undefined,
  force: boolean,
  afterWrite?: () => void,
): Promise<WriteProfileResult> {
  return writeProfile(
    {
      name: profileName,
      accessKeyId: final.credentials.accessKeyId,
      secretAccessKey: final.credentials.secretAccessKey,
      sessionToken: final.credentials.sessionToken,
      expiration: final.credentials.expiration,
      principalArn: final.assumedRoleArn,
      ...(region ? { region } : {}),
    },
    { ...location(ctx), force, ...(afterWrite ? { afterWrite } : {}) },
  );
}

/** The MFA session step: the live one the plan found, or a new one started with the plan's code. */
async function mfaSessionStep(
  ctx: AssumeContext,
  identity: Identity,
  credentials: AwsCredentials,
  plan: Extract<MfaPlan, { kind: 'mfa' }>,
  target: StsTarget,
  notices: string[],
): Promise<MfaSession> {
  if (plan.session) {
    notices.push(
      `Reused the MFA session of "${identity.name}" (until ${clock(plan.session.expiration)}): no code needed.`,
    );
    return plan.session;
  }
  if (!plan.code) {
    throw new MfaRequiredError(
      plan.serial,
      `the MFA session of "${identity.name}" has ended or was never started.`,
    );
  }
  const session = await startMfaSession(ctx, identity, credentials, plan.serial, plan.code, target);
  notices.push(
    `Started an MFA session for "${identity.name}" until ${clock(session.expiration)}: its other roles need no code until then.`,
  );
  return session;
}

/**
 * The role ARN of a hop: as given, or a role name looked up in the caller's account (GetCallerIdentity), which
 * also teaches the identity's user name when asked to (learnt once and kept: default session names derive from it).
 */
async function roleArnStep(
  ctx: AssumeContext,
  identity: Identity,
  hop: Role,
  credentials: AwsCredentials,
  target: StsTarget,
  learnUserName: boolean,
): Promise<{ roleArn: string; userName: string | undefined }> {
  if (hop.roleArn && !learnUserName) return { roleArn: hop.roleArn, userName: undefined };
  const caller = (
    await ctx.sts.getCallerIdentity(target, credentials, {
      action: 'GetCallerIdentity',
      source: identity.name,
    })
  ).value;
  const userName = learnUserName ? userNameOfArn(caller.arn) : undefined;
  if (userName) ctx.identities.update(identity.id, { userName });
  const roleArn =
    hop.roleArn ?? roleArnFromName(partitionOfArn(caller.arn), caller.account, hop.roleName ?? '');
  return { roleArn, userName };
}

function clock(date: Date): string {
  return localTime(date);
}
