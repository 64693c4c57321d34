import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  KeychainUnavailableError,
  type KeytarLike,
  openKeychain,
} from '../../../electron/core/platform/keychain/keychain.js';
import {
  type HelperProcess,
  type StartHelper,
  forkHelper,
} from '../../../electron/core/platform/keychain/runner.js';
import { makeSandbox } from '../../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

describe('keychain (real Secret Service)', () => {
  const sandbox = makeSandbox('keychain');
  const keychain = openKeychain({ service: sandbox.keychainService });
  after(async () => {
    for (const account of await keychain.list()) await keychain.delete(account);
    sandbox.cleanup();
  });

  it('stores, reads, lists and deletes secrets under its own service', async () => {
    await keychain.set('alice', 'secret-value-FAKE-1');
    await keychain.set('carol', 'secret-value-FAKE-2');
    assert.equal(await keychain.get('alice'), 'secret-value-FAKE-1');
    assert.deepEqual(await keychain.list(), ['alice', 'carol']);
    assert.equal(await keychain.delete('alice'), true);
    assert.equal(await keychain.delete('alice'), false);
    assert.equal(await keychain.get('alice'), null);
    assert.deepEqual(await keychain.list(), ['carol']);
  });

  it('overwrites a secret in place (key rotation)', async () => {
    await keychain.set('rotate', 'old-FAKE');
    await keychain.set('rotate', 'new-FAKE');
    assert.equal(await keychain.get('rotate'), 'new-FAKE');
    assert.deepEqual(
      (await keychain.list()).filter((a) => a === 'rotate'),
      ['rotate'],
    );
  });

  it('does not count a slow start of its helper process against the keychain call (a busy machine is not a hung keychain)', async () => {
    // The real helper and keyring, but the helper starts 2.5 s late, as on a machine under heavy load: a call
    // bounded at 2 s must still succeed, because its bound starts once the helper listens.
    const lateStart: StartHelper = (modulePath) => {
      let real: HelperProcess | undefined;
      let killed = false;
      const waiting: Array<(helper: HelperProcess) => void> = [];
      const onceStarted = (action: (helper: HelperProcess) => void) =>
        real ? action(real) : waiting.push(action);
      setTimeout(() => {
        if (killed) return;
        const started = forkHelper(modulePath);
        real = started;
        for (const action of waiting.splice(0)) action(started);
      }, 2_500);
      return {
        send: (request) => onceStarted((helper) => helper.send(request)),
        onMessage: (listener) => onceStarted((helper) => helper.onMessage(listener)),
        onExit: (listener) => onceStarted((helper) => helper.onExit(listener)),
        hold: (busy) => onceStarted((helper) => helper.hold(busy)),
        kill: () => {
          killed = true;
          real?.kill();
        },
      };
    };
    const late = openKeychain({ service: sandbox.keychainService, timeoutMs: 2_000, startHelper: lateStart });
    await late.set('late-start', 'FAKE-late-start-secret');
    assert.equal(await keychain.get('late-start'), 'FAKE-late-start-secret');
  });

  it('keeps services apart', async () => {
    const other = openKeychain({ service: `${sandbox.keychainService}-other` });
    await keychain.set('shared-name', 'mine-FAKE');
    assert.equal(await other.get('shared-name'), null);
    assert.deepEqual(await other.list(), []);
  });

  it('rejects empty secrets and malformed entry names without calling the keychain', async () => {
    await assert.rejects(() => keychain.set('x', ''), /empty secret/);
    await assert.rejects(() => keychain.get('two\nlines'), /one line/);
  });
});

/** Runs a keychain call in a child process with a broken environment, so libsecret starts from scratch. */
async function keychainCallIn(
  env: NodeJS.ProcessEnv,
): Promise<{ code: string; message: string; ms: number }> {
  const script = `
    import { openKeychain } from './electron/core/platform/keychain/keychain.ts';
    const started = Date.now();
    try {
      await openKeychain({ service: 'rolebar-test-unreachable', timeoutMs: 4000 }).get('nobody');
      console.log(JSON.stringify({ code: 'ok', message: '', ms: Date.now() - started }));
    } catch (error) {
      console.log(JSON.stringify({ code: error.code, message: error.toUserString(), ms: Date.now() - started }));
    }
    process.exit(0);
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env,
    timeout: 20_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

describe(
  'keychain unreachable: fails fast with advice, never hangs',
  {
    skip: process.platform !== 'linux',
  },
  () => {
    it('no D-Bus session bus at all', async () => {
      const env = {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: '',
        XDG_RUNTIME_DIR: '/nonexistent',
        DISPLAY: '',
      };
      const result = await keychainCallIn(env);
      assert.equal(result.code, 'keychain-no-session-bus');
      assert.match(result.message, /D-Bus/);
      assert.match(result.message, /apt-get install (-y )?gnome-keyring/);
      // Offered, never chosen silently: the encrypted keychain file, and how to turn it on.
      assert.match(result.message, /set ROLEBAR_KEYCHAIN=file and run `rolebar keychain unlock`/);
    });

    it('a session bus address that nothing listens on', async () => {
      const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
      const result = await keychainCallIn(env);
      assert.equal(result.code, 'keychain-no-session-bus');
      assert.ok(result.ms < 4000, `took ${result.ms} ms`);
    });

    it('a session bus whose keyring has no unlocked login collection', async () => {
      // A fresh dbus-run-session auto-starts gnome-keyring, which has no login keyring and cannot prompt here.
      const sandbox = makeSandbox('locked');
      try {
        const runtime = path.join(sandbox.dir, 'run');
        await run('mkdir', ['-m', '700', runtime]);
        const env = {
          ...sandbox.env,
          DBUS_SESSION_BUS_ADDRESS: '',
          XDG_RUNTIME_DIR: runtime,
          XDG_DATA_HOME: path.join(sandbox.dir, 'data'),
          DISPLAY: '',
        };
        const script = `
        import { openKeychain } from './electron/core/platform/keychain/keychain.ts';
        try { await openKeychain({ service: 'rolebar-test-locked', timeoutMs: 4000 }).set('a', 'FAKE'); console.log(JSON.stringify({ code: 'ok' })); }
        catch (error) { console.log(JSON.stringify({ code: error.code, message: error.toUserString() })); }
        process.exit(0);
      `;
        const { stdout } = await run(
          'dbus-run-session',
          ['--', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
          { cwd: root, env, timeout: 20_000 },
        );
        const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
        assert.match(result.code, /^keychain-(locked|timeout|no-secret-service)$/);
        assert.match(result.message, /unlock|Secret Service/i);
      } finally {
        sandbox.cleanup();
      }
    });

    it('a keychain that never answers times out with a typed error', async () => {
      const hung: KeytarLike = {
        getPassword: () => new Promise(() => {}),
        setPassword: () => new Promise(() => {}),
        deletePassword: () => new Promise(() => {}),
        findCredentials: () => new Promise(() => {}),
      };
      const keychain = openKeychain({ service: 'rolebar-test-hung', keytar: hung, timeoutMs: 50 });
      await assert.rejects(
        () => keychain.get('anyone'),
        (error: unknown) => error instanceof KeychainUnavailableError && error.reason === 'timeout',
      );
    });
  },
);
