// `rolebar assume|export|unset|exec`: start a session, hand it to a shell, docker or one command.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { RolebarError } from '../../core/domain/errors.js';
import { profileNameOf, type Role } from '../../core/domain/model.js';
import {
  isSnippetFormat,
  isUnsetFormat,
  SNIPPET_FORMAT_IDS,
  type SnippetFormat,
} from '../../core/domain/snippet-formats.js';
import { exportSnippet, unsetSnippet } from '../../core/features/outputs/snippets.js';
import { preloadSts } from '../../core/aws/sts/client.js';
import { type Command, flag, stringOption, UsageError } from '../args.js';
import { chooseRoles } from '../choose-role.js';
import { assumeWithMfa, describeExpiry, findRole, liveSession, withCore } from '../context.js';
import { withEndpoint } from '../exec-server.js';
import { forget, resolveChain } from '../hops.js';
import type { RolebarCore } from '../../core/index.js';
import { errorLine, paint, printJson } from '../output.js';
import { closest, suggestCommand } from '../suggest.js';
import { sourceOf } from './role.js';

const mfaOptions = {
  'mfa-code': { type: 'string', value: 'CODE', help: 'the current 6-digit MFA code, when one is needed' },
  force: { type: 'boolean', help: 'overwrite a profile section Rolebar did not write (a backup is kept)' },
} as const;

/** Sessions handed out by export/exec are renewed when they have less than this left. */
const EXPORT_MARGIN_MS = 5 * 60_000;

/** The snippet formats, plus `zsh`, which reads bash's export lines as they are. */
const FORMATS = ['bash', 'zsh', ...SNIPPET_FORMAT_IDS.filter((id) => id !== 'bash')];

