/*
 * Property tests over random and adversarial files: only the target section's bytes change, and
 * writing then removing a new profile restores the file byte for byte.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  AwsFileError,
  readProfileCredentials,
  removeProfile,
  writeProfile,
} from '../../../electron/core/aws-files/index.js';
import { type TempHome, fakeSession, makeTempHome } from './helpers.js';

const TARGET = 'target';
// Bounded so the suite stays fast; raise (PROPERTY_RUNS=5000) when changing the parser or editor.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** One generated line: its text (no line break) and whether it counts as section content. */
interface GenLine {
  text: string;
  content: boolean;
}

const eolArb = fc.constantFrom('\n', '\r\n');
const wordArb = fc.constantFrom('a', 'prod', 'dév', '日本', 'x_y', 'émoji😀', 'Key', 'target');
const valueArb = fc.constantFrom('v', 'with spaces', 'a=b:c', 'ünï', '', '#notacomment', 'x\ty');
const keyLineArb: fc.Arbitrary<GenLine> = fc
  .tuple(wordArb, fc.constantFrom(' = ', '=', ' =', '= ', '\t=\t', ': ', ':'), valueArb)
  .map(([k, d, v]) => ({ text: `${k}${d}${v}`, content: true }));
const continuationArb: fc.Arbitrary<GenLine> = fc
  .tuple(fc.constantFrom('  ', '\t', '    '), wordArb, valueArb)
  .map(([i, k, v]) => ({ text: `${i}${k} = ${v}`, content: true }));
const commentArb: fc.Arbitrary<GenLine> = fc
  .tuple(
    fc.constantFrom('#', ';', '  #', '\t;'),
    fc.constantFrom('', ' note', ' [target]', ' manager = rolebar', ' ünïcödé'),
  )
  .map(([p, t]) => ({ text: p + t, content: false }));
const blankArb: fc.Arbitrary<GenLine> = fc
  .constantFrom('', ' ', '\t', '  \t')
  .map((text) => ({ text, content: false }));
const markArb: fc.Arbitrary<GenLine> = fc
  .constantFrom('manager = rolebar', 'manager=rolebar', 'MANAGER : Rolebar')
  .map((text) => ({ text, content: true }));
const bodyLineArb = fc.oneof(
  { weight: 4, arbitrary: keyLineArb },
  { weight: 1, arbitrary: continuationArb },
  { weight: 2, arbitrary: commentArb },
  { weight: 2, arbitrary: blankArb },
  { weight: 1, arbitrary: markArb },
);

/** Header texts: the target, and decoys that are different sections for the AWS CLI. */
function headerArb(allowTarget: boolean): fc.Arbitrary<string> {
  const decoys = [
    '[ target ]',
    '[target ]',
    '[Target]',
    '[targets]',
    '[profile target]',
    '[default]',
    '[a]',
    '[dév]',
    '[x] ; c',
  ];
  return fc.constantFrom(...(allowTarget ? [...decoys, '[target]', '[target]'] : decoys));
}

/** A file as a model: the text, and the byte ranges of each `[target]` section (header to last content line). */
interface GenFile {
  text: string;
  targets: { start: number; end: number }[];
}

function fileArb(allowTarget: boolean): fc.Arbitrary<GenFile> {
  const section = fc.tuple(headerArb(allowTarget), fc.array(bodyLineArb, { maxLength: 6 }));
  return fc
    .record({
      bom: fc.boolean(),
      preamble: fc.array(fc.oneof(commentArb, blankArb), { maxLength: 2 }),
      sections: fc.array(section, { maxLength: 6 }),
      eols: fc.array(eolArb, { minLength: 60, maxLength: 60 }),
      finalEol: fc.boolean(),
    })
    .map(({ bom, preamble, sections, eols, finalEol }) => {
      const lines: { line: GenLine; header?: string }[] = preamble.map((line) => ({ line }));
      for (const [header, body] of sections) {
        lines.push({ line: { text: header, content: true }, header });
        for (const line of body) lines.push({ line });
      }
      let text = bom ? '\uFEFF' : '';
      const targets: { start: number; end: number }[] = [];
      let open: { start: number; end: number } | undefined;
      lines.forEach(({ line, header }, i) => {
        const eol = i === lines.length - 1 && !finalEol ? '' : (eols[i % eols.length] ?? '\n');
        if (header !== undefined) {
          open = header === '[target]' ? { start: Buffer.byteLength(text), end: 0 } : undefined;
          if (open) targets.push(open);
        }
        text += line.text + eol;
        if (open && line.content) open.end = Buffer.byteLength(text);
      });
      return { text, targets };
    });
}

