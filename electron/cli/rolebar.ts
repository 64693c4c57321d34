// The `rolebar` command line. The entry knows only command names: each command group is imported when it
// runs, so `rolebar credential-process` with a cached session never loads settings validation or the AWS SDK.
import packageJson from '../../package.json' with { type: 'json' };
import { type Command, commandHelp, parseCommand, UsageError } from './args.js';
import { errorLine, exitCodeOf, type Io, processIo } from './output.js';
import { didYouMean } from './suggest.js';

type Loader = () => Promise<{ commands: Record<string, Command> }>;

const info: Loader = () => import('./commands/info.js');
const sessions: Loader = () => import('./commands/session.js');
const iam = () => import('./commands/iam.js');
/** The `role` group: its own commands plus `role discover`, which lives with the other IAM commands. */
const roles: Loader = async () => {
  const [own, found] = await Promise.all([import('./commands/role.js'), iam()]);
  return { commands: { ...own.commands, 'role discover': found.roleDiscover } };
};

/** Every command (groups list their subcommands in their own help), in help order. */
const COMMANDS: Array<[name: string, summary: string, load: Loader]> = [
  ['whoami', 'who a session is: account, ARN, user id', info],
  ['status', 'identities, roles and active sessions with time left', info],
  [
    'identity',
    'add, list, rotate or remove IAM user keys (kept in the keychain)',
    () => import('./commands/identity.js'),
  ],
  ['role', 'add, list, remove or discover roles', roles],
  [
    'keychain',
    'where secrets are kept; unlock, lock or migrate the encrypted keychain file',
    () => import('./commands/keychain.js'),
  ],
  ['sso', 'IAM Identity Center: add, login, logout, roles', () => import('./commands/sso.js')],
  ['assume', 'assume a role (or a chain of roles) and write its profile', sessions],
  ['export', 'print export lines of a role session for a shell or docker', sessions],
  ['unset', 'print the lines that return a shell to your own identity', sessions],
  ['exec', 'run one command with a role session in its environment', sessions],
  [
    'credential-process',
    'credentials for the AWS config `credential_process` setting',
    () => import('./commands/credential-process.js'),
  ],
  [
    'setup-profile',
    'write a credential_process profile into the AWS config file',
    () => import('./commands/setup-profile.js'),
  ],
  ['console', 'open (or print) the AWS console signed in as a role', () => import('./commands/console.js')],
  ['policy', 'print the trust and permission policies that let you assume a role', iam],
  ['revoke', "revoke a role's older sessions (everyone's)", iam],
  ['import', 'import keys and roles from ~/.aws', () => import('./commands/import.js')],
  ['catalog', 'team role catalogs synced from git, a URL or a file', () => import('./commands/catalog.js')],
  ['signout', "end a role's session and remove its profile", sessions],
  [
    'demo',
    'try Rolebar without AWS: a local STS emulator with demo roles',
    () => import('./commands/demo.js'),
  ],
  ['version', "print Rolebar's version", async () => ({ commands: {} })],
  ['help', 'show this help, or a command’s', async () => ({ commands: {} })],
];

const HELP_WORDS = new Set(['--help', '-h']);
const VERSION_WORDS = new Set(['version', '--version', '-V', '-v']);

/** `help` and `version` are handled here, so their own help is written here too. */
const BUILTIN_HELP: Record<string, string> = {
  help: "Usage: rolebar help [COMMAND]\n\nShows the list of commands, or a command's options.",
  version: "Usage: rolebar version\n\nPrints Rolebar's version (also: --version, -V, -v).",
};

const GROUPS = new Set(['identity', 'role', 'catalog', 'sso', 'keychain']);

function usage(): string {
  const width = Math.max(...COMMANDS.map(([name]) => name.length)) + 2;
  return [
    'Usage: rolebar <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    '',
    "Run 'rolebar <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 AWS or user error, 2 usage error.',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const io = processIo(env);
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.err(errorLine(error));
    return exitCodeOf(error);
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [word, ...rest] = argv;
  if (word === undefined) {
    io.err(usage());
    return 2;
  }
  if (word === 'help' || HELP_WORDS.has(word)) {
    // `help --help`, `help help`: the words after `help` name a command; help flags among them add nothing.
    const topic = rest.filter((w) => !HELP_WORDS.has(w));
    if (topic.length === 0) {
      io.out(word === 'help' && rest.length > 0 ? (BUILTIN_HELP.help ?? '') : usage());
      return 0;
    }
    const builtin =
      topic[0] === undefined ? undefined : BUILTIN_HELP[topic[0] === '-V' ? 'version' : topic[0]];
    if (builtin !== undefined && topic.length === 1) {
      io.out(builtin);
      return 0;
    }
    return dispatch([...topic, '--help'], io);
  }
  if (VERSION_WORDS.has(word)) {
    if (rest.length > 0 && rest.every((w) => HELP_WORDS.has(w))) {
      io.out(BUILTIN_HELP.version ?? '');
      return 0;
    }
    if (rest.length > 0) throw new UsageError(`'version' takes no arguments`, 'version');
    io.out(readVersion());
    return 0;
  }
  const entry = COMMANDS.find(([name]) => name === word);
  if (!entry) {
    throw new UsageError(
      `unknown command '${word}'.${didYouMean(
        word,
        COMMANDS.map(([name]) => name),
      )}`,
    );
  }
  const { commands } = await entry[2]();
  let name = word;
  let args = rest;
  if (GROUPS.has(word)) {
    const [sub, ...subArgs] = rest;
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      const list = Object.values(commands).map(
        (c) => `  rolebar ${c.spec.synopsis}\n      ${c.spec.summary}`,
      );
      (sub === undefined ? io.err : io.out)([`Usage: rolebar ${word} <command>`, '', ...list].join('\n'));
      return sub === undefined ? 2 : 0;
    }
    name = `${word} ${sub}`;
    args = subArgs;
  }
  const command = commands[name];
  if (!command) {
    const subs = Object.keys(commands).map((n) => n.slice(word.length + 1));
    throw new UsageError(`unknown command '${name}'.${didYouMean(name.slice(word.length + 1), subs)}`, word);
  }
  try {
    const parsed = parseCommand(command.spec, args);
    if (parsed.help) {
      io.out(commandHelp(command.spec));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    // A usage error points at the help of the command that was typed, not at the list of all commands.
    if (error instanceof UsageError) error.command ??= name;
    throw error;
  }
}

function readVersion(): string {
  // Bundled in at build time: the CLI the packaged app ships (resources/cli) has no package.json above it.
  return packageJson.version;
}

// Output to a closed pipe (`rolebar status | head -1`) ends the program quietly, as SIGPIPE ends other Unix
// tools (Node ignores SIGPIPE, so the write fails instead): exit 141 = 128 + SIGPIPE, which is what shells report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(141);
    throw error;
  });
}
// The user's environment, before the line below: commands (and `exec` children) see only this.
const userEnv = { ...process.env };
// The AWS SDK prints a many-line Node version warning on stderr unless this is exactly 'true'
// (@aws-sdk/core emitWarningIfUnsupportedVersion); the CLI's stderr is for the user's own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const code = await main(process.argv.slice(2), userEnv);
process.exitCode = code;
// Kept sockets are closed by each command; this is a safety net that never delays a normal exit.
setTimeout(() => process.exit(code), 3_000).unref();