function formatOf(value: string | undefined): SnippetFormat {
  const format = value === 'zsh' ? 'bash' : (value ?? 'bash');
  if (!isSnippetFormat(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not '${format}'`);
  }
  return format;
}

const assume: Command = {
  spec: {
    name: 'assume',
    summary:
      "Assumes a role and writes its session as the role's profile in ~/.aws/credentials. Several roles make a chain, each assumed from the one before; a role ARN or name you have not added becomes a saved role assumed from the previous hop (or from --source, default your only identity).",
    synopsis: 'assume [ROLE...] [--mfa-code CODE] [--force] [--source IDENTITY] [--json]',
    options: {
      ...mfaOptions,
      source: {
        type: 'string',
        value: 'IDENTITY',
        help: 'the identity (or role) an ad-hoc first hop is assumed from',
      },
      json: { type: 'boolean', help: 'print the session (no secrets) as JSON' },
    },
    positionals: [0, Infinity],
    details:
      'With no ROLE on a terminal, a picker lists your roles: type to filter by label, account or profile name.\n' +
      'A word that matches several roles lists them (on a terminal: the picker, filtered by it).\n\n' +
      'Examples:\n' +
      '  rolebar assume\n' +
      '  rolebar assume prod-ro\n' +
      '  rolebar assume ec2-worker                       # a role name in your account\n' +
      '  rolebar assume prod-ro arn:aws:iam::222222222222:role/deployer arn:aws:iam::333333333333:role/auditor\n' +
      '  rolebar assume admin --mfa-code 123456',
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const sourceName = stringOption(args, 'source');
      const source = sourceName === undefined ? undefined : sourceOf(core, sourceName);
      const words = await chooseRoles(core, io, args.positionals);
      refuseNearMisses(core, words);
      const { role, created } = resolveChain(core, words, source);
      for (const hop of created) {
        // Say so before AWS is asked: a word that is not a saved role goes to AWS as it was typed.
        io.err(
          `rolebar: "${hop.roleArn ?? hop.roleName ?? hop.label}" is not one of your roles: assuming it as ${hop.roleArn ? 'an ARN' : 'a role name in the account it is assumed from'}.`,
        );
      }
      preloadSts(); // loads the SDK while the keychain read waits on its helper process, not after it
      let outcome;
      try {
        outcome = await assumeWithMfa(core, io, role, {
          mfaCode: stringOption(args, 'mfa-code'),
          force: flag(args, 'force'),
        });
      } catch (error) {
        forget(core, created);
        if (created.length > 0 && error instanceof RolebarError) {
          throw new RolebarError(error.code, error.message, {
            hint: `${error.hint ?? ''} (Not one of your roles, "${created.map((r) => r.roleArn ?? r.roleName).join('", "')}" was tried as given; 'rolebar role list' shows yours.)`.trim(),
          });
        }
        throw error;
      }
      const { session } = outcome;
      // Kept only now that AWS said yes: a typo is never left behind as a role.
      for (const hop of created)
        io.err(
          `rolebar: saved "${hop.roleArn ?? hop.roleName}" as your role "${hop.label}" ('rolebar role rm ${hop.label}' removes it).`,
        );
      if (flag(args, 'json')) printJson(io, { ...session, role: role.label });
      else {
        io.out(
          `${paint(io.colourOut, 'green', '✔')} ${session.principalArn} → profile ${paint(io.colourOut, 'bold', session.profileName)}, until ${describeExpiry(session.expiration, session.clockOffsetMs)}`,
        );
      }
      return 0;
    }),
};

/** How each shell removes AWS_PROFILE; env files and credential_process answers do not run in the shell. */
const REMOVE_PROFILE: Partial<Record<SnippetFormat, string>> = {
  bash: 'unset AWS_PROFILE',
  fish: 'set -e AWS_PROFILE',
  powershell: 'Remove-Item Env:AWS_PROFILE',
  cmd: 'set "AWS_PROFILE="',
};

const exportCommand: Command = {
  spec: {
    name: 'export',
    summary:
      "Prints the export lines of a role's live session (assuming it first when it has none or it ends within 5 minutes).",
    synopsis: `export ROLE [--format ${FORMATS.join('|')}] [--mfa-code CODE] [--force]`,
    options: {
      format: { type: 'string', value: 'FORMAT', help: `one of ${FORMATS.join(', ')} (default bash)` },
      ...mfaOptions,
    },
    positionals: [1, 1],
    details:
      'Examples:\n' +
      '  eval "$(rolebar export prod-ro)"\n' +
      '  rolebar export prod-ro --format fish | source\n' +
      '  docker run --env-file <(rolebar export prod-ro --format dotenv) amazon/aws-cli sts get-caller-identity',
  },
  run: (args, io) => {
    const format = formatOf(stringOption(args, 'format'));
    return withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      const live = await liveSession(core, io, role, choiceOf(args), EXPORT_MARGIN_MS);
      io.out(exportSnippet(format, { credentials: live.credentials, region: live.session.region }));
      const profile = io.env.AWS_PROFILE;
      const removeProfile = REMOVE_PROFILE[format];
      if (profile && removeProfile) {
        // The SDK for JavaScript v3 skips AWS_ACCESS_KEY_ID & co. while AWS_PROFILE is set.
        io.err(
          `rolebar: warning: AWS_PROFILE is set (${JSON.stringify(profile)}) in this shell, so some AWS tools (the AWS SDK for JavaScript v3) use that profile instead of these keys. Remove it (${removeProfile}) to use ${role.label}.`,
        );
      }
      return 0;
    });
  },
};

const unset: Command = {
  spec: {
    name: 'unset',
    summary: 'Prints the lines that remove the exported session from a shell.',
    synopsis: `unset [--format ${FORMATS.filter((id) => id === 'zsh' || isUnsetFormat(id)).join('|')}]`,
    options: { format: { type: 'string', value: 'FORMAT', help: 'the shell (default bash)' } },
    positionals: [0, 0],
    details: 'Example:\n  eval "$(rolebar unset)"',
  },
  run: async (args, io) => {
    const format = formatOf(stringOption(args, 'format'));
    if (!isUnsetFormat(format)) throw new UsageError(`'unset' has no ${format} format`);
    io.out(unsetSnippet(format));
    return 0;
  },
};

/** The child's environment: the session's keys, with AWS_PROFILE removed so that SDKs use the keys. */
function childEnv(
  base: NodeJS.ProcessEnv,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date },
  region: string | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_SECURITY_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
  ]) {
    delete env[name];
  }
  env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  env.AWS_SESSION_TOKEN = credentials.sessionToken;
  env.AWS_CREDENTIAL_EXPIRATION = credentials.expiration.toISOString();
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return env;
}

const exec: Command = {
  spec: {
    name: 'exec',
    summary:
      "Runs one command with a role's session in its environment (AWS_ACCESS_KEY_ID, …; AWS_PROFILE removed; with --server, a local endpoint that keeps renewing it instead). Its exit code is passed through; a signal gives 128+n, a command that is not found 127, one that cannot be run 126.",
    synopsis: 'exec ROLE [--server] [--mfa-code CODE] [--force] [-- COMMAND [ARGS...]]',
    options: {
      server: {
        type: 'boolean',
        help: 'serve the session from a local endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI) that renews it, instead of static keys: for long-running programs',
      },
      ...mfaOptions,
    },
    positionals: [1, 1],
    details:
      'With no COMMAND, starts your $SHELL with the session (ROLEBAR_ROLE names the role); `exit` returns.\n\n' +
      'Examples:\n' +
      '  rolebar exec prod-ro                           # a shell as prod-ro\n' +
      '  rolebar exec prod-ro -- aws s3 ls\n' +
      '  rolebar exec prod-ro -- terraform plan\n' +
      '  rolebar exec prod-ro --server -- npm run dev     # keeps working after the session is renewed',
  },
  run: async (args, io) => {
    const [command = shellOf(io), ...commandArgs] = args.rest;
    const started = (role: Role, session: { expiration: string; clockOffsetMs: number }) => {
      if (args.rest.length > 0) return;
      // aws-vault's habit: `exec ROLE` alone is a shell with the role, and it says so.
      io.err(
        `rolebar: starting ${command} with ${role.label}'s session (until ${describeExpiry(session.expiration, session.clockOffsetMs)}); type 'exit' to return.`,
      );
    };
    if (flag(args, 'server')) {
      return withCore(io, async (core) => {
        const role = findRole(core, args.positionals[0] as string);
        const live = await liveSession(core, io, role, choiceOf(args), EXPORT_MARGIN_MS);
        started(role, live.session);
        return withEndpoint(core, io, role, choiceOf(args), live.session.region, (env) =>
          runChild(io, command, commandArgs, { ...env, ROLEBAR_ROLE: role.label }, profileNameOf(role)),
        );
      });
    }
    const { credentials, region, role } = await withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      const live = await liveSession(core, io, role, choiceOf(args), EXPORT_MARGIN_MS);
      started(role, live.session);
      return { credentials: live.credentials, region: live.session.region, role };
    });
    const env = { ...childEnv(io.env, credentials, region), ROLEBAR_ROLE: role.label };
    return runChild(io, command, commandArgs, env, profileNameOf(role));
  },
};

