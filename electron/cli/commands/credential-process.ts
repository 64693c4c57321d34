// `rolebar credential-process ROLE`: the AWS CLI and SDKs run this on every call (credential_process), so the
// cached path (../credential-cache.ts) reads two files and prints: no settings validation, no keychain, no SDK.
// Only a session with less than 10 minutes left loads the core and renews it, and never waits on a prompt.
import { RolebarError } from '../../core/domain/errors.js';
import { credentialProcessAnswer, type ProcessCredentials } from '../../core/features/outputs/snippets.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import type { Io } from '../output.js';
import {
  cachedProcessCredentials,
  CREDENTIAL_PROCESS_MARGIN_MS,
  credentialProcessLine,
} from '../credential-cache.js';
import { suggestCommand } from '../suggest.js';

/** credential_process never prompts: the AWS CLI captures its stderr, so a prompt would hang where nobody sees it. */
const NO_PROMPT = { noPrompt: true };

async function renew(io: Io, key: string): Promise<ProcessCredentials> {
  const [{ withCore, findRole }, { MfaRequiredError }] = await Promise.all([
    import('../context.js'),
    import('../../core/sessions/assume.js'),
  ]);
  return withCore(
    io,
    async (core) => {
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
    },
    NO_PROMPT,
  );
}

/**
 * What credential-process --identity serves: the identity's long-term key from the keychain, as the plaintext
 * keys it replaces did; with `session`, its short session (GetSessionToken), renewed in the identity's one flight.
 */
async function identityAnswer(
  io: Io,
  key: string,
  options: { session: boolean; mfaCode: string | undefined },
): Promise<ProcessCredentials> {
  const { withCore, findIdentity } = await import('../context.js');
  return withCore(
    io,
    async (core) => {
      const identity = findIdentity(core, key);
      if (!options.session) return credentialProcessAnswer(await core.identityLongTermKey(identity.id));
      const session = await core.identitySession(identity.id, {
        marginMs: CREDENTIAL_PROCESS_MARGIN_MS,
        mfaCode: options.mfaCode,
      });
      return credentialProcessAnswer(session);
    },
    NO_PROMPT,
  );
}

const credentialProcess: Command = {
  spec: {
    name: 'credential-process',
    summary:
      "Prints credentials as credential_process Version 1 JSON: the cached session while it has 10 minutes left, else a new one. A role that needs a new MFA code fails at once (renew it from the tray or with rolebar assume). With --identity, serves the identity's long-term key from the keychain, exactly as plaintext keys in ~/.aws would (no expiry, no MFA). With --identity and --session, serves a short session instead (GetSessionToken, with MFA when the identity has a device): such a session cannot call any IAM API unless made with MFA, nor any STS API but AssumeRole and GetCallerIdentity.",
    synopsis:
      'credential-process ROLE | credential-process --identity IDENTITY [--session [--mfa-code CODE]]',
    options: {
      identity: { type: 'string', value: 'IDENTITY', help: "serve this identity's long-term key" },
      session: {
        type: 'boolean',
        help: "with --identity: serve the identity's short session (GetSessionToken) instead of its key",
      },
      'mfa-code': {
        type: 'string',
        value: 'CODE',
        help: 'with --identity --session: start its MFA session now (credential_process itself never asks)',
      },
    },
    positionals: [0, 1],
    details:
      'In ~/.aws/config (see rolebar setup-profile):\n' +
      '  [profile prod-ro-process]\n' +
      '  credential_process = /usr/bin/node /path/to/out/cli/credential-process.mjs credential-process prod-ro\n' +
      '  [profile alice]\n' +
      '  credential_process = /usr/bin/node /path/to/out/cli/credential-process.mjs credential-process --identity alice',
  },
  run: async (args, io) => {
    const identity = stringOption(args, 'identity');
    const session = flag(args, 'session');
    const mfaCode = stringOption(args, 'mfa-code');
    if (
      (identity === undefined) === (args.positionals[0] === undefined) ||
      (session && !identity) ||
      (mfaCode && !session)
    ) {
      throw new UsageError(
        'credential-process takes either a ROLE or --identity IDENTITY (--session goes with --identity, --mfa-code with --session).',
        'credential-process',
      );
    }
    if (identity !== undefined) {
      io.out(credentialProcessLine(await identityAnswer(io, identity, { session, mfaCode })));
      return 0;
    }
    const key = args.positionals[0] as string;
    const answer = (await cachedProcessCredentials(io.env, key)) ?? (await renew(io, key));
    io.out(credentialProcessLine(answer));
    return 0;
  },
};

/** `credential-process`. */
export const commands: Record<string, Command> = { 'credential-process': credentialProcess };
