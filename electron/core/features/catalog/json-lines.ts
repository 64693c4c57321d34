// A small JSON reader that remembers the line each value starts on, so that a refused catalog field can be
// named by its line. JSON.parse keeps no positions; a catalog is small enough for a hand-written scan.
import { RolebarError } from '../../domain/errors.js';

/** A parsed JSON document and the 1-based line where each value starts, keyed by its path (`roles[3].mfa`). */
export interface JsonWithLines {
  value: unknown;
  lineOf(pathKey: string): number;
}

/**
 * Parses JSON text; a syntax error names the file and the line. The built-in parser does the work (fast for a
 * 5,000-role catalog); the line-tracking scan runs only when a line is asked for, which is when something is refused.
 */
export function parseJsonWithLines(text: string, file: string): JsonWithLines {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    scanLines(text, file); // throws, naming the line
  }
  let lines: Map<string, number> | undefined;
  return { value, lineOf: (key) => (lines ??= scanLines(text, file)).get(key) ?? 1 };
}

/** The line each value starts on, by path; throws on a syntax error, naming the line. */
function scanLines(text: string, file: string): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;

  const fail = (what: string): never => {
    throw new RolebarError('catalog-invalid', `${file}, line ${line}: ${what}.`, {
      hint: 'Fix the JSON syntax (a JSON linter shows where), then sync again.',
      context: { file, line: String(line) },
    });
  };
  const skipSpace = () => {
    for (;;) {
      const c = text[pos];
      if (c === '\n') line += 1;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      pos += 1;
    }
  };
  const readString = (): string => {
    const start = pos;
    pos += 1;
    for (;;) {
      const c = text[pos];
      if (c === undefined || c === '\n') fail('a string is not closed');
      if (c === '\\') pos += 2;
      else if (c === '"') break;
      else pos += 1;
    }
    pos += 1;
    try {
      return String(JSON.parse(text.slice(start, pos)));
    } catch {
      return fail('a string has a bad escape');
    }
  };
  const readValue = (at: string): unknown => {
    skipSpace();
    lines.set(at, line);
    const c = text[pos];
    if (c === '{') {
      pos += 1;
      const out: Record<string, unknown> = {};
      skipSpace();
      if (text[pos] === '}') {
        pos += 1;
        return out;
      }
      for (;;) {
        skipSpace();
        if (text[pos] !== '"') fail('expected a quoted key');
        const key = readString();
        skipSpace();
        if (text[pos] !== ':') fail(`expected ":" after "${key}"`);
        pos += 1;
        if (Object.hasOwn(out, key)) fail(`the key "${key}" appears twice`);
        out[key] = readValue(at === '' ? key : `${at}.${key}`);
        skipSpace();
        if (text[pos] === ',') pos += 1;
        else if (text[pos] === '}') {
          pos += 1;
          return out;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      pos += 1;
      const out: unknown[] = [];
      skipSpace();
      if (text[pos] === ']') {
        pos += 1;
        return out;
      }
      for (;;) {
        out.push(readValue(`${at}[${out.length}]`));
        skipSpace();
        if (text[pos] === ',') pos += 1;
        else if (text[pos] === ']') {
          pos += 1;
          return out;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') return readString();
    const literal = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(pos, pos + 40));
    if (!literal) return fail('expected a value');
    pos += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  readValue('');
  skipSpace();
  if (pos < text.length) fail('unexpected text after the end of the document');
  return lines;
}
