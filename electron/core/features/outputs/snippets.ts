// Export snippets: turn a session's credentials into text a user pastes into a shell (or saves as
// a file) so command-line tools use the assumed role, plus the matching "unset" text that returns
// the shell to the user's own identity.
//
// Every format quotes values so that the variable ends up holding exactly the input string,
// whatever characters it contains. Where a format cannot represent a value exactly we throw a
// SnippetError instead of emitting text that would silently mean something else.

import { quoteBash, quoteFish, quotePowerShell } from '../../domain/shell-quote.js';
import { isSnippetFormat, type SnippetFormat } from '../../domain/snippet-formats.js';
import { ownValueLines, restoreLines, saveLines } from './snippet-restore.js';

export {
  isSnippetFormat,
  SNIPPET_FORMATS,
  type SnippetFormat,
  type SnippetFormatInfo,
} from '../../domain/snippet-formats.js';

/** Credentials of one session, as held by the app. */
export interface SnippetCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Absent (or empty) for long-term keys. */
  sessionToken?: string | undefined;
  /** A Date or an ISO 8601 string; absent (or empty) when the credentials do not expire. */
  expiration?: Date | string | undefined;
}

/** What a snippet is made from: the credentials and, optionally, the region to use. */
export interface SnippetSession {
  credentials: SnippetCredentials;
  /** Absent (or empty) leaves the shell's own region settings alone. */
  region?: string | undefined;
}

/** One environment variable a snippet sets. */
export interface SnippetVariable {
  readonly name: SnippetVariableName;
  readonly value: string;
}

/**
 * Every variable any snippet may set, in output order. Unset snippets remove exactly these and
 * nothing else; in particular AWS_PROFILE / AWS_CONFIG_FILE are the user's own settings and are
 * left alone (note: the AWS SDK for JavaScript v3 ignores AWS_ACCESS_KEY_ID & co. while AWS_PROFILE
 * is set; that is for the user to resolve, not for a snippet to silently change).
 */
export const SNIPPET_VARIABLE_NAMES = Object.freeze([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
] as const);

/** Name of a variable that snippets set. */
export type SnippetVariableName = (typeof SNIPPET_VARIABLE_NAMES)[number];

/** Why a snippet could not be produced. */
export type SnippetErrorCode =
  | 'unknown-format'
  | 'missing-field'
  | 'invalid-expiration'
  | 'invalid-name'
  | 'unrepresentable-value'
  | 'not-applicable';

/**
 * Thrown when a snippet cannot be produced exactly. `code` is stable for programmatic use; the
 * message never contains the offending value (it may be a secret), only the variable name.
 */
export class SnippetError extends Error {
  override readonly name = 'SnippetError';
  readonly code: SnippetErrorCode;
  readonly format: string;
  readonly variable: string | undefined;

  constructor(code: SnippetErrorCode, format: string, message: string, variable?: string) {
    super(message);
    this.code = code;
    this.format = format;
    this.variable = variable;
  }
}

/**
 * The variables a snippet for `session` sets, in SNIPPET_VARIABLE_NAMES order: the two keys always,
 * AWS_SESSION_TOKEN when a token is given, AWS_CREDENTIAL_EXPIRATION (ISO 8601 UTC) when an
 * expiration is given, AWS_REGION and AWS_DEFAULT_REGION when a region is given.
 * Throws SnippetError `missing-field` for empty keys and `invalid-expiration` for an unparsable
 * expiration. Values are not checked against any format here (see exportSnippet).
 */
