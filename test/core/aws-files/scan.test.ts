/*
 * The writer's fast path (scan.ts) must see exactly what parseIni sees: the same sections, names and
 * bounds, and the same lines inside a section opened on its own. Random and adversarial files:
 * indented headers, continuation lines that look like headers, `[` without `]`, BOM, CR, CRLF, \v \f.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseIni } from '../../../electron/core/aws-files/ini.js';
import {
  fileEol,
  isBlankLine,
  lineStartBefore,
  openSection,
  scanSections,
} from '../../../electron/core/aws-files/scan.js';

// Raise (SCAN_RUNS=50000) when changing either parser.
const RUNS = Number(process.env.SCAN_RUNS ?? 2000);

const indentArb = fc.constantFrom('', '', '', ' ', '  ', '\t', '\v', '\f', '\r', ' \t ');
const piece = fc.constantFrom(
  '[',
  ']',
  '[a]',
  '[ a ]',
  '[]',
  '[x',
  'x]',
  '[[a]]',
  '[a] ; c',
  '[a]]',
  'profile   a',
  'a',
  'key',
  '=',
  ':',
  ' = ',
  'v',
  '#',
  ';',
  ' ',
  '\t',
  'é',
  '日',
  '\r',
  '\xEF\xBB\xBF',
);
const lineArb = fc
  .tuple(indentArb, fc.array(piece, { maxLength: 5 }))
  .map(([indent, parts]) => indent + parts.join(''));
const fileArb = fc
  .record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n', '\n', '\r\r\n')), { maxLength: 25 }),
    tail: fc.oneof(fc.constant(''), lineArb),
  })
  .map(({ bom, lines, tail }) => {
    const text = (bom ? '\uFEFF' : '') + lines.map(([l, e]) => l + e).join('') + tail;
    return Buffer.from(text, 'utf8');
  });

function check(data: Buffer): void {
  const doc = parseIni(data.toString('latin1'));
  const spans = scanSections(data);
  const expected = doc.sections.map((s) => ({
    name: s.name,
    start: doc.lines[s.header]?.start,
    end: doc.lines[s.next]?.start ?? doc.text.length,
  }));
  assert.deepEqual(spans, expected);
  assert.equal(fileEol(data), doc.eol);
  doc.lines.forEach((line) => {
    assert.equal(isBlankLine(data, line.start, line.end), line.kind === 'blank');
    assert.equal(lineStartBefore(data, line.end), line.start);
  });
  spans.forEach((span, i) => {
    const full = doc.sections[i];
    assert.ok(full);
    const opened = openSection(data, span);
    assert.equal(opened.base, span.start);
    assert.equal(opened.doc.eol, doc.eol);
    assert.equal(opened.doc.sections.length, 1);
    assert.equal(opened.section.name, full.name);
    assert.equal(opened.section.lastContent, full.lastContent - full.header);
    const shifted = opened.doc.lines.map((l) => ({
      ...l,
      start: l.start + span.start,
      contentEnd: l.contentEnd + span.start,
      end: l.end + span.start,
      valueStart: l.valueStart === undefined ? undefined : l.valueStart + span.start,
    }));
    assert.deepEqual(shifted, doc.lines.slice(full.header, full.next));
  });
}

test('scanSections and openSection agree with parseIni on random and adversarial files', () => {
  fc.assert(fc.property(fileArb, check), { numRuns: RUNS });
});

test('fixed edge cases: BOM headers, indented headers after keys, continuations, no final newline', () => {
  const cases = [
    '',
    '\uFEFF',
    '\uFEFF[a]\nk=v',
    '\uFEFF  [a]\n',
    '[a]\nk = v\n  [b]\n[c]\n',
    '[a]\nk = v\n\n  [b]\n',
    '[a]\n  k = v\n    [b]\n  [c]\n',
    '[a]\n=v\n  [b]\n',
    '[a]\n# c\n  [b]\n',
    '[a\n  [b]\n',
    'k=v\n [a]\n[b]',
    '[]\n[ ]\n[x]y\n[a] ] \r\n',
    '\r[a]\r\n\v[b]\n',
    'x\n\uFEFF[a]\n',
  ];
  for (const text of cases) check(Buffer.from(text, 'utf8'));
});

test('a long line of `[` without `]` stays linear (no backward search through earlier lines)', () => {
  const data = Buffer.from('[x\n'.repeat(200_000), 'latin1');
  const start = performance.now();
  assert.deepEqual(scanSections(data), []);
  assert.equal(parseIni(data.toString('latin1')).sections.length, 0);
  assert.ok(performance.now() - start < 5_000);
});
