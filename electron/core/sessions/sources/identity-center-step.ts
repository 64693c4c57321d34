// The first hop of a chain that starts at an Identity Center role: GetRoleCredentials with the identity's access
// token (refreshed when needed), then, when it is the role switched to, GetCallerIdentity for the session's
// principal ARN (the portal does not say which AWSReservedSSO_ role it used).
import type { AssumeContext } from '../assume.js';
import { targetFor } from '../assume.js';
import { RolebarError } from '../../domain/errors.js';
import { REUSE_MARGIN_MS } from '../mfa-session.js';
import type { Identity, Role } from '../../domain/model.js';
import { isLive } from '../../domain/session-live.js';
import type { TemporaryCredentials } from '../../aws/sts/client.js';
import { type PortalDeps, portalRoleCredentials } from '../sso-portal.js';

/** The portal deps of an engine context. */
export function portalDeps(ctx: AssumeContext): PortalDeps {
  return {
    secrets: ctx.secrets,
    env: ctx.env,
    now: ctx.now,
    lockDir: ctx.lockDir,
    afterTokens: ctx.afterSsoTokens,
  };
}

/** The Identity Center hop's credentials (and, when it is the last hop, its principal ARN); undefined for other chains. */
export async function identityCenterStep(
  ctx: AssumeContext,
  identity: Identity,
  hops: readonly Role[],
): Promise<
  { credentials: TemporaryCredentials; assumedRoleArn: string; clockOffsetMs: number | undefined } | undefined
> {
  const role = hops[0];
  if (!role?.sso) return undefined;
  if (identity.kind !== 'identity-center') {
    throw new RolebarError(
      'invalid-role',
      `"${role.label}" is an Identity Center role, but "${identity.name}" is not an Identity Center identity.`,
      {
        hint: 'Give it an Identity Center identity as its source.',
      },
    );
  }
  const last = hops.length === 1;
  const kept = ctx.memory.get(role.id);
  const credentials =
    !last && kept && isLive(kept, ctx.now(), REUSE_MARGIN_MS)
      ? kept
      : await portalRoleCredentials(portalDeps(ctx), identity, role.sso);
  if (!last) {
    ctx.memory.set(role.id, credentials);
    return { credentials, assumedRoleArn: '', clockOffsetMs: undefined };
  }
  const caller = await ctx.sts.getCallerIdentity(targetFor(ctx, identity, role), credentials, {
    action: 'GetCallerIdentity',
    accessKeyId: credentials.accessKeyId,
    source: identity.name,
  });
  return { credentials, assumedRoleArn: caller.value.arn, clockOffsetMs: caller.clockOffsetMs };
}
