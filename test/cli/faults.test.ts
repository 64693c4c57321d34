// The built CLI under bad input and a hostile environment: repeated or negative options are one clear line
// and change nothing; a D-Bus that accepts and never answers cannot keep the CLI from exiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliRun, type CliWorld, startCliWorld } from './helpers.js';

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
