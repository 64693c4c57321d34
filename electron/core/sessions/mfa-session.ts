// The MFA session step: one GetSessionToken per identity, kept in the keychain and reused for every role of that
// identity until it is about to end (aws-vault's cached session provider). Small and alone, so tests can drive it.
import { type Identity, DEFAULT_MFA_SESSION_SECONDS } from '../domain/model.js';
import { RolebarError } from '../domain/errors.js';
// From the journal itself, not identities.js: the small credential-process entry reads sessions through this
// module, and identities.js would bring the settings store with it.
import { mfaSessionAccount } from '../store/secret-journal.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import { jsonStringFields } from '../platform/keychain/json-entry.js';
import { isLive } from '../domain/session-live.js';
import type { AwsCredentials, StsCaller, TemporaryCredentials } from '../aws/sts/client.js';
import type { StsTarget } from '../domain/endpoints.js';

/** An MFA session (GetSessionToken) kept in the keychain. SECRET: never leaves the main process or the CLI. */
export interface MfaSession extends TemporaryCredentials {
  serial: string;
}

/** What the MFA session step works with. */
export interface MfaSessionDeps {
  secrets: SecretStore;
  sts: StsCaller;
  now: () => number;
}

/** MFA sessions and intermediate hops are reused only while they have at least this long left. */
export const REUSE_MARGIN_MS = 5 * 60_000;

/** The identity's stored MFA session, parsed; undefined when there is none or it does not parse. */
export async function readMfaSession(
  secrets: SecretStore,
  identityId: string,
): Promise<MfaSession | undefined> {
  const raw = await secrets.get(mfaSessionAccount(identityId));
  const field = raw ? jsonStringFields(raw) : undefined;
  if (!field) return undefined;
  const accessKeyId = field('accessKeyId');
  const secretAccessKey = field('secretAccessKey');
  const sessionToken = field('sessionToken');
  const expiration = new Date(field('expiration') ?? NaN);
  const serial = field('serial');
  if (!accessKeyId || !secretAccessKey || !sessionToken || !serial || Number.isNaN(expiration.getTime()))
    return undefined;
  return { accessKeyId, secretAccessKey, sessionToken, expiration, serial };
}

/** The serial stored with a session started without MFA: never equal to a device's, so no MFA step reuses it. */
export const NO_MFA_SERIAL = 'none';

/**
 * Whether `cached` may be served as `identity`'s short session (credential-process --identity --session): started with the
 * identity's current device (or without MFA when it has none), with at least `marginMs` left. One rule for the
 * full CLI and the small credential-process entry.
 */
export function servableIdentitySession(
  identity: Pick<Identity, 'mfaSerial'>,
  cached: MfaSession | undefined,
  now: number,
  marginMs: number,
): MfaSession | undefined {
  const serial = identity.mfaSerial ?? NO_MFA_SERIAL;
  return cached?.serial === serial && isLive(cached, now, marginMs) ? cached : undefined;
}

/** The identity's MFA session, if it is for this device and has long enough left to be worth reusing. */
export async function liveMfaSession(
  deps: Pick<MfaSessionDeps, 'secrets' | 'now'>,
  identityId: string,
  serial: string,
): Promise<MfaSession | undefined> {
  const cached = await readMfaSession(deps.secrets, identityId);
  return cached && cached.serial === serial && isLive(cached, deps.now(), REUSE_MARGIN_MS)
    ? cached
    : undefined;
}

/**
 * Starts a new MFA session with `code` and keeps it in the keychain. Refused for an identity that signs with
 * temporary credentials, which GetSessionToken does not accept.
 */
export async function startMfaSession(
  deps: MfaSessionDeps,
  identity: Identity,
  credentials: AwsCredentials,
  serial: string,
  code: string,
  target: StsTarget,
): Promise<MfaSession> {
  if (credentials.sessionToken) {
    throw new RolebarError(
      'mfa-session-from-temporary',
      `"${identity.name}" signs with temporary credentials, which cannot start an MFA session.`,
      {
        hint: 'Use long-term IAM user keys for this identity, or make the role ask for MFA with a duration over 1 hour.',
      },
    );
  }
  const answer = await deps.sts.getSessionToken(
    target,
    credentials,
    { SerialNumber: serial, TokenCode: code, DurationSeconds: DEFAULT_MFA_SESSION_SECONDS },
    { action: 'GetSessionToken', accessKeyId: credentials.accessKeyId, source: identity.name },
  );
  return keepMfaSession(deps.secrets, identity.id, { ...answer.value, serial });
}

/** Keeps a GetSessionToken session as the identity's one cached session in the keychain, and returns it. */
export async function keepMfaSession(
  secrets: SecretStore,
  identityId: string,
  session: MfaSession,
): Promise<MfaSession> {
  await secrets.set(
    mfaSessionAccount(identityId),
    JSON.stringify({ ...session, expiration: session.expiration.toISOString() }),
  );
  return session;
}

/** When an identity's MFA session ends, if one is alive. */
export async function mfaSessionExpiry(
  deps: Pick<MfaSessionDeps, 'secrets' | 'now'>,
  identityId: string,
): Promise<Date | undefined> {
  const session = await readMfaSession(deps.secrets, identityId);
  return session && isLive(session, deps.now()) ? session.expiration : undefined;
}
