// `rolebar setup-profile ROLE`: writes `credential_process = … credential-process ROLE` into the AWS config
// file, so every AWS tool gets fresh credentials for the role by itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProfile, writeConfigProfile } from '../../core/aws-files/index.js';
import { RolebarError } from '../../core/errors.js';
import { checkProfileName, profileNameOf } from '../../core/model.js';
import { type Command, flag, stringOption } from '../args.js';
import { awsLocation, findRole, withCore } from '../context.js';

/**
 * Quotes one word for botocore's split of `credential_process`: POSIX shlex (single quotes) everywhere but
 * Windows, where botocore follows the MSVC rules (double quotes, backslashes before a quote doubled).
 */
export function quoteForCredentialProcess(
  word: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (platform === 'win32') {
    const escaped = word.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1');
    return `"${escaped}"`;
  }
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/**
 * The command line for credential_process: this Node binary and the small credential-process entry beside this
 * bundle (out/cli/credential-process.mjs: a cached answer without loading the full CLI) by absolute path, so it
 * works from any PATH (GUI apps, IDEs, cron) and with whichever Node version manager is active. Re-run
 * setup-profile after moving Rolebar or Node.
 */
export function credentialProcessCommand(
  roleKey: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'credential-process.mjs');
  return [process.execPath, script, 'credential-process', roleKey]
    .map((word) => quoteForCredentialProcess(word, platform))
    .join(' ');
}

const setupProfile: Command = {
  spec: {
    name: 'setup-profile',
    summary:
      'Writes a profile into the AWS config file whose credential_process is rolebar credential-process ROLE: every AWS tool then gets credentials for the role by itself, renewed when needed.',
    synopsis: 'setup-profile ROLE [--profile PROFILE] [--force]',
    options: {
      profile: {
        type: 'string',
        value: 'PROFILE',
        help: 'the profile to write (default rolebar-ROLEPROFILE)',
      },
      force: { type: 'boolean', help: 'take over a config section Rolebar did not write (a backup is kept)' },
    },
    positionals: [1, 1],
    details: 'Example:\n' + '  rolebar setup-profile prod-ro\n' + '  aws s3 ls --profile rolebar-prod-ro',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      // Checked before anything is read or written: the writer applies the same rule.
      const profile = checkProfileName(stringOption(args, 'profile') ?? setupProfileName(role));
      const location = awsLocation(io);
      const existing = await readProfile(profile, location);
      if (existing?.inCredentials) {
        // botocore reads the credentials file before credential_process: keys there would win.
        throw new RolebarError(
          'profile-shadowed',
          `Profile "${profile}" has keys in the credentials file, which the AWS tools use before credential_process.`,
          { hint: 'Choose another name with --profile.' },
        );
      }
      const identity = core.roles.chain(role.id).identity;
      const region = role.region ?? identity.region;
      const command = credentialProcessCommand(role.label);
      const written = await writeConfigProfile(
        profile,
        { credential_process: command, ...(region ? { region } : {}) },
        { ...location, force: flag(args, 'force') },
      );
      for (const warning of written.warnings) io.err(`rolebar: ${warning}`);
      io.out(`Wrote [profile ${profile}] to ${written.configFile}:\n  credential_process = ${command}`);
      io.out(`Try it: aws sts get-caller-identity --profile ${profile}`);
      return 0;
    }),
};

/** The profile setup-profile writes for a role unless given --profile; `role rm` removes it again. */
export function setupProfileName(role: Parameters<typeof profileNameOf>[0]): string {
  return `rolebar-${profileNameOf(role)}`;
}

/** `setup-profile`. */
export const commands: Record<string, Command> = { 'setup-profile': setupProfile };
