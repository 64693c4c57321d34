// What `rolebar credential-process --identity NAME` serves. By default the identity's long-term key from the
// keychain, exactly as the plaintext keys it replaces did (no expiry, no MFA). With `--session`, a short session
// instead: one GetSessionToken per identity (with MFA when the identity has a device), kept in the keychain in the
// identity's MFA-session entry, so it is removed and rotated with the identity like the MFA session it often is.
import { type AssumeContext, targetFor } from './context.js';
import { RolebarError } from '../domain/errors.js';
import type { Identity } from '../domain/model.js';
import type { AwsCredentials } from '../aws/sts/client.js';
import { describeIdentity, sourceOf } from './sources/registry.js';
import {
  type MfaSession,
  keepMfaSession,
  NO_MFA_SERIAL,
  readMfaSession,
  servableIdentitySession,
  startMfaSession,
} from './mfa-session.js';

/** How an identity session may be served. */
export interface IdentitySessionOptions {
  /** Serve the cached session only while it has at least this long left. */
  marginMs: number;
  /** A current MFA code, to start a new MFA session when the identity has a device. */
  mfaCode?: string | undefined;
}

/** The identity, if it keeps a key pair in the keychain (else credential-process --identity has nothing to serve). */
function keyedIdentity(ctx: AssumeContext, identityId: string): Identity {
  const identity = ctx.identities.get(identityId);
  if (!describeIdentity(identity).can.keys) {
    throw new RolebarError(
      'identity-session-kind',
      `"${identity.name}" has no keys in the keychain: credential-process --identity serves IAM user identities.`,
      { hint: 'Its own AWS profile or credential source already works in the AWS tools; use that.' },
    );
  }
  return identity;
}

/** The identity's long-term key pair from the keychain, as its plaintext keys were. SECRET. */
export async function identityLongTermKey(ctx: AssumeContext, identityId: string): Promise<AwsCredentials> {
  const identity = keyedIdentity(ctx, identityId);
  return sourceOf(identity).ownCredentials(identity, ctx);
}

/** The identity's cached session if it has `marginMs` left, else a new one (callers hold the identity's flight). */
export async function identitySession(
  ctx: AssumeContext,
  identityId: string,
  options: IdentitySessionOptions,
): Promise<MfaSession> {
  const identity = keyedIdentity(ctx, identityId);
  const cached = servableIdentitySession(
    identity,
    await readMfaSession(ctx.secrets, identity.id),
    ctx.now(),
    options.marginMs,
  );
  if (cached) return cached;
  const credentials = await sourceOf(identity).ownCredentials(identity, ctx);
  const target = targetFor(ctx, identity);
  if (identity.mfaSerial) {
    if (options.mfaCode === undefined) {
      throw new RolebarError(
        'mfa-required',
        `"${identity.name}" has an MFA device (${identity.mfaSerial}) and no MFA session with time left; credential-process cannot ask for a code.`,
        {
          hint: `Run \`rolebar credential-process --identity '${identity.name}' --session --mfa-code CODE\` once in a terminal (the session lasts 12 hours), then retry.`,
        },
      );
    }
    return startMfaSession(ctx, identity, credentials, identity.mfaSerial, options.mfaCode, target);
  }
  // No duration: AWS's default is the longest it allows, 12 hours for an IAM user and 1 hour for root keys
  // (which refuse anything longer).
  const answer = await ctx.sts.getSessionToken(
    target,
    credentials,
    {},
    { action: 'GetSessionToken', accessKeyId: credentials.accessKeyId, source: identity.name },
  );
  return keepMfaSession(ctx.secrets, identity.id, { ...answer.value, serial: NO_MFA_SERIAL });
}
