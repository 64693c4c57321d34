/*
 * A tolerant, byte-exact parser for the AWS shared files, modelled on the parser the AWS CLI uses
 * (botocore → Python's RawConfigParser). It never throws and never normalises anything: it only
 * records where each line starts and ends and what it is, so an editor can replace one section and
 * copy every other byte through untouched.
 *
 * Text is handled as a "byte string" (the file decoded as latin1: one char per byte). That keeps
 * invalid UTF-8, a BOM or odd control bytes exactly as they were; the structural characters
 * (`[ ] = : # ;`, ASCII whitespace) are all ASCII, so they cannot appear inside a UTF-8 sequence.
 */

/** What a line is, in configparser's terms. */
export type IniLineKind = 'blank' | 'comment' | 'header' | 'key' | 'continuation' | 'other';

/** One physical line: `[start, contentEnd)` is its text, `[contentEnd, end)` its line break ('' on a last line without one). */
export interface IniLine {
  start: number;
  contentEnd: number;
  end: number;
  kind: IniLineKind;
  /** For `key` lines: the option name, ASCII-lowercased as configparser does. */
  key?: string;
  /** For `key` lines: where the value starts (after the delimiter and following spaces). */
  valueStart?: number;
}

/** A `[name]` section: its header line, its last line of content, and where the next section starts. */
export interface IniSection {
  /** The raw text between `[` and the last `]` (a byte string), not trimmed: `[ a ]` is " a ", as for the AWS CLI. */
  name: string;
  header: number;
  /** The last key/continuation/other line (or the header): trailing blank and comment lines are left to whatever follows. */
  lastContent: number;
  /** Index of the next header line, or `lines.length`. */
  next: number;
}

/** A parsed file. `text` is the byte string the offsets refer to. */
export interface IniDocument {
  text: string;
  lines: IniLine[];
  sections: IniSection[];
  /** The line break new lines should use: the file's first one, or LF for a file without any. */
  eol: '\n' | '\r\n';
}

/** The UTF-8 byte-order mark as a byte string. */
export const BOM = '\xEF\xBB\xBF';

function isSpace(c: number): boolean {
  // ASCII whitespace only: in a byte string, 0x85 and 0xA0 are parts of UTF-8 characters.
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** Trims ASCII whitespace only (String#trim would eat bytes of UTF-8 characters in a byte string). */
export function asciiTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

/** Lowercases A–Z only, as Python's str.lower does for the ASCII option names we compare. */
export function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

/** Parses a byte string (see the file comment). Linear in the file size; never throws. */
export function parseIni(text: string): IniDocument {
  const lines: IniLine[] = [];
  const sections: IniSection[] = [];
  let eol: '\n' | '\r\n' | undefined;
  let current: IniSection | undefined;
  // configparser: an indented line continues the current option when it is indented more than the option line.
  let keyIndent = -1;
  let hasKey = false;

  let pos = 0;
  const n = text.length;
  while (pos < n) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? n : nl + 1;
    let contentEnd = nl === -1 ? n : nl;
    if (nl !== -1 && nl > pos && text.charCodeAt(nl - 1) === 13) contentEnd = nl - 1;
    if (eol === undefined && nl !== -1) eol = contentEnd === nl ? '\n' : '\r\n';

    const from = pos === 0 && text.startsWith(BOM) ? BOM.length : pos;
    // Every field set up front: one object shape keeps this loop fast on files of thousands of lines.
    const line: IniLine = {
      start: pos,
      contentEnd,
      end,
      kind: 'other',
      key: undefined,
      valueStart: undefined,
    };
    let bodyStart = from;
    while (bodyStart < contentEnd && isSpace(text.charCodeAt(bodyStart))) bodyStart++;
    const indent = bodyStart - from;
    const first = text.charCodeAt(bodyStart);

    if (bodyStart >= contentEnd) {
      line.kind = 'blank'; // blank lines do not end a value in configparser (empty_lines_in_values)
    } else if (first === 35 /* # */ || first === 59 /* ; */) {
      line.kind = 'comment';
    } else if (hasKey && indent > keyIndent) {
      line.kind = 'continuation';
    } else {
      keyIndent = indent;
      hasKey = false;
      let bodyEnd = contentEnd;
      while (bodyEnd > bodyStart && isSpace(text.charCodeAt(bodyEnd - 1))) bodyEnd--;
      // The last `]` at least two bytes after `[`; a bounded scan (lastIndexOf could run back through earlier lines).
      let close = -1;
      if (first === 91 /* [ */)
        for (let c = bodyEnd - 1; c >= bodyStart + 2 && close === -1; c--)
          if (text.charCodeAt(c) === 93) close = c;
      if (close !== -1) {
        line.kind = 'header';
        if (current) current.next = lines.length;
        current = {
          name: text.slice(bodyStart + 1, close),
          header: lines.length,
          lastContent: lines.length,
          next: -1,
        };
        sections.push(current);
      } else {
        // The first `=` or `:` ends the option name (configparser's non-greedy OPTCRE); scanning stops there.
        let delim = bodyStart;
        while (delim < bodyEnd) {
          const c = text.charCodeAt(delim);
          if (c === 61 /* = */ || c === 58 /* : */) break;
          delim++;
        }
        let keyEnd = delim;
        while (keyEnd > bodyStart && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
        if (delim < bodyEnd && keyEnd > bodyStart) {
          line.kind = 'key';
          line.key = asciiLower(text.slice(bodyStart, keyEnd));
          let v = delim + 1;
          while (v < contentEnd && isSpace(text.charCodeAt(v))) v++;
          line.valueStart = v;
          hasKey = true;
        }
      }
    }
    if (current && line.kind !== 'blank' && line.kind !== 'comment') current.lastContent = lines.length;
    lines.push(line);
    pos = end;
  }
  if (current) current.next = lines.length;
  return { text, lines, sections, eol: eol ?? '\n' };
}

/** The byte range `[start, end)` a section occupies: its header through its last content line, line break included (a leading BOM excluded). */
export function sectionRange(doc: IniDocument, section: IniSection): { start: number; end: number } {
  const header = doc.lines[section.header];
  const last = doc.lines[section.lastContent];
  if (!header || !last) throw new Error('section outside document'); // unreachable: sections come from parseIni
  // A BOM before a first-line header belongs to the file, not to the section: edits must keep it.
  const start = header.start === 0 && doc.text.startsWith(BOM) ? BOM.length : header.start;
  return { start, end: last.end };
}

/** The value of a key line, without surrounding whitespace (a byte string). */
export function lineValue(doc: IniDocument, line: IniLine): string {
  return line.valueStart === undefined ? '' : asciiTrim(doc.text.slice(line.valueStart, line.contentEnd));
}

/** The first value of each key in a section (byte strings), as botocore would see it for a non-duplicated key. */
export function sectionValues(doc: IniDocument, section: IniSection): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = section.header + 1; i <= section.lastContent; i++) {
    const line = doc.lines[i];
    if (line?.kind === 'key' && line.key !== undefined && !values.has(line.key))
      values.set(line.key, lineValue(doc, line));
  }
  return values;
}

/** Encodes a JS string as the byte string used by this module (UTF-8 bytes, one char each). */
export function toBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

/** Decodes a byte string back to a JS string (UTF-8). */
export function fromBytes(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}
