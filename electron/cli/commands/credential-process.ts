// `rolebar credential-process ROLE`: the AWS CLI and SDKs run this on every call (credential_process), so the
// cached path reads two files and prints: no settings validation, no keychain, no SDK. Only a session with
// less than 10 minutes left loads the core and renews it, and never waits on a prompt.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readProfileCredentials } from '../../core/aws-files/read.js';
import { RolebarError } from '../../core/errors.js';
import { profileNameOf, type Role } from '../../core/model.js';
import { settingsDir } from '../../core/paths.js';
import type { SessionRecord } from '../../core/sessions.js';
import type { Command } from '../args.js';
import type { Io } from '../output.js';
import { suggestCommand } from '../suggest.js';

/** A cached session is served while it has at least this long left; the AWS CLI refreshes a little before expiry. */
export const CREDENTIAL_PROCESS_MARGIN_MS = 10 * 60_000;

/** The Version 1 answer of a credential_process. SECRET: stdout only. */
interface ProcessCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || os.homedir();
}

/** Roles and sessions straight from settings.json; undefined when it cannot be read (the core will say why). */
function readSettingsLight(env: NodeJS.ProcessEnv): { roles: Role[]; sessions: SessionRecord[] } | undefined {
  try {
    const file = path.join(
      settingsDir({ env, platform: process.platform, homedir: homeOf(env) }),
      'settings.json',
    );
    const data = JSON.parse(readFileSync(file, 'utf8')) as { roles?: Role[]; sessions?: SessionRecord[] };
    return Array.isArray(data.roles) && Array.isArray(data.sessions)
      ? { roles: data.roles, sessions: data.sessions }
      : undefined;
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
  if (!(expiresAt - (now + (session.clockOffsetMs || 0)) >= CREDENTIAL_PROCESS_MARGIN_MS)) return undefined;
  return {
    Version: 1,
    AccessKeyId: stored.accessKeyId,
    SecretAccessKey: stored.secretAccessKey,
    SessionToken: stored.sessionToken,
    Expiration: new Date(expiresAt).toISOString(),
  };
}

async function renew(io: Io, key: string): Promise<ProcessCredentials> {
  const [{ withCore, findRole }, { MfaRequiredError }] = await Promise.all([
    import('../context.js'),
    import('../../core/assume.js'),
  ]);
  return withCore(io, async (core) => {
    const role = findRole(core, key);
    try {
      const { credentials } = await core.assumeRole(role.id);
      return {
        Version: 1 as const,
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: credentials.expiration.toISOString(),
      };
    } catch (error) {
      if (!(error instanceof MfaRequiredError)) throw error;
      throw new RolebarError(
        'mfa-required',
        `"${role.label}" needs an MFA code: ${error.message.replace(/^An MFA code is needed: /, '')}`,
        {
          hint: `Renew it from the Rolebar tray, or run \`${suggestCommand('assume', role.label, '--mfa-code', 'CODE')}\` in a terminal, then retry.`,
        },
      );
    }
  });
}

const credentialProcess: Command = {
  spec: {
    name: 'credential-process',
    summary:
      'Prints credentials as credential_process Version 1 JSON: the cached session while it has 10 minutes left, else a new one. A role that needs a new MFA code fails at once (renew it from the tray or with rolebar assume).',
    synopsis: 'credential-process ROLE',
    options: {},
    positionals: [1, 1],
    details:
      'In ~/.aws/config (see rolebar setup-profile):\n' +
      '  [profile prod-ro-process]\n' +
      '  credential_process = /usr/bin/node /path/to/rolebar.mjs credential-process prod-ro',
  },
  run: async (args, io) => {
    const key = args.positionals[0] as string;
    const answer = (await cachedProcessCredentials(io.env, key)) ?? (await renew(io, key));
    io.out(JSON.stringify(answer));
    return 0;
  },
};

/** `credential-process`. */
export const commands: Record<string, Command> = { 'credential-process': credentialProcess };
