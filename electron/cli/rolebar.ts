// The `rolebar` command line. The entry knows only command names: each command group is imported when it
// runs, so `rolebar credential-process` with a cached session never loads settings validation or the AWS SDK.
import packageJson from '../../package.json' with { type: 'json' };
import { commandHelp, parseCommand, UsageError } from './args.js';
import { errorLine, exitCodeOf, type Io, processIo } from './output.js';
import { COMMANDS, GROUPS } from './command-table.js';
import { didYouMean } from './suggest.js';

const HELP_WORDS = new Set(['--help', '-h']);
const VERSION_WORDS = new Set(['version', '--version', '-V', '-v']);

/** `help` and `version` are handled here, so their own help is written here too. */
const BUILTIN_HELP: Record<string, string> = {
  help: "Usage: rolebar help [COMMAND]\n\nShows the list of commands, or a command's options.",
  version: "Usage: rolebar version\n\nPrints Rolebar's version (also: --version, -V, -v).",
};

function usage(): string {
  const width = Math.max(...COMMANDS.map(([name]) => name.length)) + 2;
  return [
    'Usage: rolebar <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.filter(([name]) => !name.startsWith('_')).map(
      ([name, summary]) => `  ${name.padEnd(width)}${summary}`,
    ),
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

/** Options that may come before the command (as in git): moved to the command's own options. */
const GLOBAL_OPTIONS = new Set(['--json']);

/**
 * `rolebar --json status` → `rolebar status --json`: leading global options go after the command (and its
 * subcommand), before a `--`. A leading option that is not global is an unknown option, not an unknown command.
 */
function moveGlobalOptions(argv: string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length && GLOBAL_OPTIONS.has(argv[i] ?? ''); i++) globals.push(argv[i] ?? '');
  const [word, ...rest] = argv.slice(i);
  if (word !== undefined && word.startsWith('-') && !HELP_WORDS.has(word) && !VERSION_WORDS.has(word)) {
    const known = [...GLOBAL_OPTIONS, ...HELP_WORDS, ...VERSION_WORDS].filter((w) => w.startsWith('-'));
    const hint = word.startsWith('--') ? didYouMean(word, known) : '';
    throw new UsageError(`unknown option '${word}'.${hint}`);
  }
  if (word === undefined) return [];
  // `rolebar --json --help`: help and version have no JSON form; the global options are dropped.
  if (HELP_WORDS.has(word) || VERSION_WORDS.has(word)) return [word, ...rest];
  const dashes = rest.indexOf('--');
  const end = dashes >= 0 ? dashes : rest.length;
  return [word, ...rest.slice(0, end), ...globals, ...rest.slice(end)];
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [word, ...rest] = moveGlobalOptions(argv);
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
        COMMANDS.map(([name]) => name).filter((name) => !name.startsWith('_')),
      )}`,
    );
  }
  const { commands } = await entry[2](GROUPS.has(word) ? rest[0] : undefined);
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
