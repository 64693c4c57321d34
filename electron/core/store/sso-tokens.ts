// An Identity Center identity's tokens and client registration: one JSON entry in the keychain, never in settings
// or on disk (unless the user turns on the AWS CLI token cache, which copies them to ~/.aws/sso/cache).
import type { SsoTokens } from '../domain/model.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import { jsonStringFields } from '../platform/keychain/json-entry.js';
import { ssoTokenAccount } from './secret-journal.js';

export type { SsoTokens } from '../domain/model.js';

/** The access token is refreshed once it has less than this left (botocore refreshes 10–15 minutes ahead). */
export const REFRESH_MARGIN_MS = 10 * 60_000;

/** What a sign-in's tokens allow at a moment. */
export interface SignInState {
  /** The access token has time left: portal calls work now. */
  usable: boolean;
  /** It has more than REFRESH_MARGIN_MS left: no refresh is due. */
  current: boolean;
  /** A new access token can be had without the user: a refresh token, and a client registration not yet ended. */
  refreshable: boolean;
  /** Usable or refreshable: no new sign-in is needed. */
  signedIn: boolean;
}

/**
 * The one rule for an Identity Center sign-in's freshness, used by the portal calls (when to refresh, when to ask
 * for a new sign-in), sign-out (whether to tell the portal) and the status the window and the CLI show.
 */
export function signInState(tokens: SsoTokens | undefined, now: number): SignInState {
  if (!tokens) return { usable: false, current: false, refreshable: false, signedIn: false };
  const left = Date.parse(tokens.expiresAt) - now;
  const refreshable = tokens.refreshToken !== undefined && Date.parse(tokens.registrationExpiresAt) > now;
  return {
    usable: left > 0,
    current: left > REFRESH_MARGIN_MS,
    refreshable,
    signedIn: refreshable || left > 0,
  };
}

/** The identity's tokens, or undefined when it is not signed in (or the entry does not parse). */
export async function readTokens(secrets: SecretStore, identityId: string): Promise<SsoTokens | undefined> {
  const raw = await secrets.get(ssoTokenAccount(identityId));
  const field = raw ? jsonStringFields(raw) : undefined;
  if (!field) return undefined;
  const accessToken = field('accessToken');
  const expiresAt = field('expiresAt');
  const clientId = field('clientId');
  const clientSecret = field('clientSecret');
  const registrationExpiresAt = field('registrationExpiresAt');
  if (!accessToken || !expiresAt || !clientId || !clientSecret || !registrationExpiresAt) return undefined;
  if (Number.isNaN(Date.parse(expiresAt)) || Number.isNaN(Date.parse(registrationExpiresAt)))
    return undefined;
  const refreshToken = field('refreshToken');
  return {
    accessToken,
    expiresAt,
    ...(refreshToken ? { refreshToken } : {}),
    clientId,
    clientSecret,
    registrationExpiresAt,
  };
}

/** Keeps the identity's tokens in the keychain (replacing any before). */
export async function keepTokens(secrets: SecretStore, identityId: string, tokens: SsoTokens): Promise<void> {
  // JSON.stringify drops a refreshToken set to undefined: the entry then has none.
  await secrets.set(ssoTokenAccount(identityId), JSON.stringify(tokens));
}

/** Removes the identity's tokens from the keychain; true when there were some. */
export function forgetTokens(secrets: SecretStore, identityId: string): Promise<boolean> {
  return secrets.delete(ssoTokenAccount(identityId));
}
