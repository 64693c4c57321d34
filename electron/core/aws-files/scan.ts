/*
 * The writer's fast path over a shared file's raw bytes. A write only needs every section's name (to
 * find the target and its duplicates) and the lines of the few sections it touches, so instead of
 * parsing every line of a large file (parseIni) we find the headers with a native search for `[` and
 * parse only the sections we open. The result must equal parseIni's exactly: property-tested in
 * test/core/aws-files/scan.test.ts against parseIni on random and adversarial files.
 *
 * Why this is exact: a header is a line whose first non-space byte is `[` and that is not a
 * continuation line. A line at column 0 can never be a continuation (it would need more indent than
 * the option line), so column-0 `[…]` lines are headers whatever came before. Only indented `[` lines
 * depend on earlier lines; for those we run parseIni's state machine from the last column-0 header.
 */
import { BOM, type IniDocument, type IniSection, parseIni } from './ini.js';

/** One section as the scan sees it: its name (a byte string) and the byte range from its header line to the next header line. */
export interface SectionSpan {
  name: string;
  /** Start of the header line (0 for a first-line header after a BOM: the BOM is part of that line). */
  start: number;
  /** Start of the next header line, or the file's length. */
  end: number;
}

/** A section parsed on its own: a document over its span only (offsets relative to `base`). */
export interface OpenedSection {
  doc: IniDocument;
  section: IniSection;
  /** Byte offset of `doc.text` in the file. */
  base: number;
}

function isSpace(c: number | undefined): boolean {
  // ASCII whitespace only, as in ini.ts (0x85 and 0xA0 are parts of UTF-8 characters).
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

function hasBom(data: Buffer): boolean {
  return data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
}

/** Where a line's text ends (before `\r\n` or `\n`) given the index of its `\n` (-1: last line). */
function contentEndOf(data: Buffer, lineStart: number, nl: number): number {
  if (nl === -1) return data.length;
  return nl > lineStart && data[nl - 1] === 13 ? nl - 1 : nl;
}

/** parseIni's state between lines: whether an option line is open, and its indent (continuations need more). */
interface LineState {
  hasKey: boolean;
  keyIndent: number;
}

/** Classifies one line as parseIni does, updating `state`; returns the `[` and `]` of a header line. */
function classify(
  data: Buffer,
  lineStart: number,
  contentEnd: number,
  state: LineState,
): { open: number; close: number } | undefined {
  const from = lineStart === 0 && hasBom(data) ? BOM.length : lineStart;
  let bodyStart = from;
  while (bodyStart < contentEnd && isSpace(data[bodyStart])) bodyStart++;
  if (bodyStart >= contentEnd) return undefined; // blank
  const first = data[bodyStart];
  if (first === 35 /* # */ || first === 59 /* ; */) return undefined; // comment
  const indent = bodyStart - from;
  if (state.hasKey && indent > state.keyIndent) return undefined; // continuation
  state.keyIndent = indent;
  state.hasKey = false;
  let bodyEnd = contentEnd;
  while (bodyEnd > bodyStart && isSpace(data[bodyEnd - 1])) bodyEnd--;
  if (first === 91 /* [ */) {
    // The last `]` of the line, at least two bytes after `[` (configparser's `\[(.+)\]`).
    for (let close = bodyEnd - 1; close >= bodyStart + 2; close--)
      if (data[close] === 93 /* ] */) return { open: bodyStart, close };
  }
  // An option line: the first `=` or `:` ends the name, which must not be empty.
  for (let delim = bodyStart; delim < bodyEnd; delim++) {
    const c = data[delim];
    if (c === 61 /* = */ || c === 58 /* : */) {
      state.hasKey = delim > bodyStart;
      break;
    }
  }
  return undefined;
}

/**
 * Every section of a file, in order, exactly as parseIni(data as latin1).sections would name and
 * bound them. Cost: one native search per `[` byte, plus a line-by-line pass only over regions that
 * hold indented `[` lines.
 */
export function scanSections(data: Buffer): SectionSpan[] {
  const spans: SectionSpan[] = [];
  const n = data.length;
  // The state machine's position: every line before `cursor` has been classified into `state`.
  let cursor = 0;
  const state: LineState = { hasKey: false, keyIndent: -1 };
  const bomEnd = hasBom(data) ? BOM.length : 0;
  const found = (lineStart: number, open: number, close: number): void => {
    const last = spans[spans.length - 1];
    if (last) last.end = lineStart;
    spans.push({ name: data.toString('latin1', open + 1, close), start: lineStart, end: n });
  };
  let p = data.indexOf(91 /* [ */, bomEnd);
  while (p !== -1) {
    // Is this `[` the first non-space byte of its line? Walk back over the indent.
    let ls = p;
    while (ls > 0 && data[ls - 1] !== 10 && isSpace(data[ls - 1])) ls--;
    const lineStart = ls === bomEnd ? 0 : ls;
    if (ls !== 0 && ls !== bomEnd && data[ls - 1] !== 10) {
      p = data.indexOf(91, p + 1);
      continue;
    }
    const nl = data.indexOf(10, p);
    const lineEnd = nl === -1 ? n : nl + 1;
    const contentEnd = contentEndOf(data, lineStart, nl);
    if (p === ls) {
      // Column 0: never a continuation, so the line alone decides (and resets the state machine).
      const fresh: LineState = { hasKey: false, keyIndent: -1 };
      const header = classify(data, lineStart, contentEnd, fresh);
      if (header) {
        found(lineStart, header.open, header.close);
        cursor = lineEnd;
        state.hasKey = false;
        state.keyIndent = 0;
      }
    } else {
      // Indented: whether it continues an option depends on the lines since the last reset.
      while (cursor < lineStart) {
        const l = data.indexOf(10, cursor);
        classify(data, cursor, contentEndOf(data, cursor, l), state);
        cursor = l === -1 ? n : l + 1;
      }
      const header = classify(data, lineStart, contentEnd, state);
      cursor = lineEnd;
      if (header) found(lineStart, header.open, header.close);
    }
    p = nl === -1 ? -1 : data.indexOf(91, nl);
  }
  return spans;
}

/** The line break new lines should use, as parseIni decides it: the file's first one, else LF. */
export function fileEol(data: Buffer): '\n' | '\r\n' {
  const nl = data.indexOf(10);
  return nl > 0 && data[nl - 1] === 13 ? '\r\n' : '\n';
}

/** True when the line `[lineStart, lineEnd)` is blank in parseIni's sense (whitespace only, a first-line BOM aside). */
export function isBlankLine(data: Buffer, lineStart: number, lineEnd: number): boolean {
  const from = lineStart === 0 && hasBom(data) ? BOM.length : lineStart;
  for (let i = from; i < lineEnd; i++) if (!isSpace(data[i])) return false;
  return true;
}

/** Start of the line holding byte `at - 1` (the line that ends at `at`). */
export function lineStartBefore(data: Buffer, at: number): number {
  return at <= 1 ? 0 : data.lastIndexOf(10, at - 2) + 1;
}

/**
 * Parses one section on its own. parseIni of the span's bytes gives the same lines as the whole file
 * would: the span starts on a header, which resets the parser's state just as it does mid-file.
 */
export function openSection(data: Buffer, span: SectionSpan): OpenedSection {
  const parsed = parseIni(data.toString('latin1', span.start, span.end));
  const section = parsed.sections[0];
  if (!section) throw new Error('span without a header'); // unreachable: spans come from scanSections
  return { doc: { ...parsed, eol: fileEol(data) }, section, base: span.start };
}