export function snippetVariables(session: SnippetSession): readonly SnippetVariable[] {
  const { credentials, region } = session;
  const vars: SnippetVariable[] = [];
  if (!credentials.accessKeyId) {
    throw new SnippetError('missing-field', '', 'The access key id is empty.', 'AWS_ACCESS_KEY_ID');
  }
  if (!credentials.secretAccessKey) {
    throw new SnippetError('missing-field', '', 'The secret access key is empty.', 'AWS_SECRET_ACCESS_KEY');
  }
  vars.push({ name: 'AWS_ACCESS_KEY_ID', value: credentials.accessKeyId });
  vars.push({ name: 'AWS_SECRET_ACCESS_KEY', value: credentials.secretAccessKey });
  // Empty optional fields count as absent: the SDKs treat an empty variable like a missing one,
  // and cmd cannot even hold an empty variable (`set "K="` deletes it).
  if (credentials.sessionToken) vars.push({ name: 'AWS_SESSION_TOKEN', value: credentials.sessionToken });
  const expiration = isoExpiration(credentials.expiration);
  if (expiration !== undefined) vars.push({ name: 'AWS_CREDENTIAL_EXPIRATION', value: expiration });
  if (region) {
    // Both: AWS_REGION is read by the SDKs, AWS_DEFAULT_REGION by the AWS CLI (and older SDKs).
    vars.push({ name: 'AWS_REGION', value: region });
    vars.push({ name: 'AWS_DEFAULT_REGION', value: region });
  }
  return vars;
}

/**
 * The snippet that makes a shell (or a process reading the file) use `session`'s credentials.
 * Output is '\n'-separated lines ending with '\n' (for `json`, one pretty-printed object).
 *
 * - bash / zsh (and POSIX sh), fish, PowerShell, cmd: first, on the first export in a shell, the values the
 *   user had are saved for unsetSnippet (see snippet-restore.ts). Then bash: `export K='v'`; fish: `set -gx K 'v'`; PowerShell: `$Env:K = 'v'`;
 *   cmd: `set "K=v"`. For these, a variable the snippet does not set but that would otherwise pair
 *   stale values with the new keys (AWS_SESSION_TOKEN for long-term keys, AWS_CREDENTIAL_EXPIRATION
 *   without an expiration) is removed; a session without a region gives the user's own region back (saved by the
 *   first export), never an earlier export's.
 * - dotenv: `K=v` lines with the value taken literally, as `docker run --env-file` reads them (no
 *   quotes, no escapes). Other dotenv readers (docker compose `env_file`, `node --env-file`,
 *   python-dotenv) give quotes, `#` and `$` special meaning, so values containing those are only
 *   guaranteed to round-trip through docker's reader.
 * - json: the `credential_process` output object; optional fields are omitted when absent.
 *
 * Throws SnippetError: `unknown-format`; `missing-field` / `invalid-expiration` (see
 * snippetVariables); `unrepresentable-value` when a value contains NUL or a lone UTF-16 surrogate
 * (no environment can hold them), CR or LF in dotenv / cmd (line-based), dotenv lines of 64 KiB
 * or more (docker's limit), and `"`, `%` or `!` in cmd (see quoteCmdCheck).
 */
