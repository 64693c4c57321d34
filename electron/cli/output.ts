// Output helpers: colour only on a terminal (never with NO_COLOR), one-line errors, tables, a spinner.
import { isatty } from 'node:tty';
import { UsageError } from './args.js';
import { printable } from '../core/domain/printable.js';

/** Where a command writes: injected so the streams and the environment are explicit. */
export interface Io {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal and colour is allowed. */
  colourOut: boolean;
  /** True when stderr is a terminal and colour is allowed. */
  colourErr: boolean;
  /** True when stdin is a terminal (prompts are allowed). */
  interactive: boolean;
}

/** The process's own streams. */
export function processIo(env: NodeJS.ProcessEnv = process.env): Io {
  const colourAllowed = env.NO_COLOR === undefined && env.TERM !== 'dumb';
  return {
    env,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    colourOut: colourAllowed && process.stdout.isTTY === true,
    colourErr: colourAllowed && process.stderr.isTTY === true,
    // isatty, not process.stdin.isTTY: that getter opens a stream on stdin, which costs a cold start ~5 ms.
    interactive: isatty(0),
  };
}

const CODES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] } as const;

/** Wraps `text` in an ANSI style when `on`. */
export function paint(on: boolean, style: keyof typeof CODES, text: string): string {
  const [open, close] = CODES[style];
  return on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
}

/** The exit code for a failure: 2 for a usage error, 1 for everything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? 2 : 1;
}

/**
 * One line on stderr for a failure: `rolebar: <message> <hint>`. Expected errors (ours, usage) keep their text;
 * anything else shows only its class, since foreign messages may quote request parameters.
 */
export function errorLine(error: unknown): string {
  if (error instanceof UsageError) {
    const help = error.command ? `rolebar ${error.command} --help` : 'rolebar help';
    const text = /[.?!]$/.test(error.message) ? error.message : `${error.message}.`;
    return `rolebar: ${text} Run '${help}'.`;
  }
  if (isRolebarLike(error)) return `rolebar: ${oneLine(error.toUserString())}`;
  const name = error instanceof Error ? error.name : typeof error;
  const debug = process.env.ROLEBAR_DEBUG ? ` ${error instanceof Error ? error.stack : ''}` : '';
  return `rolebar: unexpected ${name}. Set ROLEBAR_DEBUG=1 for details.${debug}`;
}

/** Duck-typed so that errors from either copy of the core (fast path, full core) are recognised. */
function isRolebarLike(error: unknown): error is { toUserString(): string; code: string } {
  return (
    error instanceof Error &&
    typeof (error as { toUserString?: unknown }).toUserString === 'function' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

function oneLine(text: string): string {
  return printable(text.replace(/\s*\n\s*/g, ' ')).trim();
}

/** A plain table: a header row and aligned columns (two spaces apart). */
export function table(header: string[], rows: string[][]): string {
  // Plain loops (a `role list` of 5,000 catalog roles runs this once, uncompiled): not Math.max(...column), whose
  // 100,000 rows spread as arguments overflow the stack, and no array per line.
  const widths = header.map((h) => h.length);
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const length = (row[i] ?? '').length;
      if (length > (widths[i] ?? 0)) widths[i] = length;
    }
  }
  const line = (cells: string[]): string => {
    let text = '';
    for (let i = 0; i < cells.length - 1; i++) text += `${(cells[i] ?? '').padEnd(widths[i] ?? 0)}  `;
    return (text + (cells[cells.length - 1] ?? '')).trimEnd();
  };
  let out = line(header);
  for (const row of rows) out += `\n${line(row)}`;
  return out;
}

/** Prints `value` as indented JSON. */
export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/**
 * Runs `work` with a spinner on stderr when it is a terminal (network calls only); otherwise just runs it.
 * The spinner never delays the result and is cleared before anything else is printed.
 */
export async function withSpinner<T>(io: Io, label: string, work: () => Promise<T>): Promise<T> {
  if (!io.colourErr) return work();
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const draw = () => process.stderr.write(`\r${frames[frame++ % frames.length] ?? ''} ${label}`);
  const timer = setInterval(draw, 80);
  timer.unref();
  draw();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    process.stderr.write(`\r\u001b[2K`);
  }
}
