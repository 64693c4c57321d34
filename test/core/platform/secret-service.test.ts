// The CLI reads secrets from the Secret Service over D-Bus in plain JavaScript (secret-service.ts, dbus/).
// It must read exactly what keytar wrote (the suite's real gnome-keyring), over libsecret's encrypted session,
// and a bus that never answers must end in an error and an exit, never a hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { socketPathOf } from '../../../electron/core/platform/keychain/dbus/connection.js';
import { openKeychain } from '../../../electron/core/platform/keychain/keychain.js';
import {
  type SecretReader,
  secretServiceReader,
} from '../../../electron/core/platform/keychain/secret-service.js';
import { makeSandbox } from '../../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the D-Bus session bus address', () => {
  it('finds the socket in a bus address', () => {
    assert.equal(socketPathOf('unix:path=/run/user/1000/bus'), '/run/user/1000/bus');
    assert.equal(socketPathOf('unix:path=/tmp/dbus-x,guid=abc'), '/tmp/dbus-x');
    assert.equal(socketPathOf('unix:abstract=/tmp/dbus-y,guid=abc'), '\0/tmp/dbus-y');
    assert.equal(socketPathOf('unix:path=/tmp/with%2ccomma'), '/tmp/with,comma');
    assert.equal(socketPathOf('tcp:host=localhost,port=1;unix:path=/b'), '/b');
    assert.equal(socketPathOf('tcp:host=localhost,port=1'), undefined);
    assert.equal(socketPathOf(''), undefined);
  });
});

describe('reading what keytar wrote (real Secret Service)', { skip: process.platform !== 'linux' }, () => {
  const sandbox = makeSandbox('secret-service');
  const keychain = openKeychain({ service: sandbox.keychainService, env: sandbox.env });
  const other = openKeychain({ service: `${sandbox.keychainService}-other`, env: sandbox.env });
  after(async () => {
    for (const store of [keychain, other])
      for (const account of await store.list()) await store.delete(account);
    sandbox.cleanup();
  });

  it('reads every entry exactly, over an encrypted session, and nothing of another service', async () => {
    const entries: Record<string, string> = {
      alice: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEKEY0001',
      'über konto': `ünïcödé ${'z'.repeat(5_000)}`,
      'mfa-session:alice': JSON.stringify({ token: 'FAKE', at: 1 }),
    };
    for (const [account, secret] of Object.entries(entries)) await keychain.set(account, secret);
    await other.set('bob', 'other-service/FAKE');
    const reader = secretServiceReader(sandbox.env);
    assert.ok(reader, 'the suite bus is a Unix socket');
    // Reads on one connection, and on fresh ones (each session agrees a key of its own).
    for (let round = 0; round < 40; round++) {
      const fresh: SecretReader | undefined = round % 2 === 0 ? secretServiceReader(sandbox.env) : reader;
      assert.ok(fresh);
      for (const [account, secret] of Object.entries(entries))
        assert.equal(await fresh.getPassword(sandbox.keychainService, account), secret);
      if (fresh !== reader) fresh.reset();
    }
    assert.equal(reader.algorithm(), 'dh-ietf1024-sha256-aes128-cbc-pkcs7');
    assert.equal(await reader.getPassword(sandbox.keychainService, 'bob'), null, 'another service');
    assert.equal(await reader.getPassword(sandbox.keychainService, 'nobody'), null);
    reader.reset();
  });

  it('is what openKeychain reads through on Linux, and sees a change keytar makes at once', async () => {
    await keychain.set('rotating', 'old/FAKE');
    assert.equal(await keychain.get('rotating'), 'old/FAKE');
    await keychain.set('rotating', 'new/FAKE');
    assert.equal(await keychain.get('rotating'), 'new/FAKE');
    await keychain.delete('rotating');
    assert.equal(await keychain.get('rotating'), null);
  });
});

describe('a bus that accepts and never answers', { skip: process.platform !== 'linux' }, () => {
  const sandbox = makeSandbox('secret-service-hang');
  const connections = new Set<Socket>();
  const server = createServer((connection) => void connections.add(connection));
  const socket = path.join(sandbox.dir, 'bus');
  after(async () => {
    for (const connection of connections) connection.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    sandbox.cleanup();
  });

  it('fails a read within its bound, and the process then exits by itself', async () => {
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    // No process.exit in the script: if the reader kept anything open, the child would not end.
    const script = `
      import { openKeychain } from './electron/core/platform/keychain/keychain.ts';
      const keychain = openKeychain({ service: 'rolebar-test-hang', timeoutMs: 1500 });
      const started = Date.now();
      try { await keychain.get('alice'); console.log('answered'); }
      catch (error) { console.log(JSON.stringify({ code: error.code, ms: Date.now() - started })); }
    `;
    const result = await new Promise<{ code: number | null; out: string; ms: number }>((resolve, reject) => {
      const started = Date.now();
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        env: { ...sandbox.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}` },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(watchdog);
        resolve({ code, out, ms: Date.now() - started });
      });
    });
    assert.equal(result.code, 0, `exited by itself: ${result.out}`);
    const outcome = JSON.parse(result.out.trim()) as { code: string; ms: number };
    assert.equal(outcome.code, 'keychain-timeout');
    assert.ok(outcome.ms >= 1_400, `gave up after ${outcome.ms} ms, not before its bound`);
  });
});
