// The small entry that setup-profile's and import's credential_process lines run (out/cli/credential-process.mjs):
// a cached answer for a role or an identity from its own small bundle, byte for byte the full CLI's, and
// everything else handed to the full CLI. A keychain that never answers still ends it with a clear error.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS } from '../../electron/emulator/index.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

const ENTRY = path.join(path.dirname(CLI), 'credential-process.mjs');

describe('the small credential-process entry', () => {
  let w: CliWorld;
  const entry = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    w.run(process.execPath, [ENTRY, ...args], { env });
  before(async () => {
    w = await startCliWorld('cli-cp-entry');
    const alice = await addAlice(w);
    assert.equal(alice.code, 0, explain(alice));
    await addRole(w, 'cached');
    await addRole(w, 'never-assumed');
    const carol = await w.rolebar(
      ['identity', 'add', 'carol', '--access-key-id', SEED_KEYS.carol.accessKeyId, '--no-verify'],
      { input: `${SEED_KEYS.carol.secretAccessKey}\n` },
    );
    assert.equal(carol.code, 0, explain(carol));
    const assumed = await w.rolebar(['assume', 'cached']);
    assert.equal(assumed.code, 0, explain(assumed));
  });
  after(() => w?.close());

  /**
   * Runs a copy of the small entry with no full CLI beside it (in out/, so node_modules still resolves): a run
   * that succeeds was answered by the small bundle alone, never by the full CLI it would hand over to.
   */
  async function entryAlone(args: string[]) {
    const dir = path.join(path.dirname(CLI), '..', `cli-alone-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      copyFileSync(ENTRY, path.join(dir, 'credential-process.mjs'));
      return await w.run(process.execPath, [path.join(dir, 'credential-process.mjs'), ...args]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('loads nothing heavy: no settings store, schema compiler or AWS SDK in its bundle (keytar only when asked)', () => {
    const text = readFileSync(ENTRY, 'utf8');
    for (const heavy of ['conf', 'ajv', 'electron-store', 'keytar', '@aws-sdk/', '@smithy/'])
      assert.ok(!text.includes(`from "${heavy}`) && !text.includes(`import("${heavy}`), `imports ${heavy}`);
    // About 105 KB with both keychains' readers (the OS keychain's D-Bus reader, the keychain file's); the full
    // CLI is megabytes.
    assert.ok(text.length < 120_000, `${text.length} bytes: the full CLI's code crept in`);
  });

  it('serves a cached session without STS, printing exactly what the full CLI prints', async () => {
    w.emu.clearRequests();
    const fast = await entryAlone(['credential-process', 'cached']);
    assert.equal(fast.code, 0, explain(fast));
    const full = await w.rolebar(['credential-process', 'cached']);
    assert.equal(full.code, 0, explain(full));
    assert.equal(fast.stdout, full.stdout);
    assert.equal(JSON.parse(fast.stdout).Version, 1);
    assert.equal(w.emu.requests().length, 0, 'served from the profile');
  });

  it('serves an identity’s long-term key from the keychain alone, as the full CLI prints it', async () => {
    w.emu.clearRequests();
    const fast = await entryAlone(['credential-process', '--identity', 'alice']);
    assert.equal(fast.code, 0, explain(fast));
    const full = await w.rolebar(['credential-process', '--identity', 'alice']);
    assert.equal(full.stdout, fast.stdout);
    assert.deepEqual(JSON.parse(fast.stdout), {
      Version: 1,
      AccessKeyId: SEED_KEYS.alice.accessKeyId,
      SecretAccessKey: SEED_KEYS.alice.secretAccessKey,
    });
    assert.equal(w.emu.requests().length, 0, 'no STS: the key as it is');
  });

  it('serves an identity session cached in the keychain without STS, as the full CLI prints it', async () => {
    const first = await w.rolebar(['credential-process', '--identity', 'alice', '--session']);
    assert.equal(first.code, 0, explain(first));
    w.emu.clearRequests();
    const fast = await entryAlone(['credential-process', '--identity', 'alice', '--session']);
    assert.equal(fast.code, 0, explain(fast));
    assert.equal(fast.stdout, first.stdout);
    assert.equal(w.emu.requests().length, 0, 'served from the keychain');
    const parsed = JSON.parse(fast.stdout);
    assert.match(parsed.AccessKeyId, /^ASIA/, 'a short session, never the long-term key');
    assert.notEqual(parsed.AccessKeyId, SEED_KEYS.alice.accessKeyId);
  });

  it('hands an identity without a cached session to the full CLI, which starts one', async () => {
    w.emu.clearRequests();
    const started = await entry(['credential-process', '--identity', 'carol', '--session']);
    assert.equal(started.code, 0, explain(started));
    assert.equal(w.emu.countRequests('GetSessionToken', 'OK'), 1);
    const again = await entry(['credential-process', '--identity', 'carol', '--session']);
    assert.equal(again.stdout, started.stdout, 'then served from the cache');
    assert.equal(w.emu.countRequests('GetSessionToken', 'OK'), 1);
    const unknown = ['credential-process', '--identity', 'nobody'];
    const [fast, full] = [await entry(unknown), await w.rolebar(unknown)];
    assert.deepEqual([fast.code, fast.stdout, fast.stderr], [full.code, full.stdout, full.stderr]);
  });

  it('ends with a clear error when the keychain never answers (a D-Bus that accepts and stays silent)', async () => {
    const socket = path.join(w.sandbox.dir, 'silent-bus');
    const connections = new Set<Socket>();
    const server: Server = createServer((c) => void connections.add(c));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      // A watchdog far beyond the bound, so a process that cannot exit fails the test instead of hanging it; the
      // keychain's own error on stderr shows that the bound, not the watchdog, ended it.
      const run = await new Promise<{ stdout: string; stderr: string; failed: boolean }>((resolve) =>
        execFile(
          process.execPath,
          [ENTRY, 'credential-process', '--identity', 'alice'],
          {
            env: { ...w.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` },
            timeout: 30_000,
            killSignal: 'SIGKILL',
          },
          (error, stdout, stderr) => resolve({ stdout, stderr, failed: error !== null }),
        ),
      );
      assert.ok(run.failed);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /keychain did not answer/i);
    } finally {
      for (const c of connections) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
