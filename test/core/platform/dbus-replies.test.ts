// Which replies the D-Bus client takes (keychain/dbus/connection.ts): a reply counts only when its serial AND
// its sender match, because serials are predictable and a session bus forwards a METHOD_RETURN that any other
// connection addresses to us. On the suite's real session bus, a neighbour's forged reply is dropped and the
// genuine one taken; on fake buses, replies to the bus's own calls count only from the bus, a message the client
// cannot read never ends a call it does not answer, and a message announced over 128 MiB ends the connection.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DBusConnection, socketPathOf } from '../../../electron/core/platform/keychain/dbus/connection.js';
import { marshal, type WireValue } from '../../../electron/core/platform/keychain/dbus/marshal.js';
import { FIELD, MESSAGE_TYPE, type Received } from '../../../electron/core/platform/keychain/dbus/message.js';
import { BUS, fakeBus, RawPeer, replyTo, watchdog } from './dbus-peer.js';

const uid = process.getuid?.() ?? 0;
const member = (m: Received) => m.fields.get(FIELD.member);
const calls = (name: string) => (m: Received) => m.type === MESSAGE_TYPE.methodCall && member(m) === name;

describe('replies on the real session bus', { skip: process.platform !== 'linux' }, () => {
  const socketPath = socketPathOf(process.env.DBUS_SESSION_BUS_ADDRESS ?? '');
  const peers: RawPeer[] = [];
  let client: DBusConnection | undefined;
  // A name of this test's own, held by a peer that answers by hand: its reply can be held back at will.
  const name = `org.rolebar.Test.Forged.P${process.pid}R${randomBytes(4).toString('hex')}`;
  let service: RawPeer;
  let neighbour: RawPeer;
  before(async () => {
    assert.ok(socketPath, 'npm test runs the suite on its own session bus (a Unix socket)');
    service = await RawPeer.connect(socketPath);
    peers.push(service);
    neighbour = await RawPeer.connect(socketPath);
    peers.push(neighbour);
    const owned = await service.call(BUS, '/org/freedesktop/DBus', BUS, 'RequestName', 'su', [name, 4]);
    assert.deepEqual(owned.body, [1], 'the test peer owns its name');
  });
  after(() => {
    client?.close();
    for (const peer of peers) peer.close();
  });

  it("drops a neighbour's forged METHOD_RETURN with the right serial, and takes the owner's", async () => {
    assert.ok(socketPath);
    client = await DBusConnection.open(socketPath, uid);
    const answer = client.call({
      destination: name,
      path: '/test',
      interface: 'org.rolebar.Test',
      member: 'Ping',
    });
    const call = await watchdog(service.next(calls('Ping')), 'the call to reach the test service');
    const caller = String(call.fields.get(FIELD.sender));
    // The neighbour forges the reply (serials are predictable), then makes one round trip to the bus: by its
    // answer, the bus has queued the forged reply to the client, before the genuine one below.
    neighbour.send(replyTo(call, 0, { signature: 's', body: ['forged'] }));
    await neighbour.call(BUS, '/org/freedesktop/DBus', 'org.freedesktop.DBus.Peer', 'Ping');
    assert.equal(caller.startsWith(':'), true);
    service.send(replyTo(call, 0, { signature: 's', body: ['genuine'] }));
    assert.deepEqual(await watchdog(answer, 'the genuine reply'), ['genuine']);
  });
});

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
  it('a reply to a call to the bus counts only from the bus: a forged owner is never believed', async () => {
    const bus = await scriptedBus((call, send) => {
      if (member(call) === 'GetNameOwner') {
        send({ sender: ':1.66', signature: 's', body: [':1.66'] }); // forged: from a neighbour
        send({ sender: BUS, signature: 's', body: [':1.5'] });
      }
      if (member(call) === 'Ping') {
        send({ sender: ':1.66', signature: 's', body: ['forged'] });
        send({ sender: ':1.5', signature: 's', body: ['genuine'] });
      }
    });
    const connection = await DBusConnection.open(bus.socketPath, uid);
    try {
      const answer = connection.call({ destination: 'a.B', path: '/a', interface: 'a.B', member: 'Ping' });
      assert.deepEqual(await watchdog(answer, 'the genuine reply'), ['genuine']);
    } finally {
      connection.close();
      await bus.close();
    }
  });

  it('a reply with no sender, or from the bus for a call to a service, is dropped', async () => {
    const bus = await scriptedBus((call, send) => {
      if (member(call) === 'GetNameOwner') send({ sender: BUS, signature: 's', body: [':1.5'] });
      if (member(call) === 'Ping') {
        send({ signature: 's', body: ['no sender'] });
        send({ sender: BUS, signature: 's', body: ['from the bus'] });
        send({ sender: ':1.5', signature: 's', body: ['genuine'] });
      }
    });
    const connection = await DBusConnection.open(bus.socketPath, uid);
    try {
      const answer = connection.call({ destination: 'a.B', path: '/a', interface: 'a.B', member: 'Ping' });
      assert.deepEqual(await watchdog(answer, 'the genuine reply'), ['genuine']);
    } finally {
      connection.close();
      await bus.close();
    }
  });

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
