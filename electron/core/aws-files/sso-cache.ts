// The AWS CLI's SSO token cache, written only when the user turned it on for the identity (off by default: the
// file is plaintext). Same place, name and fields as botocore's SSOTokenFetcher / SSOTokenLoader: the file is
// ~/.aws/sso/cache/SHA1(sso-session name).json, so `[sso-session NAME]` profiles work in the AWS CLI and the SDKs
// without `aws sso login`.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atomicWriteFile, removeFileDurably } from '../platform/atomic.js';
import { jsonStringFields } from '../platform/keychain/json-entry.js';
import type { CliCacheRemoval, IdentityCenterIdentity, SsoTokens } from '../domain/model.js';
import { RolebarError } from '../domain/errors.js';

export type { CliCacheRemoval } from '../domain/model.js';

/** What an `[sso-session NAME]` may hold for every SDK to read it: the SDK v3's rule (botocore reads these unquoted). */
const SESSION_NAME = /^[\w@+.%:/-]+$/;

/**
 * Refuses an identity name that no `[sso-session NAME]` section can carry in every SDK: its AWS CLI token cache
 * would serve no profile (botocore needs the name quoted, and the SDK v3 cannot read it at all).
 */
export function checkCliCacheName(name: string): void {
  if (SESSION_NAME.test(name)) return;
  throw new RolebarError(
    'sso-session-name',
    `"${name}" cannot be the [sso-session] name of an AWS CLI token cache: the AWS SDK for JavaScript reads such names only with letters, digits and _ - @ + . % : /.`,
    { hint: 'Rename the identity (for example "acme-demo"), then turn the AWS CLI cache on.' },
  );
}

/** The cache file of an `sso-session` named `sessionName` (botocore hashes the session name, not the start URL). */
export function cliCacheFile(sessionName: string, homedir: string = os.homedir()): string {
  const key = createHash('sha1').update(sessionName, 'utf8').digest('hex');
  return path.join(homedir, '.aws', 'sso', 'cache', `${key}.json`);
}

/** botocore's timestamp format: `2024-01-01T00:00:00Z` (no milliseconds). */
function botoTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Writes the identity's tokens in the AWS CLI's cache format (mode 600, atomically). */
export async function writeCliCache(
  identity: IdentityCenterIdentity,
  tokens: SsoTokens,
  homedir?: string,
): Promise<string> {
  const file = cliCacheFile(identity.name, homedir);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const body = {
    startUrl: identity.startUrl,
    region: identity.ssoRegion,
    accessToken: tokens.accessToken,
    expiresAt: botoTime(tokens.expiresAt),
    clientId: tokens.clientId,
    clientSecret: tokens.clientSecret,
    registrationExpiresAt: botoTime(tokens.registrationExpiresAt),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  };
  await atomicWriteFile(file, [Buffer.from(JSON.stringify(body))], 0o600);
  return file;
}

/**
 * The AWS CLI's cached sign-in of the identity's `[sso-session]` (after `aws sso login`, or Rolebar's own copy),
 * as tokens: undefined when there is no file, it is for another start URL, or a field is missing.
 */
export async function readCliCache(
  identity: IdentityCenterIdentity,
  homedir?: string,
): Promise<SsoTokens | undefined> {
  const text = await fs.readFile(cliCacheFile(identity.name, homedir), 'utf8').catch(() => undefined);
  const field = text === undefined ? undefined : jsonStringFields(text);
  if (!field || field('startUrl') !== identity.startUrl) return undefined;
  const time = (name: string) => {
    const at = Date.parse(field(name) ?? '');
    return Number.isNaN(at) ? undefined : new Date(at).toISOString();
  };
  const [accessToken, clientId, clientSecret] = [
    field('accessToken'),
    field('clientId'),
    field('clientSecret'),
  ];
  const [expiresAt, registrationExpiresAt] = [time('expiresAt'), time('registrationExpiresAt')];
  if (!accessToken || !clientId || !clientSecret || !expiresAt || !registrationExpiresAt) return undefined;
  const refreshToken = field('refreshToken');
  return {
    accessToken,
    expiresAt,
    clientId,
    clientSecret,
    registrationExpiresAt,
    ...(refreshToken ? { refreshToken } : {}),
  };
}

/**
 * Whether `file` holds the sign-in Rolebar holds for this identity: its start URL and the client registration in
 * the keychain's tokens — Rolebar's own, or the AWS CLI's once Rolebar took up its `aws sso login` (cache shared:
 * then it is one sign-in, which Rolebar's sign-out ends for both, as `aws sso logout` does). A file the AWS CLI
 * wrote for a sign-in Rolebar never took up has another client: it is the user's, and is left.
 */
async function isRolebarCache(
  file: string,
  identity: IdentityCenterIdentity,
  tokens: SsoTokens | undefined,
): Promise<boolean> {
  if (!tokens) return false;
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  const field = text === undefined ? undefined : jsonStringFields(text);
  return field?.('startUrl') === identity.startUrl && field('clientId') === tokens.clientId;
}

/**
 * Removes the identity's cache file (sign-out, or the setting turned off), but only when Rolebar wrote it: `tokens`
 * are the identity's tokens from the keychain, read before they are forgotten. A file the AWS CLI wrote is left.
 */
export async function removeCliCache(
  identity: IdentityCenterIdentity,
  tokens: SsoTokens | undefined,
  homedir?: string,
): Promise<CliCacheRemoval> {
  const file = cliCacheFile(identity.name, homedir);
  const exists = await fs.stat(file).then(
    () => true,
    () => false,
  );
  if (!exists) return 'absent';
  if (!(await isRolebarCache(file, identity, tokens))) return 'not-rolebar';
  await removeFileDurably(file);
  return 'removed';
}
