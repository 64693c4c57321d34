// Which replies the D-Bus client takes (keychain/dbus/connection.ts), on fake buses: a message the client cannot
// read never ends a call it does not answer, and a message announced over 128 MiB ends the connection at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DBusConnection } from '../../../electron/core/platform/keychain/dbus/connection.js';
import { marshal, type WireValue } from '../../../electron/core/platform/keychain/dbus/marshal.js';
import { FIELD, MESSAGE_TYPE, type Received } from '../../../electron/core/platform/keychain/dbus/message.js';
import { BUS, fakeBus, replyTo, watchdog } from './dbus-peer.js';

const uid = process.getuid?.() ?? 0;
const member = (m: Received) => m.fields.get(FIELD.member);

type Answer = { sender?: string; signature?: string; body?: WireValue[] };
type Send = (reply: Answer | Buffer) => void;

/** A fake bus that answers Hello as a bus does, and every other call as `answer` says. */
function scriptedBus(answer: (call: Received, send: Send) => void) {
  return fakeBus((message, write) => {
    if (message.type !== MESSAGE_TYPE.methodCall) return;
    const send: Send = (reply) => write(Buffer.isBuffer(reply) ? reply : replyTo(message, 0, reply));
    if (member(message) === 'Hello') return send({ sender: BUS, signature: 's', body: [':1.9'] });
    answer(message, send);
  });
}

describe('replies from a fake bus', () => {
  it('answers a call even when a message of types it cannot read arrives first', async () => {
    // A signal holding an int64 (a type the reader does not know), then the reply.
    const bus = await scriptedBus((call, send) => {
      if (member(call) === 'GetNameOwner') send({ sender: BUS, signature: 's', body: [':1.1'] });
      if (member(call) === 'Ping') {
        send(rawSignal('x', Buffer.alloc(8)));
        send({ sender: ':1.1', signature: 's', body: ['pong'] });
      }
    });
    const connection = await DBusConnection.open(bus.socketPath, uid);
    try {
      const answer = connection.call({ destination: 'a.B', path: '/a', interface: 'a.B', member: 'Ping' });
      assert.deepEqual(await watchdog(answer, 'the reply after the signal'), ['pong']);
    } finally {
      connection.close();
      await bus.close();
    }
  });

  it('a message announced over 128 MiB ends the connection at once instead of being buffered', async () => {
    const bus = await scriptedBus((call, send) => {
      if (member(call) !== 'Ping') return;
      const header = Buffer.alloc(16);
      header.write('l', 0, 'latin1');
      header.writeUInt8(4, 1);
      header.writeUInt8(1, 3);
      header.writeUInt32LE(128 * 1024 * 1024, 4); // the body alone: with any header, over the limit
      header.writeUInt32LE(1, 8);
      header.writeUInt32LE(0, 12);
      send(header);
    });
    const connection = await DBusConnection.open(bus.socketPath, uid);
    try {
      const answer = connection.call({ destination: 'a.B', path: '/a', interface: 'a.B', member: 'Ping' });
      await assert.rejects(watchdog(answer, 'the connection to end'), /at most 134217728/);
      assert.equal(connection.closed, true);
    } finally {
      connection.close();
      await bus.close();
    }
  });
});

/** A signal from `:1.1` with a body of `signature` (bytes as given): the client never needs to read it. */
function rawSignal(signature: string, body: Buffer): Buffer {
  const header = marshal('yyyyuua(yv)', [
    0x6c,
    MESSAGE_TYPE.signal,
    0,
    1,
    body.length,
    99,
    [
      [FIELD.path, { signature: 'o', value: '/x' }],
      [FIELD.interface, { signature: 's', value: 'a.B' }],
      [FIELD.member, { signature: 's', value: 'Changed' }],
      [FIELD.sender, { signature: 's', value: ':1.1' }],
      [FIELD.signature, { signature: 'g', value: signature }],
    ],
  ]);
  return Buffer.concat([header, Buffer.alloc((8 - (header.length % 8)) % 8), body]);
}
