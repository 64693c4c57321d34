// The links of a role chain, each a provider that wraps the one before it (aws-vault's vault.go): the identity's
// own credentials from its source, the MFA session around them, one link per role hop, and the in-memory cache
// around every hop but the last (cachedsessionprovider.go). Providers are lazy: a hop kept in memory never asks
// the links below it, so a live intermediate session costs no call at all.
import { hopRequest, MfaRequiredError, type MfaPlan } from './assume-steps.js';
import { RolebarError } from '../domain/errors.js';
import { type MfaSession, REUSE_MARGIN_MS, startMfaSession } from './mfa-session.js';
import { type Identity, type Role, roleArnFromName } from '../domain/model.js';
import { isLive } from '../domain/session-live.js';
import { partitionOfArn, userNameOfArn } from '../store/sessions.js';
import type { AwsCredentials, TemporaryCredentials } from '../aws/sts/client.js';
import type { StsTarget } from '../domain/endpoints.js';
import { localTime } from '../domain/local-time.js';
import { type AssumeContext, targetFor } from './context.js';
import type { CredentialSource } from './sources/source.js';

/** What a link hands the one above it. */
export interface Link {
  credentials: AwsCredentials;
  /** The principal of a role hop, when the call that made it said (a permission set's does not). */
  assumedRoleArn?: string | undefined;
  /** The latest offset of this computer's clock from AWS's, from any call down the chain. */
  clockOffsetMs?: number | undefined;
  /** When the MFA session below ends, when one was used for this switch. */
  mfaExpiration?: Date | undefined;
}

/** A role hop's link: temporary credentials. */
export interface HopLink extends Link {
  credentials: TemporaryCredentials;
}

/** Gives a link's credentials when asked (aws-vault's credentials.Provider). */
export type Provider<L extends Link = Link> = () => Promise<L>;

/** What the links of one switch share: the chain and its MFA plan, the notices so far, the user name once learnt. */
export interface ChainRun {
  readonly ctx: AssumeContext;
  readonly identity: Identity;
  readonly source: CredentialSource<Identity['kind']>;
  readonly hops: readonly Role[];
  readonly plan: MfaPlan;
  /** The MFA code the user gave, for a `~/.aws` profile that asks for one itself. */
  readonly mfaCode: string | undefined;
  readonly notices: string[];
  /** The identity's user name, for default session names; learnt on the first hop when unknown. */
  userName: string | undefined;
}

/** The chain's first link: the identity's own credentials, as its source makes them. */
export function ownCredentials(run: ChainRun): Provider {
  return async () => ({
    credentials: await run.source.ownCredentials(run.identity, run.ctx, { mfaCode: run.mfaCode }),
  });
}

/**
 * One role hop over `inner`: a permission set through the source's sign-in (Identity Center), else AssumeRole
 * signed by the link below, or by the identity's MFA session around it when the plan says so. A permission set the
 * source cannot reach is refused here, while the chain is built, before any call.
 */
export function hop(run: ChainRun, inner: Provider, role: Role, index: number): Provider<HopLink> {
  if (role.sso) return permissionSetHop(run, role, role.sso);
  const { plan } = run;
  const signer =
    plan.kind === 'mfa' && plan.hops[index] === 'mfa-session' ? mfaSession(run, plan, role, inner) : inner;
  return assumeHop(run, signer, role, index);
}

/**
 * The in-memory cache around a hop that is not the last: its session is reused while it has more than
 * REUSE_MARGIN_MS left, else made anew (asking the links below) and kept. Main-process (or CLI) memory only.
 */
export function keptInMemory(run: ChainRun, role: Role, inner: Provider<HopLink>): Provider<HopLink> {
  const { ctx } = run;
  return async () => {
    const kept = ctx.memory.get(role.id);
    if (kept && isLive(kept, ctx.now(), REUSE_MARGIN_MS)) return { credentials: kept };
    const made = await inner();
    ctx.memory.set(role.id, made.credentials);
    return made;
  };
}

function permissionSetHop(run: ChainRun, role: Role, sso: NonNullable<Role['sso']>): Provider<HopLink> {
  const { source, identity, ctx } = run;
  if (!source.permissionSet) {
    throw new RolebarError(
      'invalid-role',
      `"${role.label}" is an Identity Center role, but "${identity.name}" is not an Identity Center identity.`,
      { hint: 'Give it an Identity Center identity as its source.' },
    );
  }
  const permissionSet = source.permissionSet.bind(source);
  return async () => ({ credentials: await permissionSet(identity, sso, ctx) });
}

