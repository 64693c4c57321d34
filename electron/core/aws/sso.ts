// The two AWS clients of Identity Center, loaded lazily (CLI start-up stays fast), and the errors they throw in
// the user's words. Endpoints follow the AWS tools' settings: AWS_ENDPOINT_URL_SSO_OIDC / AWS_ENDPOINT_URL_SSO,
// then AWS_ENDPOINT_URL, else the region's own (oidc.REGION.amazonaws.com, portal.sso.REGION.amazonaws.com).
import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { networkReason } from './failures.js';
import { rolebarCommand } from '../domain/shell-quote.js';
import { RolebarError } from '../domain/errors.js';
import type { IdentityCenterIdentity } from '../domain/model.js';
import { refuseIrregularAwsFiles } from '../aws-files/regular-files.js';

export type { IdentityCenterIdentity } from '../domain/model.js';

/** How long one Identity Center call may take. */
const CALL_TIMEOUT_MS = 15_000;

/** The OIDC endpoint: the override from the environment, else the region's own. */
export function oidcEndpoint(identity: IdentityCenterIdentity, env: NodeJS.ProcessEnv): string {
  return (
    env.AWS_ENDPOINT_URL_SSO_OIDC ||
    env.AWS_ENDPOINT_URL ||
    `https://oidc.${identity.ssoRegion}.amazonaws.com`
  ).replace(/\/+$/, '');
}

/** The access portal endpoint override, if any (the SDK knows the region's own). */
function portalEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL || undefined;
}

const requestHandler = { requestTimeout: CALL_TIMEOUT_MS, connectionTimeout: CALL_TIMEOUT_MS };

/** An SSO OIDC client for the identity's region (loaded on first use). */
export async function oidcClient(
  identity: IdentityCenterIdentity,
  env: NodeJS.ProcessEnv,
): Promise<SSOOIDCClient> {
  refuseIrregularAwsFiles();
  const { SSOOIDCClient } = await import('@aws-sdk/client-sso-oidc');
  return new SSOOIDCClient({
    region: identity.ssoRegion,
    endpoint: oidcEndpoint(identity, env),
    maxAttempts: 2,
    requestHandler,
  });
}

/** An access portal client for the identity's region (loaded on first use). */
export async function portalClient(
  identity: IdentityCenterIdentity,
  env: NodeJS.ProcessEnv,
): Promise<SSOClient> {
  refuseIrregularAwsFiles();
  const { SSOClient } = await import('@aws-sdk/client-sso');
  const endpoint = portalEndpoint(env);
  return new SSOClient({
    region: identity.ssoRegion,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
    requestHandler,
  });
}

/** The AWS error name of an SDK failure ('' when it is not one). */
export function awsErrorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/** The error that asks the user to sign in again; nothing else is lost. */
export function signInRequired(identity: IdentityCenterIdentity, why: string): RolebarError {
  return new RolebarError('sso-sign-in-required', `${why} Sign in to "${identity.name}" again.`, {
    hint: `Run \`${rolebarCommand('sso', 'login', identity.name)}\` or use Sign in in the tray or the window; your roles and sessions are kept.`,
    context: { identity: identity.name },
  });
}

/** Turns an Identity Center SDK failure into a RolebarError that says what to do (never with a token in it). */
export function identityCenterFailure(
  identity: IdentityCenterIdentity,
  what: string,
  error: unknown,
): RolebarError {
  if (error instanceof RolebarError) return error;
  const name = awsErrorName(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (
    name === 'UnauthorizedException' ||
    name === 'InvalidGrantException' ||
    name === 'ExpiredTokenException'
  )
    return signInRequired(identity, `The Identity Center sign-in of "${identity.name}" has ended.`);
  if (name === 'ForbiddenException' || name === 'AccessDeniedException')
    return new RolebarError('sso-forbidden', `Identity Center refused to ${what} for "${identity.name}".`, {
      hint: 'Check that this permission set is still assigned to you in that account (the AWS access portal lists them).',
      cause: error,
    });
  if (name === 'InvalidClientException' || name === 'InvalidRequestException')
    return new RolebarError(
      'sso-request-refused',
      `Identity Center refused to ${what} for "${identity.name}".`,
      {
        hint: `Check the start URL (${identity.startUrl}) and region (${identity.ssoRegion}) of the identity.`,
        cause: error,
      },
    );
  if (typeof code === 'string' || /Timeout|Abort/.test(name)) {
    return new RolebarError(
      'sso-offline',
      `Could not reach Identity Center to ${what}: ${networkReason(typeof code === 'string' ? code : name)}.`,
      {
        hint: 'Check your network connection, VPN or proxy, then try again. Nothing was changed.',
        cause: error,
      },
    );
  }
  return new RolebarError(
    'sso-failed',
    `Identity Center could not ${what} for "${identity.name}" (${name || 'error'}).`,
    {
      hint: 'Try again in a moment. Nothing was changed.',
      cause: error,
    },
  );
}
