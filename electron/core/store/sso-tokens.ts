// An Identity Center identity's tokens and client registration: one JSON entry in the keychain, never in settings
// or on disk (unless the user turns on the AWS CLI token cache, which copies them to ~/.aws/sso/cache).
import type { SecretStore } from '../platform/keychain/keychain.js';
import { jsonStringFields } from '../platform/keychain/json-entry.js';
import { ssoTokenAccount } from './secret-journal.js';

/** SECRET: what a sign-in leaves. Never logged, never sent to the renderer. */
export interface SsoTokens {
  accessToken: string;
  /** When the access token ends (ISO 8601). */
  expiresAt: string;
  refreshToken?: string | undefined;
  clientId: string;
  clientSecret: string;
  /** When the client registration ends (ISO 8601). */
  registrationExpiresAt: string;
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
