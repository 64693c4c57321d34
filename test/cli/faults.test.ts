// The built CLI under bad input and a hostile environment: repeated or negative options are one clear line
// and change nothing; a FIFO at the AWS files' paths is refused at once instead of hanging the SDK.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAlice, addRole, type CliRun, type CliWorld, explain, startCliWorld } from './helpers.js';

const ARN = 'arn:aws:iam::222222222222:role/readonly';

/** The roles in the settings file (opening the store may create it with defaults; no role may appear). */
function roles(w: CliWorld): unknown[] {
  const text = w.files().settings;
  if (text === undefined) return [];
  const parsed: unknown = JSON.parse(text);
  const list: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'roles') : [];
  return Array.isArray(list) ? list : [];
}

/** Exit 2, one line on stderr naming the mistake, nothing on stdout. */
function usageLine(run: CliRun, pattern: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${run.stderr}`);
  assert.match(lines[0] ?? '', pattern);
}

describe('rolebar: small input defects', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-faults');
  });
  after(() => w?.close());

  it('--role-arn given twice is refused, naming both values, and nothing is added', async () => {
    const other = 'arn:aws:iam::222222222222:role/admin';
    const run = await w.rolebar([
      'role',
      'add',
      'x',
      '--role-arn',
      ARN,
      '--role-arn',
      other,
      '--source',
      'a',
    ]);
    usageLine(run, /--role-arn was given twice \('arn:aws:iam::222222222222:role\/readonly' and '.*admin'\)/);
    assert.deepEqual(roles(w), []);
  });

  it('--duration -1 is one line saying what --duration takes', async () => {
    const run = await w.rolebar(['role', 'add', 'x', '--role-arn', ARN, '--source', 'a', '--duration', '-1']);
    usageLine(run, /--duration takes a whole number, not '-1'/);
    assert.deepEqual(roles(w), []);
  });
});

describe('rolebar: a FIFO at the AWS files', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-fifo');
    assert.equal((await addAlice(w)).code, 0);
    // No session yet: every run below needs STS, so the SDK would read both files.
    await addRole(w);
  });
  after(() => w?.close());

  // The SDK opens both files blocking: before the fix, assume, status and credential-process waited forever for
  // a writer. The watchdog only turns a hang into a failure; how fast the refusal is, the report measures.
  for (const variable of ['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE']) {
    it(`a FIFO named by ${variable} is refused at once by assume, credential-process and status`, async () => {
      const folder = path.join(w.sandbox.dir, `elsewhere-${variable}`);
      mkdirSync(folder, { recursive: true });
      const fifo = path.join(folder, 'pipe');
      execFileSync('mkfifo', [fifo]);
      const env = { [variable]: fifo };
      for (const args of [
        ['assume', 'prod-ro'],
        ['credential-process', 'prod-ro'],
      ]) {
        const run = await w.rolebar(args, { env, killAfterMs: 60_000 });
        assert.equal(run.signal, null, `rolebar ${args.join(' ')} hung on the FIFO`);
        assert.equal(run.code, 1, explain(run));
        assert.ok(run.stderr.includes(`${fifo} is a named pipe (FIFO), not a regular file`), run.stderr);
      }
      const status = await w.rolebar(['status'], { env, killAfterMs: 60_000 });
      assert.equal(status.signal, null, 'rolebar status hung on the FIFO');
    });
  }
});

describe('rolebar: names that can pass for others', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-confusable');
    assert.equal((await addAlice(w)).code, 0);
  });
  after(() => w?.close());

  it('a label or profile name that can pass for another (a Cyrillic о, a zero-width space) is refused', async () => {
    for (const args of [['pr\u043ed'], ['prod', '--profile', 'pr\u043ed'], ['prod\u200bro']]) {
      const run = await w.rolebar(['role', 'add', ...args, '--role-arn', ARN, '--source', 'alice']);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /can pass for another/);
    }
    assert.deepEqual(roles(w), []);
  });
});
