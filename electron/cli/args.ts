// A small argument parser over node:util's parseArgs: one spec per command, usage errors as values.
import { parseArgs } from 'node:util';
import type { Io } from './output.js';
import { closest } from './suggest.js';

/** One option of a command: `--name VALUE` (string) or `--name` (boolean). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in `--help`: what the option does. */
  help: string;
  /** Shown in `--help` after the option name, for strings: `ARN`, `SECONDS`. */
  value?: string;
}

/** What a command accepts and says about itself in `--help`. */
export interface CommandSpec {
  /** `role add`, `assume`: the words the user types. */
  name: string;
  summary: string;
  /** The synopsis after `rolebar `: `assume ROLE [ROLE...] [options]`. */
  synopsis: string;
  options: Record<string, OptionSpec>;
  /** How many positional arguments: [min, max] (max Infinity for "any"). */
  positionals: [number, number];
  /** Extra paragraphs for `--help`: examples, notes. */
  details?: string;
}

/** A parsed command line. `rest` holds what came after `--` (for `exec`). */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
  rest: string[];
  help: boolean;
}

/** A mistake in how the command was typed: exit code 2. */
export class UsageError extends Error {
  /** The command whose help answers the mistake (`assume`, `role add`); unset: the top-level help. */
  command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** Flags that would put a secret into argv (and so into shell history and `ps`): refused by every command. */
const SECRET_FLAGS = /^--(secret-access-key|secret|aws-secret-access-key|session-token)(=|$)/;

/** Parses `argv` (the words after the command name) against `spec`; throws UsageError on a mistake. */
export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  const dashes = argv.indexOf('--');
  const own = dashes >= 0 ? argv.slice(0, dashes) : argv;
  const rest = dashes >= 0 ? argv.slice(dashes + 1) : [];
  const secret = own.find((word) => SECRET_FLAGS.test(word));
  if (secret) {
    throw new UsageError(
      `refusing ${secret.split('=')[0]}: a secret on the command line ends up in your shell history and in the process list. ` +
        'Rolebar reads it from a hidden prompt, or from stdin when stdin is not a terminal (e.g. `pass show aws/alice | rolebar identity add …`)',
    );
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = option.short ? { type: option.type, short: option.short } : { type: option.type };
  }
  const config = {
    args: attachNegativeValues(own, options),
    options,
    allowPositionals: true,
    strict: true,
    tokens: true,
  } as const;
  let parsed: ReturnType<typeof parseArgs<typeof config>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new UsageError(cleanParseError(error) + optionSuggestion(own, Object.keys(options)));
  }
  refuseRepeatedValues(parsed.tokens);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  delete values.help;
  const [min, max] = spec.positionals;
  if (!help && parsed.positionals.length < min) {
    throw new UsageError(`'${spec.name}' needs more arguments: rolebar ${spec.synopsis}`);
  }
  if (!help && parsed.positionals.length > max) {
    throw new UsageError(
      `'${spec.name}' got an unexpected argument '${parsed.positionals[max] ?? ''}': rolebar ${spec.synopsis}`,
    );
  }
  return { positionals: parsed.positionals, options: values, rest, help };
}

/** The `--help` text of a command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`Usage: rolebar ${spec.synopsis}`, '', spec.summary];
  const entries = Object.entries(spec.options);
  if (entries.length > 0) {
    lines.push('', 'Options:');
    const shown = entries.map(([name, o]) => [
      `  ${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
      o.help,
    ]);
    shown.push(['  -h, --help', 'show this help']);
    const width = Math.max(...shown.map(([left]) => (left ?? '').length)) + 2;
    for (const [left, text] of shown) lines.push(`${(left ?? '').padEnd(width)}${text ?? ''}`);
  }
  if (spec.details) lines.push('', spec.details);
  return lines.join('\n');
}

/** A string option's value, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A boolean option's value. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

/** A whole number of seconds from an option, or a UsageError. */
export function integerOption(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} takes a whole number, not '${raw}'`);
  return Number(raw);
}

/** `. Did you mean '--mfa-code'?` for the first unknown `--option` in `words`, or ''. */
function optionSuggestion(words: string[], known: string[]): string {
  const unknown = words
    .filter((w) => w.startsWith('--') && w.length > 2)
    .map((w) => w.slice(2).split('=')[0] ?? '')
    .find((name) => !known.includes(name));
  if (unknown === undefined) return '';
  const match = closest(unknown, known);
  return match === undefined ? '' : `. Did you mean '--${match}'?`;
}

/**
 * Joins `--name -1` into `--name=-1` for string options, so a negative number reaches the option's own check
 * ("takes a whole number, not '-1'") instead of parseArgs's three-line advice about dashes.
 */
function attachNegativeValues(
  words: readonly string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    const name = word.startsWith('--') ? word.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${word}=${next}`);
      i++;
    } else out.push(word);
  }
  return out;
}

/** A value option given twice is refused: silently keeping the last one hides a typo or a pasted duplicate. */
function refuseRepeatedValues(
  tokens: ReadonlyArray<{ kind: string; name?: string; value?: string | undefined }>,
): void {
  const seen = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined || token.value === undefined) continue;
    const earlier = seen.get(token.name);
    if (earlier !== undefined)
      throw new UsageError(
        `--${token.name} was given twice ('${earlier}' and '${token.value}'); give it once`,
      );
    seen.set(token.name, token.value);
  }
}

function cleanParseError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // parseArgs adds advice about '--' that does not fit our commands; keep its first sentence, on one line.
  const first = text.split('\n')[0] ?? text;
  return (first.split('. ')[0] ?? first).replace(/\.$/, '');
}

/** A runnable command: its spec and what it does. Resolves to the exit code. */
export interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** A string option the command cannot do without, or a UsageError naming it. */
export function requiredOption(args: ParsedArgs, name: string, command: string): string {
  const value = stringOption(args, name);
  if (value === undefined) throw new UsageError(`'${command}' needs --${name}`);
  return value;
}
