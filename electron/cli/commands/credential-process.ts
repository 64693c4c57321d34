// `rolebar credential-process ROLE`: the AWS CLI and SDKs run this on every call (credential_process), so the
// cached path (../credential-cache.ts) reads two files and prints: no settings validation, no keychain, no SDK.
// Only a session with less than 10 minutes left loads the core and renews it, and never waits on a prompt.
import { RolebarError } from '../../core/errors.js';
import { credentialProcessAnswer, type ProcessCredentials } from '../../core/snippets.js';
import type { Command } from '../args.js';
import type { Io } from '../output.js';
import {
  cachedProcessCredentials,
  CREDENTIAL_PROCESS_MARGIN_MS,
  credentialProcessLine,
} from '../credential-cache.js';
import { suggestCommand } from '../suggest.js';

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
    io.out(credentialProcessLine(answer));
    return 0;
  },
};

/** `credential-process`. */
export const commands: Record<string, Command> = { 'credential-process': credentialProcess };
