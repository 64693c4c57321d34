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
import { parseRecordList, parseRoleRecord, parseSessionRecord } from '../../core/rules/records.js';
import { isLive } from '../../core/session-live.js';
import type { SessionRecord } from '../../core/sessions.js';
import { credentialProcessAnswer, type ProcessCredentials } from '../../core/snippets.js';
import { type Command, stringOption, UsageError } from '../args.js';
import type { Io } from '../output.js';
import { suggestCommand } from '../suggest.js';

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

async function renew(io: Io, key: string): Promise<ProcessCredentials> {
  const [{ withCore, findRole }, { MfaRequiredError }] = await Promise.all([
    import('../context.js'),
    import('../../core/assume.js'),
  ]);
  return withCore(io, async (core) => {
    const role = findRole(core, key);
    try {
      // A burst of these (the AWS CLI runs one per call) makes one renewal: the others wait for it and reuse it.
      const { credentials } = await core.renew(role.id, { marginMs: CREDENTIAL_PROCESS_MARGIN_MS });
      return credentialProcessAnswer(credentials);
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

/** An identity's short session (GetSessionToken) from the keychain cache, renewed in the identity's one flight. */
async function identityAnswer(io: Io, key: string, mfaCode: string | undefined): Promise<ProcessCredentials> {
  const { withCore, findIdentity } = await import('../context.js');
  return withCore(io, async (core) => {
    const identity = findIdentity(core, key);
    const session = await core.identitySession(identity.id, {
      marginMs: CREDENTIAL_PROCESS_MARGIN_MS,
      mfaCode,
    });
    return credentialProcessAnswer(session);
  });
}

const credentialProcess: Command = {
  spec: {
    name: 'credential-process',
    summary:
      "Prints credentials as credential_process Version 1 JSON: the cached session while it has 10 minutes left, else a new one. A role that needs a new MFA code fails at once (renew it from the tray or with rolebar assume). With --identity, serves the identity's short session (GetSessionToken, with MFA when it has a device) from the keychain, never its long-term key.",
    synopsis: 'credential-process ROLE | credential-process --identity IDENTITY [--mfa-code CODE]',
    options: {
      identity: { type: 'string', value: 'IDENTITY', help: "serve this identity's short session" },
      'mfa-code': {
        type: 'string',
        value: 'CODE',
        help: 'with --identity: start its MFA session now (credential_process itself never asks)',
      },
    },
    positionals: [0, 1],
    details:
      'In ~/.aws/config (see rolebar setup-profile):\n' +
      '  [profile prod-ro-process]\n' +
      '  credential_process = /usr/bin/node /path/to/rolebar.mjs credential-process prod-ro\n' +
      '  [profile alice]\n' +
      '  credential_process = /usr/bin/node /path/to/rolebar.mjs credential-process --identity alice',
  },
  run: async (args, io) => {
    const identity = stringOption(args, 'identity');
    const mfaCode = stringOption(args, 'mfa-code');
    if ((identity === undefined) === (args.positionals[0] === undefined) || (mfaCode && !identity)) {
      throw new UsageError(
        'credential-process takes either a ROLE or --identity IDENTITY (--mfa-code goes with --identity).',
        'credential-process',
      );
    }
    if (identity !== undefined) {
      io.out(JSON.stringify(await identityAnswer(io, identity, mfaCode)));
      return 0;
    }
    const key = args.positionals[0] as string;
    const answer = (await cachedProcessCredentials(io.env, key)) ?? (await renew(io, key));
    io.out(JSON.stringify(answer));
    return 0;
  },
};

/** `credential-process`. */
export const commands: Record<string, Command> = { 'credential-process': credentialProcess };
