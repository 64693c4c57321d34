// The small entry that setup-profile's credential_process line runs (out/cli/credential-process.mjs): a cached
// answer from its own small bundle, byte for byte the full CLI's, and everything else handed to the full CLI.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

const ENTRY = path.join(path.dirname(CLI), 'credential-process.mjs');

describe('the small credential-process entry', () => {
  let w: CliWorld;
  const entry = (args: string[]) => w.run(process.execPath, [ENTRY, ...args]);
  before(async () => {
    w = await startCliWorld('cli-cp-entry');
    const alice = await addAlice(w);
    assert.equal(alice.code, 0, explain(alice));
    await addRole(w, 'cached');
    await addRole(w, 'never-assumed');
    const assumed = await w.rolebar(['assume', 'cached']);
    assert.equal(assumed.code, 0, explain(assumed));
  });
  after(() => w?.close());

  it('loads nothing heavy: no settings store, schema compiler, keychain or AWS SDK in its bundle', () => {
    const text = readFileSync(ENTRY, 'utf8');
    for (const heavy of ['conf', 'ajv', 'electron-store', 'keytar', '@aws-sdk/', '@smithy/'])
      assert.ok(!text.includes(`from "${heavy}`) && !text.includes(`import("${heavy}`), `imports ${heavy}`);
    assert.ok(text.length < 100_000, `${text.length} bytes: the full CLI's code crept in`);
  });

  it('serves a cached session without STS, printing exactly what the full CLI prints', async () => {
    w.emu.clearRequests();
    const fast = await entry(['credential-process', 'cached']);
    assert.equal(fast.code, 0, explain(fast));
    const full = await w.rolebar(['credential-process', 'cached']);
    assert.equal(full.code, 0, explain(full));
    assert.equal(fast.stdout, full.stdout);
    assert.equal(JSON.parse(fast.stdout).Version, 1);
    assert.equal(w.emu.requests().length, 0, 'served from the profile');
  });

  it('hands a session to renew, help and unknown roles to the full CLI, with its answers and exit codes', async () => {
    w.emu.clearRequests();
    const renewed = await entry(['credential-process', 'never-assumed']);
    assert.equal(renewed.code, 0, explain(renewed));
    assert.equal(JSON.parse(renewed.stdout).Version, 1);
    assert.equal(w.emu.countRequests('AssumeRole', 'OK'), 1);
    const help = await entry(['credential-process', '--help']);
    assert.equal(help.code, 0, explain(help));
    assert.match(help.stdout, /Usage: rolebar credential-process ROLE/);
    for (const args of [['credential-process', 'no-such-role'], ['credential-process']]) {
      const fast = await entry(args);
      const full = await w.rolebar(args);
      assert.deepEqual([fast.code, fast.stdout, fast.stderr], [full.code, full.stdout, full.stderr]);
      assert.notEqual(fast.code, 0);
    }
  });
});
