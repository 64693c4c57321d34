// `rolebar setup-profile ROLE`: writes `credential_process = … credential-process ROLE` into the AWS config
// file, so every AWS tool gets fresh credentials for the role by itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProfile, writeConfigProfile } from '../../core/aws-files/index.js';
import {
  ENTRY_FILE,
  identityProcessCommand,
  type RolebarEntry,
  roleProcessCommand,
} from '../../core/features/outputs/credential-process-command.js';
import { RolebarError } from '../../core/domain/errors.js';
import { checkProfileName, profileNameOf } from '../../core/domain/model.js';
import { profileNameFromLabel } from '../../core/domain/fields.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import { awsLocation, findIdentity, findRole, withCore } from '../context.js';

/**
 * Where this CLI is, for credential_process lines (the one rule: core/credential-process-command.ts): this Node
 * binary and the small entry beside this bundle, both absolute. Re-run setup-profile after moving Rolebar or Node.
 */
export function thisRolebar(): RolebarEntry {
  return {
    node: process.execPath,
    entry: path.join(path.dirname(fileURLToPath(import.meta.url)), ENTRY_FILE),
  };
}

const setupProfile: Command = {
  spec: {
    name: 'setup-profile',
    summary:
      "Writes a profile into the AWS config file whose credential_process is rolebar credential-process ROLE: every AWS tool then gets credentials for the role by itself, renewed when needed. With --identity, the profile serves the identity's long-term key from the keychain, doing all its keys can do. With --identity and --session, it serves a short session (GetSessionToken, with MFA when the identity has a device) instead: such a session cannot call any IAM API unless made with MFA, nor any STS API but AssumeRole and GetCallerIdentity.",
    synopsis: 'setup-profile ROLE | --identity IDENTITY [--session] [--profile PROFILE] [--force]',
    options: {
      profile: {
        type: 'string',
        value: 'PROFILE',
        help: 'the profile to write (default rolebar-ROLEPROFILE, or rolebar-IDENTITY)',
      },
      identity: {
        type: 'string',
        value: 'IDENTITY',
        help: "serve this identity's long-term key instead of a role",
      },
      session: {
        type: 'boolean',
        help: "with --identity: serve the identity's short session (GetSessionToken), not its key",
      },
      force: { type: 'boolean', help: 'take over a config section Rolebar did not write (a backup is kept)' },
    },
    positionals: [0, 1],
    details:
      'Example:\n' +
      '  rolebar setup-profile prod-ro\n' +
      '  aws s3 ls --profile rolebar-prod-ro\n' +
      '  rolebar setup-profile --identity alice --profile alice\n' +
      '  rolebar setup-profile --identity alice --session --profile alice-session',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const identityKey = stringOption(args, 'identity');
      const roleKey = args.positionals[0];
      const session = flag(args, 'session');
      if ((identityKey === undefined) === (roleKey === undefined) || (session && identityKey === undefined))
        throw new UsageError(
          'setup-profile takes either a ROLE or --identity IDENTITY (--session goes with --identity).',
          'setup-profile',
        );
      const role = roleKey === undefined ? undefined : findRole(core, roleKey);
      const identity = role ? core.roles.chain(role.id).identity : findIdentity(core, identityKey ?? '');
      // Checked before anything is read or written: the writer applies the same rule.
      const profile = checkProfileName(
        stringOption(args, 'profile') ??
          (role ? setupProfileName(role) : `rolebar-${profileNameFromLabel(identity.name)}`),
      );
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
      const region = role?.region ?? identity.region;
      const command = role
        ? roleProcessCommand(role.label, thisRolebar())
        : identityProcessCommand(identity.name, thisRolebar(), { session });
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