/** AssumeRole from the link below: the role ARN (looked up by name when needed), the request, the call. */
function assumeHop(run: ChainRun, inner: Provider, role: Role, index: number): Provider<HopLink> {
  const { ctx, identity, hops, plan } = run;
  return async () => {
    const below = await inner();
    const target = targetFor(ctx, identity, role);
    const learnUserName = index === 0 && !run.userName && hops.some((r) => !r.sessionName);
    const resolved = await roleArnStep(run, role, below.credentials, target, learnUserName);
    if (learnUserName) run.userName = resolved.userName;
    const request = hopRequest({
      identity,
      role,
      index,
      plan,
      roleArn: resolved.roleArn,
      userName: run.userName,
      fromTemporary: Boolean(below.credentials.sessionToken),
    });
    run.notices.push(...request.notices);
    const answer = await ctx.sts.assumeRole(target, below.credentials, request.input, {
      action: 'AssumeRole',
      roleArn: resolved.roleArn,
      accessKeyId: below.credentials.accessKeyId,
      source: index === 0 ? identity.name : hops[index - 1]?.label,
    });
    return {
      credentials: answer.value.credentials,
      assumedRoleArn: answer.value.assumedRoleArn,
      clockOffsetMs: answer.clockOffsetMs ?? below.clockOffsetMs,
      mfaExpiration: below.mfaExpiration,
    };
  };
}

/**
 * The identity's MFA session around its own credentials (aws-vault's cached session provider): the live one the
 * plan found in the keychain (the credentials below are then never asked), or a new one started with the plan's
 * code and kept in the keychain.
 */
function mfaSession(
  run: ChainRun,
  plan: Extract<MfaPlan, { kind: 'mfa' }>,
  role: Role,
  inner: Provider,
): Provider {
  const { ctx, identity, notices } = run;
  const used = (session: MfaSession): Link => ({ credentials: session, mfaExpiration: session.expiration });
  return async () => {
    if (plan.session) {
      notices.push(
        `Reused the MFA session of "${identity.name}" (until ${clock(plan.session.expiration)}): no code needed.`,
      );
      return used(plan.session);
    }
    if (!plan.code) {
      throw new MfaRequiredError(
        plan.serial,
        `the MFA session of "${identity.name}" has ended or was never started.`,
      );
    }
    const { credentials } = await inner();
    const target = targetFor(ctx, identity, role);
    const session = await startMfaSession(ctx, identity, credentials, plan.serial, plan.code, target);
    notices.push(
      `Started an MFA session for "${identity.name}" until ${clock(session.expiration)}: its other roles need no code until then.`,
    );
    return used(session);
  };
}

/**
 * The role ARN of a hop: as given, or a role name looked up in the caller's account (GetCallerIdentity), which
 * also teaches the identity's user name when asked to (learnt once and kept: default session names derive from it).
 */
async function roleArnStep(
  run: ChainRun,
  role: Role,
  credentials: AwsCredentials,
  target: StsTarget,
  learnUserName: boolean,
): Promise<{ roleArn: string; userName: string | undefined }> {
  const { ctx, identity } = run;
  if (role.roleArn && !learnUserName) return { roleArn: role.roleArn, userName: undefined };
  const caller = (
    await ctx.sts.getCallerIdentity(target, credentials, {
      action: 'GetCallerIdentity',
      source: identity.name,
    })
  ).value;
  const userName = learnUserName ? userNameOfArn(caller.arn) : undefined;
  if (userName) ctx.identities.update(identity.id, { userName });
  const roleArn =
    role.roleArn ?? roleArnFromName(partitionOfArn(caller.arn), caller.account, role.roleName ?? '');
  return { roleArn, userName };
}

/**
 * Who the final link is: its own ARN, or (a permission set, which the portal does not name) GetCallerIdentity's
 * answer, whose clock offset then counts.
 */
export async function principalOf(
  run: ChainRun,
  role: Role,
  link: HopLink,
): Promise<{ assumedRoleArn: string; clockOffsetMs: number | undefined }> {
  if (link.assumedRoleArn) return { assumedRoleArn: link.assumedRoleArn, clockOffsetMs: link.clockOffsetMs };
  const { ctx, identity } = run;
  const caller = await ctx.sts.getCallerIdentity(targetFor(ctx, identity, role), link.credentials, {
    action: 'GetCallerIdentity',
    accessKeyId: link.credentials.accessKeyId,
    source: identity.name,
  });
  return { assumedRoleArn: caller.value.arn, clockOffsetMs: caller.clockOffsetMs };
}

function clock(date: Date): string {
  return localTime(date);
}
