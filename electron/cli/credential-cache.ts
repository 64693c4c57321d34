// The cached answers of `credential-process ROLE` and `credential-process --identity NAME`, shared by the command
// and by the small entry (credential-process-entry.ts) that credential_process lines run. Imports only small,
// plain modules: no settings store (conf), no AWS SDK, so the small entry's bundle stays small. An identity's
// session lives in the keychain, read here in this process (a helper would cost a second Node start): over D-Bus
// on Linux (secret-service.ts), with keytar elsewhere.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProfileCredentials } from '../core/aws-files/read.js';
import { KeychainUnavailableError, type SecretStore } from '../core/platform/keychain/keychain.js';
import {
  type KeychainBackend,
  keychainBackendOf,
  openSecretStore,
} from '../core/platform/keychain/backend.js';
import { readMfaSession, servableIdentitySession } from '../core/sessions/mfa-session.js';
import { secretAccount } from '../core/store/secret-journal.js';
import { type Identity, profileNameOf, type Role } from '../core/domain/model.js';
import { settingsDir } from '../core/platform/paths.js';
import { parseIdentityRecord, parseRecordList, parseRoleRecord } from '../core/store/records.js';
import { isLive } from '../core/domain/session-live.js';
import { type SessionRecord, storedSessions } from '../core/store/sessions.js';
import { credentialProcessAnswer, type ProcessCredentials } from '../core/features/outputs/snippets.js';
// The kinds' traits only (data and pure functions): the sources themselves stay out of this bundle.
import { describeIdentity } from '../core/sessions/sources/registry.js';

/** A cached session is served while it has at least this long left; the AWS CLI refreshes a little before expiry. */
export const CREDENTIAL_PROCESS_MARGIN_MS = 10 * 60_000;

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** What the cached answers need from settings.json. */
interface LightSettings {
  identities: Identity[];
  roles: Role[];
  sessions: SessionRecord[];
  keychainBackend: KeychainBackend | undefined;
  /** Identities with a keychain change in flight (a rotation, an add): the full CLI settles those first. */
  changing: Set<string>;
}

function settingsFolderOf(env: NodeJS.ProcessEnv): string {
  return settingsDir({ env, platform: process.platform, homedir: homeOf(env) });
}

/** Identities, roles and sessions straight from settings.json (and sessions.json), parsed; undefined when they cannot be (the core will say why). */
function readSettingsLight(env: NodeJS.ProcessEnv): LightSettings | undefined {
  try {
    const file = path.join(settingsFolderOf(env), 'settings.json');
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof data !== 'object' || data === null || !('roles' in data)) return undefined;
    return {
      identities:
        'identities' in data ? parseRecordList(data.identities, file, 'identities', parseIdentityRecord) : [],
      roles: parseRecordList(data.roles, file, 'roles', parseRoleRecord),
      sessions: storedSessions(file, 'sessions' in data ? data.sessions : undefined),
      keychainBackend:
        'keychainBackend' in data && (data.keychainBackend === 'file' || data.keychainBackend === 'os')
          ? data.keychainBackend
          : undefined,
      changing: new Set(
        'keychainIntents' in data && Array.isArray(data.keychainIntents)
          ? data.keychainIntents.map((i: unknown) => String((i as { identityId?: unknown }).identityId))
          : [],
      ),
    };
  } catch {
    return undefined;
  }
}

/** Finds a role the way the role store does: id, label, then profile name. */
function findLight(roles: Role[], key: string): Role | undefined {
  return (
    roles.find((r) => r.id === key) ??
    roles.find((r) => r.label === key) ??
    roles.find((r) => profileNameOf(r) === key)
  );
}

/** The cached session of `key` from the profile Rolebar wrote, if it has at least the margin left. */
export async function cachedProcessCredentials(
  env: NodeJS.ProcessEnv,
  key: string,
  now = Date.now(),
): Promise<ProcessCredentials | undefined> {
  const settings = readSettingsLight(env);
  const role = settings && findLight(settings.roles, key);
  const session = role && settings.sessions.find((s) => s.roleId === role.id);
  if (!session) return undefined;
  let stored;
  try {
    stored = await readProfileCredentials(session.profileName, { env, homedir: homeOf(env) });
  } catch {
    return undefined;
  }
  if (!stored?.sessionToken || !stored.expiresAt) return undefined;
  const expiresAt = Date.parse(stored.expiresAt);
  const live = { expiresAt, clockOffsetMs: session.clockOffsetMs };
  if (!isLive(live, now, CREDENTIAL_PROCESS_MARGIN_MS)) return undefined;
  return credentialProcessAnswer({ ...stored, expiration: new Date(expiresAt) });
}

/** Keychain failures the full CLI could not mend either: the small entry says them at once instead of loading it. */
const FINAL_FAILURES = new Set(['timeout', 'file-locked', 'wrong-passphrase', 'damaged', 'newer']);

/**
 * What `credential-process --identity key` serves, straight from the keychain: the identity's long-term key, or
 * with `session` its cached short session if that has at least the margin left. Undefined when the full CLI must
 * answer (a session to start, an unknown name, a keychain change in flight, a keychain that refused). A keychain
 * that does not answer in time throws its KeychainUnavailableError: where keytar served the read, its thread is
 * then stuck, and the caller must end the process itself. A keychain file that cannot be opened (locked, wrong passphrase, damaged) throws too.
 */
export async function cachedIdentityCredentials(
  env: NodeJS.ProcessEnv,
  key: string,
  options: { session: boolean; now?: number; secrets?: SecretStore },
): Promise<ProcessCredentials | undefined> {
  const settings = readSettingsLight(env);
  const identities = settings?.identities ?? [];
  const identity = identities.find((i) => i.id === key) ?? identities.find((i) => i.name === key);
  const accessKeyId = identity && describeIdentity(identity).accessKeyId;
  if (!identity || accessKeyId === undefined || settings?.changing.has(identity.id)) return undefined;
  try {
    const secrets =
      options.secrets ??
      openSecretStore({
        env,
        backend: keychainBackendOf(env, settings?.keychainBackend),
        settingsFolder: settingsFolderOf(env),
        inProcess: true,
      });
    if (!options.session) {
      const secretAccessKey = await secrets.get(secretAccount(identity.id));
      return secretAccessKey ? credentialProcessAnswer({ accessKeyId, secretAccessKey }) : undefined;
    }
    const stored = await readMfaSession(secrets, identity.id);
    const now = options.now ?? Date.now();
    const session = servableIdentitySession(identity, stored, now, CREDENTIAL_PROCESS_MARGIN_MS);
    return session && credentialProcessAnswer(session);
  } catch (error) {
    if (error instanceof KeychainUnavailableError && FINAL_FAILURES.has(error.reason)) throw error;
    return undefined;
  }
}

/** The line credential-process prints: one definition for the command and the small entry. */
export function credentialProcessLine(answer: ProcessCredentials): string {
  return `${JSON.stringify(answer)}\n`;
}
