// The CLI reads secrets from the Secret Service over D-Bus in plain JavaScript (secret-service.ts, dbus-wire.ts).
// It must read exactly what keytar wrote (the suite's real gnome-keyring), over libsecret's encrypted session,
// and a bus that never answers must end in an error and an exit, never a hang.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DBusConnection,
  decodeMessage,
  encodeCall,
  marshal,
  socketPathOf,
  splitSignature,
  unmarshal,
} from '../../../electron/core/platform/keychain/dbus-wire.js';
import { openKeychain } from '../../../electron/core/platform/keychain/keychain.js';
import {
  type SecretReader,
  secretServiceReader,
} from '../../../electron/core/platform/keychain/secret-service.js';
import type { WireValue } from '../../../electron/core/platform/keychain/dbus-wire.js';
import { makeSandbox } from '../../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('the D-Bus wire format', () => {
  it('splits signatures into complete types', () => {
    assert.deepEqual(splitSignature('a{ss}ao(oayays)v'), ['a{ss}', 'ao', '(oayays)', 'v']);
    assert.throws(() => splitSignature('(ss'), /unbalanced/);
  });

  it('reads back what it writes, with the padding each type needs', () => {
    const values = [
      'plain',
      { signature: 'ay', value: Buffer.from([0, 1, 2, 255]) },
      [
        ['service', 'Rolebar'],
        ['account', 'ünïcödé'],
      ],
      ['/a/b', '/c'],
      ['/session/1', Buffer.alloc(16, 7), Buffer.from('secret/FAKE'), 'text/plain'],
      true,
      7,
    ];
    const signature = 'sva{ss}ao(oayays)bu';
    const body = marshal(signature, values);
    // A struct starts on an 8-byte boundary: after `s` (4+5+1), `v` (1+2+1 sig, pad, 4+4) and the dict.
    assert.deepEqual(unmarshal(signature, body), values);
  });

  it('decodes a big-endian message as well as its own little-endian ones', () => {
    const little = encodeCall(
      {
        destination: 'org.example',
        path: '/org/example',
        interface: 'org.example.I',
        member: 'M',
        signature: 'su',
        body: ['hi', 258],
      },
      9,
    );
    const decoded = decodeMessage(little);
    assert.deepEqual(decoded.body, ['hi', 258]);
    assert.equal(decoded.fields.get(3), 'M');
    // A method return written big-endian by hand ('B'), as another implementation may send it.
    const big = Buffer.from(
      [
        '42020001', // 'B', method return, no flags, version 1
        '0000000c', // body: 12 bytes
        '00000005', // serial 5
        '00000010', // header fields: 16 bytes
        '05017500', // field 5 (reply serial), variant of "u", padding
        '00000009', // 9
        '0801670002737500', // field 8 (signature), variant of "g": "su"
        '0000000268690000', // "hi" and padding
        '00000102', // 258
      ].join(''),
      'hex',
    );
    const reply = decodeMessage(big);
    assert.equal(reply.type, 2);
    assert.equal(reply.fields.get(5), 9);
    assert.deepEqual(reply.body, ['hi', 258]);
  });

  it('answers a call even when a message of types it cannot read arrives first', async () => {
    // A bus that authenticates anyone, then sends a signal holding an int64 (a type the reader does not know)
    // and the reply to the first call after Hello (serial 2).
    const message = (type: number, fields: WireValue[], signature: string, body: Buffer) => {
      const header = marshal('yyyyuua(yv)', [
        0x6c,
        type,
        0,
        1,
        body.length,
        99,
        [...fields, [8, { signature: 'g', value: signature }]],
      ]);
      return Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8), body]);
    };
    const signal = message(
      4,
      [
        [1, { signature: 'o', value: '/x' }],
        [2, { signature: 's', value: 'a.B' }],
        [3, { signature: 's', value: 'Changed' }],
      ],
      'x',
      Buffer.alloc(8),
    );
    const reply = message(2, [[5, { signature: 'u', value: 2 }]], 's', marshal('s', ['pong']));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-bus-'));
    const server = createServer((socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        const before = text;
        text += chunk.toString('latin1');
        if (text.includes('AUTH') && !before.includes('AUTH'))
          socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
        if (text.includes('BEGIN') && !before.includes('BEGIN')) socket.write(Buffer.concat([signal, reply]));
      });
    });
    const socketPath = path.join(dir, 'bus');
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      const connection = await DBusConnection.open(socketPath, 1000);
      const answer = await connection.call({
        destination: 'a.B',
        path: '/a',
        interface: 'a.B',
        member: 'Ping',
      });
      assert.deepEqual(answer, ['pong']);
      connection.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
