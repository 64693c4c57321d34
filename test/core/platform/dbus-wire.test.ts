// The D-Bus wire format (keychain/dbus/marshal.ts, message.ts): what it writes reads back, and what a hostile
// peer writes ends in an error, never a loop or unbounded memory: an array of empty structs `a()` in a header
// field, nesting past the spec's 64, arrays past 64 MiB; and a fuzz over the decoder, in a child process with a
// small heap and a watchdog, so that a regression fails the test instead of hanging the suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { marshal, splitSignature, unmarshal } from '../../../electron/core/platform/keychain/dbus/marshal.js';
import { decodeMessage, encodeCall } from '../../../electron/core/platform/keychain/dbus/message.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const child = path.join(root, 'test/core/platform/dbus-decode-child.ts');

/** Runs the decode child with `args`; its stdout lines, or a failure naming a hang or a crash (out of memory). */
function decodeInChild(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--max-old-space-size=256', '--import', 'tsx', child, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // Far beyond what the child needs: it only fires when the decoder loops.
    let hung = false;
    const watchdog = setTimeout(() => {
      hung = true;
      proc.kill('SIGKILL');
    }, 60_000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(watchdog);
      if (hung) return reject(new Error('the decoder hung (killed by the watchdog)'));
      if (code !== 0) return reject(new Error(`the decoder crashed (${code ?? signal}): ${err.slice(-600)}`));
      resolve(out.trim().split('\n'));
    });
  });
}

/** A signal whose header holds one extra field (code 9) of `signature`, followed by `value`'s bytes. */
function signalWithField(signature: string, value: Buffer): Buffer {
  const field = Buffer.concat([
    Buffer.from([9, signature.length]),
    Buffer.from(signature),
    Buffer.of(0),
    value,
  ]);
  const header = Buffer.alloc(16);
  header.write('l', 0, 'latin1');
  header.writeUInt8(4, 1); // a signal: nobody waits for it, and anyone on the bus may send one
  header.writeUInt8(1, 3);
  header.writeUInt32LE(0, 4);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(field.length, 12);
  return Buffer.concat([header, field, Buffer.alloc((8 - (field.length % 8)) % 8)]);
}

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
    assert.equal(decoded.serial, 9);
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
});

describe('hostile input to the D-Bus decoder', () => {
  it('refuses an array of empty structs `a()` in a header field instead of looping forever', async () => {
    // Padding to 4, an array of 8 bytes, padding to 8, the 8 bytes: nothing a `()` consumes, so the reader
    // that took it as a type never advanced (and grew its list of empty structs until the heap gave out).
    const value = Buffer.from([0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const message = signalWithField('a()', value);
    const [outcome] = await decodeInChild(['inputs', message.toString('hex')]);
    assert.match(outcome ?? '', /error: .*empty struct/);
    assert.throws(() => splitSignature('a()'), /empty struct/);
    assert.throws(() => splitSignature('a(())'), /empty struct/);
  });

  it('refuses dict entries outside arrays, with more than a key and a value, or a key that is not basic', () => {
    assert.throws(() => splitSignature('{sv}'), /outside an array/);
    assert.throws(() => splitSignature('a{sss}'), /a key and one value/);
    assert.throws(() => splitSignature('a{vs}'), /basic type/);
    assert.throws(() => splitSignature('a{}'), /basic type/);
  });

  it('allows 32 arrays and 32 structs nested in a signature, not 33, nor a signature over 255', () => {
    assert.deepEqual(splitSignature(`${'a'.repeat(32)}y`), [`${'a'.repeat(32)}y`]);
    assert.throws(() => splitSignature(`${'a'.repeat(33)}y`), /nested too deep/);
    const structs = (n: number) => `${'('.repeat(n)}y${')'.repeat(n)}`;
    assert.deepEqual(splitSignature(structs(32)), [structs(32)]);
    assert.throws(() => splitSignature(structs(33)), /nested too deep/);
    assert.throws(() => splitSignature('y'.repeat(256)), /256 characters/);
  });

  it('allows values 64 containers deep across variants, not 65', () => {
    // n variants, each holding the next, around one byte.
    const nested = (n: number): Buffer => {
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++) parts.push(Buffer.from([1, 0x76, 0])); // signature "v"
      parts[n - 1] = Buffer.from([1, 0x79, 0]); // the last holds a "y"
      return Buffer.concat([...parts, Buffer.of(42)]);
    };
    const unwrap = (value: unknown, n: number): unknown =>
      n === 0 ? value : unwrap((value as { value: unknown }).value, n - 1);
    assert.equal(unwrap(unmarshal('v', nested(64))[0], 64), 42);
    assert.throws(() => unmarshal('v', nested(65)), /nested more than 64/);
    assert.throws(() => unmarshal('v', nested(100_000)), /nested more than 64/);
  });

  it('refuses an array over 64 MiB, before reading its items', () => {
    const length = 64 * 1024 * 1024 + 4;
    const body = Buffer.alloc(4 + length);
    body.writeUInt32LE(length, 0);
    assert.throws(() => unmarshal('ay', body), /an array of 67108868 bytes \(at most 67108864\)/);
    assert.throws(() => unmarshal('au', body), /at most 67108864/);
  });

  it('refuses a header field of the wrong type, and an array element running past its array', () => {
    assert.throws(
      () => decodeMessage(signalWithFieldCode(5, 's', 'x')),
      /header field 5 of type "s", not "u"/,
    );
    // "as" of 6 bytes holding a string of 3: the string ends past the array.
    const body = Buffer.from([6, 0, 0, 0, 3, 0, 0, 0, 0x61, 0x62, 0x63, 0]);
    assert.throws(() => unmarshal('as', body), /runs past the array/);
  });

  it('fuzz: raw and mutated messages end in a value or an Error, within a small heap (fixed seed)', async () => {
    const lines = await decodeInChild(['fuzz', '20240524', '1500']);
    assert.deepEqual(lines, ['ok']);
  });
});

/** A message with one header field `code` of `signature` holding the string `text`. */
function signalWithFieldCode(code: number, signature: string, text: string): Buffer {
  const value = marshal('s', [text]);
  const field = Buffer.concat([
    Buffer.from([code, signature.length]),
    Buffer.from(signature),
    Buffer.of(0),
    value,
  ]);
  const header = Buffer.alloc(16);
  header.write('l', 0, 'latin1');
  header.writeUInt8(4, 1);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(field.length, 12);
  return Buffer.concat([header, field, Buffer.alloc((8 - (field.length % 8)) % 8)]);
}