export function exportSnippet(format: SnippetFormat, session: SnippetSession): string {
  assertFormat(format);
  const vars = snippetVariables(session);
  if (format === 'json') return `${JSON.stringify(credentialProcessAnswer(session.credentials), null, 2)}\n`;

  for (const v of vars) checkValue(format, v.name, v.value);
  const set = new Set<string>(vars.map((v) => v.name));
  const stale = STALE_WHEN_ABSENT.filter((name) => !set.has(name));
  // Shells first save what the user had, so that unsetSnippet can put it back (not dotenv: a fresh file).
  const lines: string[] = format === 'dotenv' ? [] : saveLines(format, SNIPPET_VARIABLE_NAMES);
  // A role without a region gives the user's own back, not the region an earlier export set.
  const ownRegion = set.has('AWS_REGION') || format === 'dotenv' ? [] : ownValueLines(format, REGION_NAMES);
  switch (format) {
    case 'bash':
      for (const v of vars) lines.push(`export ${checkName(format, v.name)}=${quoteBash(v.value)}`);
      if (stale.length > 0) lines.push(`unset ${stale.join(' ')}`);
      break;
    case 'fish':
      for (const v of vars) lines.push(`set -gx ${checkName(format, v.name)} ${quoteFish(v.value)}`);
      if (stale.length > 0) lines.push(`set -e ${stale.join(' ')}`);
      break;
    case 'powershell':
      for (const v of vars) lines.push(`$Env:${checkName(format, v.name)} = ${quotePowerShell(v.value)}`);
      for (const name of stale) lines.push(powerShellRemove(name));
      break;
    case 'cmd':
      for (const v of vars) lines.push(`set "${checkName(format, v.name)}=${v.value}"`);
      for (const name of stale) lines.push(`set "${name}="`);
      break;
    case 'dotenv':
      // An env file starts from nothing, so there is no stale variable to remove.
      for (const v of vars) {
        const line = `${checkName(format, v.name)}=${v.value}`;
        // docker reads the file with Go's bufio.Scanner, which fails on lines over 64 KiB.
        if (Buffer.byteLength(line, 'utf8') >= DOCKER_MAX_LINE_BYTES) {
          throw new SnippetError(
            'unrepresentable-value',
            format,
            `The value of ${v.name} is too long for an env file line.`,
            v.name,
          );
        }
        lines.push(line);
      }
      break;
  }
  lines.push(...ownRegion);
  return `${lines.join('\n')}\n`;
}

/**
 * The snippet that undoes exportSnippet in the same shell, returning it to exactly what it was before the
 * first export: each variable the user had is restored to its old value, each one the export set is removed.
 * The export saved them (see saveLines); AWS_PROFILE and AWS_CONFIG_FILE are never touched. Without a saved
 * state (no Rolebar export in this shell, or it was already undone) it changes nothing and says so on stderr.
 * For dotenv it returns only `#` comments (a valid, empty env file): an env file starts from nothing and can
 * only add variables, so there is nothing to restore. Throws SnippetError `not-applicable` for json (a
 * credential_process has nothing to undo) and `unknown-format` for unknown formats.
 */
export function unsetSnippet(format: SnippetFormat): string {
  assertFormat(format);
  const names = SNIPPET_VARIABLE_NAMES.map((n) => checkName(format, n));
  switch (format) {
    case 'bash':
    case 'fish':
    case 'powershell':
    case 'cmd':
      return `${restoreLines(format, names).join('\n')}\n`;
    case 'dotenv':
      return [
        '# An env file can only add variables to the process that reads it; it cannot remove them.',
        '# To stop using the Rolebar credentials, delete the AWS_* lines (or the file) and restart',
        '# the container or process. Empty assignments (AWS_ACCESS_KEY_ID=) would set empty values,',
        '# not restore your own identity.',
        '',
      ].join('\n');
    case 'json':
      throw new SnippetError(
        'not-applicable',
        format,
        'A credential_process result has no unset form: remove the credential_process line from the profile instead.',
      );
  }
}

// --- internals -------------------------------------------------------------------------------