/** The user's login shell: $SHELL, else /bin/sh. */
function shellOf(io: Parameters<Command['run']>[1]): string {
  return io.env.SHELL || '/bin/sh';
}

/** Runs the command and passes on how it ended: its exit code, 128+n for a signal, 127/126 when it cannot run. */
async function runChild(
  io: Parameters<Command['run']>[1],
  command: string,
  commandArgs: string[],
  env: NodeJS.ProcessEnv,
  label: string,
): Promise<number> {
  const child = spawn(command, commandArgs, { stdio: 'inherit', env });
  // The terminal sends Ctrl-C to the whole process group: let the child decide, and report what it did.
  const ignore = () => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  try {
    return await new Promise<number>((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        io.err(
          errorLine(
            new RolebarError(
              'exec-failed',
              `Could not run "${command}" as ${label}: ${missing ? 'command not found' : (error.code ?? error.name)}.`,
              { hint: missing ? 'Check the command name and your PATH.' : 'Check that it is executable.' },
            ),
          ),
        );
        // The shell's convention: 127 for a command that is not found, 126 for one that cannot be run.
        resolve(missing ? 127 : 126);
      });
      child.on('exit', (code, signal) =>
        resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)),
      );
    });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
  }
}

/** Refuses a word that is not a saved role but is one typo away from one, before anything reaches AWS. */
function refuseNearMisses(core: RolebarCore, words: string[]): void {
  const names = core.roles.list().flatMap((r) => [r.label, profileNameOf(r)]);
  for (const word of words) {
    if (word.startsWith('arn:') || core.roles.find(word)) continue;
    const match = closest(word, names);
    if (match === undefined) continue;
    throw new RolebarError('role-not-found', `No role "${word}"; nothing was sent to AWS.`, {
      hint: `Did you mean "${match}" (\`${suggestCommand('assume', match)}\`)? To assume a role named "${word}" in your account, add it first: \`${suggestCommand('role', 'add', word, '--role-name', word, '--source', 'IDENTITY')}\`.`,
    });
  }
}

const signout: Command = {
  spec: {
    name: 'signout',
    summary:
      "Ends Rolebar's use of a role's session: forgets its credentials and removes its profile from the AWS files (if Rolebar wrote it). The session itself stays valid on AWS until it expires; 'rolebar revoke' ends it there.",
    synopsis: 'signout ROLE',
    options: {},
    positionals: [1, 1],
  },
  run: (args, io) =>
    withCore(io, async (core) => {
      const role = findRole(core, args.positionals[0] as string);
      if (!core.sessions.get(role.id)) {
        io.out(`"${role.label}" has no session; nothing to sign out.`);
        return 0;
      }
      const { removed } = await core.signOut(role.id);
      io.out(`Signed out of "${role.label}"${removed ? ` (profile ${profileNameOf(role)} removed)` : ''}.`);
      return 0;
    }),
};

function choiceOf(args: Parameters<Command['run']>[0]) {
  return { mfaCode: stringOption(args, 'mfa-code'), force: flag(args, 'force') };
}

/** `assume`, `export`, `unset`, `exec`. */
export const commands: Record<string, Command> = {
  assume,
  export: exportCommand,
  unset,
  exec,
  signout,
};
