/*
 * Pure text edits on a parsed shared file. Each function changes only the bytes of one section
 * (plus, for an append, the separator before it) and copies everything else through, so comments,
 * CRLF, a BOM, odd spacing and unknown sections of the user's file survive byte for byte.
 */
import { BOM, type IniDocument, type IniSection, sectionRange } from './ini.js';
import { fileEol, isBlankLine, lineStartBefore } from './scan.js';

/** A key and its value, both byte strings (see ini.ts); keys are lowercase ASCII. */
export type Entry = readonly [key: string, value: string];

/**
 * Key recording what an append added before our section, so removing it can restore the file
 * byte for byte: `delete-file` (we created the file), `strip-eol` (we added a blank line),
 * `strip-eol-eol` (we also ended the user's unterminated last line). Absent: nothing was added.
 */
export const UNDO_KEY = 'x_rolebar_undo';

/** A replacement of `[start, end)` of the document text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Moves an edit made on an opened section (see scan.ts) to file offsets. */
export function shiftEdit(edit: TextEdit, base: number): TextEdit {
  return { start: edit.start + base, end: edit.end + base, text: edit.text };
}

/**
 * Rewrites a section in place: each key in `set` replaces the value of its first line (keeping that
 * line's own spacing and line break) or is added after the last content line; later duplicates of
 * those keys and every key in `drop` are removed with their continuation lines. All other lines of
 * the section (unknown keys, comments, blank lines) stay. Returns the edit for the section's range.
 */
export function rewriteSection(
  doc: IniDocument,
  section: IniSection,
  set: readonly Entry[],
  drop: ReadonlySet<string> = new Set(),
): TextEdit {
  const { text, lines, eol } = doc;
  const range = sectionRange(doc, section);
  const wanted = new Map(set);
  const done = new Set<string>();
  const out: string[] = [];
  let dropping = false; // true while skipping the continuation lines of a replaced or dropped key
  for (let i = section.header; i <= section.lastContent; i++) {
    const line = lines[i];
    if (!line) continue;
    const raw = text.slice(i === section.header ? range.start : line.start, line.end);
    if (line.kind === 'continuation') {
      if (!dropping) out.push(raw);
      continue;
    }
    if (line.kind === 'blank' || line.kind === 'comment') {
      out.push(raw);
      continue;
    }
    dropping = false;
    const key = line.kind === 'key' ? line.key : undefined;
    if (key !== undefined && (drop.has(key) || (wanted.has(key) && done.has(key)))) {
      dropping = true;
      continue;
    }
    if (key !== undefined && wanted.has(key)) {
      done.add(key);
      dropping = true;
      out.push(
        text.slice(line.start, line.valueStart) +
          (wanted.get(key) ?? '') +
          text.slice(line.contentEnd, line.end),
      );
      continue;
    }
    out.push(raw);
  }
  let body = out.join('');
  const missing = set.filter(([key]) => !done.has(key)).map(([key, value]) => `${key} = ${value}`);
  if (missing.length > 0) {
    body += body.endsWith('\n') ? missing.map((l) => l + eol).join('') : eol + missing.join(eol) + eol;
  }
  // A section at the very end of a file without a final newline keeps lacking one.
  const lastLine = lines[section.lastContent];
  if (lastLine && lastLine.end === lastLine.contentEnd) {
    if (body.endsWith('\r\n')) body = body.slice(0, -2);
    else if (body.endsWith('\n')) body = body.slice(0, -1);
  }
  return { start: range.start, end: range.end, text: body };
}

/**
 * Appends a new section at the end of the file (`data`, its raw bytes). When the file does not end
 * on a blank line we add one (and first end the user's last line if it lacks a line break); what we
 * added is recorded in the section under UNDO_KEY so `removeSection` can take it back exactly.
 */
export function appendSection(
  data: Buffer,
  header: string,
  set: readonly Entry[],
  fileExisted: boolean,
): TextEdit {
  const eol = fileEol(data);
  const n = data.length;
  let separator = '';
  let undo: string | undefined;
  if (!fileExisted) {
    undo = 'delete-file';
  } else if (n === 0 || (n === BOM.length && data.toString('latin1') === BOM)) {
    // Nothing to separate from.
  } else if (data[n - 1] !== 10) {
    separator = eol + eol;
    undo = 'strip-eol-eol';
  } else if (!isBlankLine(data, lineStartBefore(data, n), n)) {
    separator = eol;
    undo = 'strip-eol';
  }
  const entries: Entry[] = undo === undefined ? [...set] : [...set, [UNDO_KEY, undo]];
  const body = `[${header}]${eol}` + entries.map(([k, v]) => `${k} = ${v}${eol}`).join('');
  return { start: n, end: n, text: separator + body };
}

/** Where `data[0, end)` ends once one trailing line break is taken off, or undefined if it has none. */
function stripOneEol(data: Buffer, end: number): number | undefined {
  if (end >= 2 && data[end - 2] === 13 && data[end - 1] === 10) return end - 2;
  if (end >= 1 && data[end - 1] === 10) return end - 1;
  return undefined;
}

/**
 * Removes a section: `range` is its sectionRange in file offsets, `headerLine` where its header line
 * starts. When it is the last thing in the file and carries an UNDO_KEY, the separator we added
 * before it is removed too, restoring the file exactly as it was before the append; `deleteFile`
 * says the file is now empty and was created by us.
 */
export function removeSection(
  data: Buffer,
  range: { start: number; end: number },
  headerLine: number,
  undo: string | undefined,
): { edit: TextEdit; deleteFile: boolean } {
  let cut = range.start;
  if (range.end === data.length && undo !== undefined) {
    if (undo === 'delete-file' && cut === 0)
      return { edit: { start: 0, end: range.end, text: '' }, deleteFile: true };
    const steps = undo === 'strip-eol' ? 1 : undo === 'strip-eol-eol' ? 2 : 0;
    let candidate: number | undefined = cut;
    for (let i = 0; i < steps && candidate !== undefined; i++) candidate = stripOneEol(data, candidate);
    if (candidate !== undefined) cut = candidate;
  } else if (range.end < data.length && (undo === 'strip-eol' || undo === 'strip-eol-eol')) {
    // In the middle of the file (something was appended after us): drop the blank line we added, keep the rest.
    if (headerLine > 0) {
      const prev = lineStartBefore(data, headerLine);
      if (isBlankLine(data, prev, headerLine)) cut = prev;
    }
  }
  return { edit: { start: cut, end: range.end, text: '' }, deleteFile: false };
}