// Variables that, if left over from an earlier snippet, would be wrongly combined with new keys.
const STALE_WHEN_ABSENT: readonly SnippetVariableName[] = ['AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];

// The region variables a session with a region sets; without one, the user's own values come back.
const REGION_NAMES: readonly SnippetVariableName[] = ['AWS_REGION', 'AWS_DEFAULT_REGION'];

// bufio.MaxScanTokenSize: docker's env-file reader rejects longer lines.
const DOCKER_MAX_LINE_BYTES = 64 * 1024;

// POSIX portable name; every format here can express such a name without quoting.
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// With the `u` flag, \p{Cs} matches only unpaired surrogates (pairs are one code point), which
// cannot be encoded as UTF-8 and would reach the shell as U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

function assertFormat(format: unknown): asserts format is SnippetFormat {
  if (!isSnippetFormat(format)) {
    throw new SnippetError('unknown-format', String(format), `Unknown snippet format: ${String(format)}.`);
  }
}

function checkName(format: SnippetFormat, name: string): string {
  // Names are constants today; the check keeps a future caller-supplied name from injecting code.
  if (!VALID_NAME.test(name)) {
    throw new SnippetError('invalid-name', format, `Invalid environment variable name for ${format}.`, name);
  }
  return name;
}

function checkValue(format: SnippetFormat, name: string, value: string): void {
  const refuse = (what: string, advice = ''): never => {
    throw new SnippetError(
      'unrepresentable-value',
      format,
      `The value of ${name} contains ${what}, which the ${format} format cannot represent exactly.${advice}`,
      name,
    );
  };
  if (value.includes('\0')) refuse('a NUL character');
  if (LONE_SURROGATE.test(value)) refuse('an unpaired UTF-16 surrogate');
  if ((format === 'dotenv' || format === 'cmd') && /[\r\n]/.test(value)) {
    refuse('a line break', ' Use the bash, fish or PowerShell format instead.');
  }
  if (format === 'cmd') quoteCmdCheck(name, value);
}

/**
 * cmd has no quoting that is exact in every context, so `set "K=v"` is emitted only for values it
 * reads literally. Inside `"…"` the characters `&|<>^()` and spaces are literal. Refused:
 * - `"`: toggles cmd's quote state, after which `&` etc. would run commands;
 * - `%`: expanded at the prompt only when it forms a defined `%NAME%`, but always consumed in a
 *   batch file (`%%` there), and the snippet cannot know where it will be pasted;
 * - `!`: expanded (and `^` then consumed) when delayed expansion is on (`cmd /V:ON`, `setlocal
 *   EnableDelayedExpansion`). Without any `!` on the line, delayed expansion leaves `^` alone.
 * Non-ASCII characters are exact when pasted at the prompt; in a .bat file they need the file to be
 * saved in the console code page (e.g. UTF-8 with `chcp 65001`).
 */
function quoteCmdCheck(name: string, value: string): void {
  const bad = /["%!]/.exec(value);
  if (bad) {
    throw new SnippetError(
      'unrepresentable-value',
      'cmd',
      `The value of ${name} contains ${JSON.stringify(bad[0])}, which Windows cmd cannot take literally in every context. Use the PowerShell format instead.`,
      name,
    );
  }
}

function powerShellRemove(name: string): string {
  // -ErrorAction: removing an absent variable is not an error for our purpose.
  return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
}

function isoExpiration(expiration: Date | string | undefined): string | undefined {
  if (expiration === undefined || expiration === '') return undefined;
  const ms = expiration instanceof Date ? expiration.getTime() : Date.parse(expiration);
  if (!Number.isFinite(ms)) {
    throw new SnippetError(
      'invalid-expiration',
      '',
      'The expiration is not a valid date.',
      'AWS_CREDENTIAL_EXPIRATION',
    );
  }
  // STS writes whole seconds (2024-01-01T00:00:00Z); keep that shape when nothing is lost.
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** The Version 1 answer of a credential_process. SECRET: stdout only. */
export interface ProcessCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
}

/**
 * The one builder of the `credential_process` answer (the json snippet and `rolebar credential-process` both
 * print it): key order as the AWS CLI documents it, absent optional fields omitted rather than null.
 * Throws SnippetError as snippetVariables does, and for values no credential can contain.
 */
export function credentialProcessAnswer(credentials: SnippetCredentials): ProcessCredentials {
  const vars = snippetVariables({ credentials });
  // JSON can escape anything, but a consumer would still have to put the value in memory as
  // UTF-8 text: refuse what no credential can contain (same rule as the other formats).
  for (const v of vars) checkValue('json', v.name, v.value);
  const byName = new Map(vars.map((v) => [v.name, v.value]));
  const answer: ProcessCredentials = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  const token = byName.get('AWS_SESSION_TOKEN');
  if (token !== undefined) answer.SessionToken = token;
  const expiration = byName.get('AWS_CREDENTIAL_EXPIRATION');
  if (expiration !== undefined) answer.Expiration = expiration;
  return answer;
}
