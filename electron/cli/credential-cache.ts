// The cached answer of `credential-process ROLE`, shared by the command and by the small entry
// (credential-process-entry.ts) that the credential_process line runs. Imports only small, plain modules:
// no settings store (conf/ajv), no keychain, no AWS SDK, so the small entry's bundle stays small.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProfileCredentials } from '../core/aws-files/read.js';
import { profileNameOf, type Role } from '../core/model.js';
import { settingsDir } from '../core/paths.js';
import { parseRecordList, parseRoleRecord, parseSessionRecord } from '../core/rules/records.js';
import { isLive } from '../core/session-live.js';
import type { SessionRecord } from '../core/sessions.js';
import { credentialProcessAnswer, type ProcessCredentials } from '../core/snippets.js';

/** A cached session is served while it has at least this long left; the AWS CLI refreshes a little before expiry. */
export const CREDENTIAL_PROCESS_MARGIN_MS = 10 * 60_000;

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** Roles and sessions straight from settings.json, parsed; undefined when they cannot be (the core will say why). */
function readSettingsLight(env: NodeJS.ProcessEnv): { roles: Role[]; sessions: SessionRecord[] } | undefined {
  try {
    const file = path.join(
      settingsDir({ env, platform: process.platform, homedir: homeOf(env) }),
      'settings.json',
    );
    const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof data !== 'object' || data === null || !('roles' in data) || !('sessions' in data))
      return undefined;
    return {
      roles: parseRecordList(data.roles, file, 'roles', parseRoleRecord),
      sessions: parseRecordList(data.sessions, file, 'sessions', parseSessionRecord),
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

/** The line credential-process prints: one definition for the command and the small entry. */
export function credentialProcessLine(answer: ProcessCredentials): string {
  return `${JSON.stringify(answer)}\n`;
}