let home: TempHome;
before(async () => {
  home = await makeTempHome();
  await mkdir(`${home.home}/.aws`, { recursive: true });
});
after(() => home.cleanup());

async function reset(credentials: string, config?: string): Promise<void> {
  await rm(`${home.home}/.aws`, { recursive: true, force: true });
  await mkdir(`${home.home}/.aws`, { recursive: true, mode: 0o700 });
  await writeFile(home.credentials, credentials, { mode: 0o600 });
  if (config !== undefined) await writeFile(home.config, config, { mode: 0o600 });
}

test('writing a profile changes only the target section (every other byte identical)', async () => {
  await fc.assert(
    fc.asyncProperty(fileArb(true), fc.boolean(), async (file, force) => {
      await reset(file.text);
      const original = await readFile(home.credentials);
      let refused: AwsFileError | undefined;
      try {
        await writeProfile(fakeSession(TARGET, 'P'), { ...home.where, force });
      } catch (error) {
        if (!(error instanceof AwsFileError)) throw error;
        refused = error;
      }
      const now = await readFile(home.credentials);
      if (refused) {
        assert.ok(
          refused.code === 'not-owned' || refused.code === 'duplicate',
          `unexpected refusal ${refused.code}`,
        );
        assert.ok(file.targets.length > 0, 'refused although there was no target section');
        assert.ok(now.equals(original), 'a refused write changed the file');
        return;
      }
      const [first, ...rest] = file.targets;
      if (!first) {
        assert.ok(
          now.subarray(0, original.length).equals(original),
          'an append changed bytes before the new section',
        );
      } else {
        // Outside the target (and the deleted extra copies, which only happens when all are ours) nothing moves.
        assert.ok(
          now.subarray(0, first.start).equals(original.subarray(0, first.start)),
          'bytes before the target changed',
        );
        const ranges = [first, ...rest];
        const tail = Buffer.concat(
          ranges.map((r, i) => original.subarray(r.end, ranges[i + 1]?.start ?? original.length)),
        );
        assert.ok(now.subarray(now.length - tail.length).equals(tail), 'bytes after the target changed');
        if (rest.length === 0)
          assert.equal(now.at(-1) === 10, original.at(-1) === 10, 'the final-newline state changed');
      }
      const read = await readProfileCredentials(TARGET, home.where);
      assert.ok(
        read?.accessKeyId === fakeSession(TARGET, 'P').accessKeyId,
        'the written key is not read back',
      );
      assert.ok(
        read?.sessionToken === fakeSession(TARGET, 'P').sessionToken,
        'the written token is not read back',
      );
    }),
    { numRuns: RUNS },
  );
});

test('write then remove of a new profile restores both files byte for byte', async () => {
  await fc.assert(
    fc.asyncProperty(
      fileArb(false),
      fileArb(false),
      fc.boolean(),
      async (credentials, config, withRegion) => {
        // `[profile target]` is a decoy in credentials but *is* the target in config: keep config free of it.
        const configText = config.text.replaceAll('[profile target]', '[profile other]');
        await reset(credentials.text, configText);
        await writeProfile(fakeSession(TARGET, 'Q', withRegion ? 'eu-west-1' : undefined), home.where);
        const removed = await removeProfile(TARGET, home.where);
        assert.equal(removed.removedFromCredentials, true);
        assert.equal(removed.removedFromConfig, withRegion);
        assert.ok(
          (await readFile(home.credentials)).equals(Buffer.from(credentials.text)),
          'credentials not restored',
        );
        assert.ok((await readFile(home.config)).equals(Buffer.from(configText)), 'config not restored');
      },
    ),
    { numRuns: RUNS },
  );
});

test('write A, write B, remove B, remove A restores the file; a created file is deleted again', async () => {
  await fc.assert(
    fc.asyncProperty(fileArb(false), async (file) => {
      await reset(file.text);
      await writeProfile(fakeSession('first', 'A'), home.where);
      await writeProfile(fakeSession('second', 'B'), home.where);
      await writeProfile(fakeSession('first', 'C'), home.where); // an in-place refresh keeps the undo record
      await removeProfile('second', home.where);
      await removeProfile('first', home.where);
      assert.ok((await readFile(home.credentials)).equals(Buffer.from(file.text)), 'file not restored');
    }),
    { numRuns: Math.ceil(RUNS / 2) },
  );
  await rm(`${home.home}/.aws`, { recursive: true, force: true });
  await writeProfile(fakeSession(TARGET, 'N', 'us-east-2'), home.where);
  await removeProfile(TARGET, home.where);
  await assert.rejects(readFile(home.credentials), { code: 'ENOENT' });
  await assert.rejects(readFile(home.config), { code: 'ENOENT' });
});
