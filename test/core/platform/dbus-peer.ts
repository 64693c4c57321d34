// Test peers for the D-Bus client: a raw connection to a real bus (to own a name, answer calls by hand, or
// forge a reply as a hostile neighbour would), and a fake bus on a Unix socket whose answers a test scripts.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WireValue } from '../../../electron/core/platform/keychain/dbus/marshal.js';
import {
  decodeMessage,
  encodeMessage,
  FIELD,
  MESSAGE_TYPE,
  messageLength,
  type OutgoingMessage,
  type Received,
} from '../../../electron/core/platform/keychain/dbus/message.js';

export const BUS = 'org.freedesktop.DBus';

/** Splits a byte stream into messages as they complete. */
function messageStream(onMessage: (message: Received) => void): (chunk: Buffer) => void {
  let data = Buffer.alloc(0);
  return (chunk) => {
    data = Buffer.concat([data, chunk]);
    for (
      let length = messageLength(data);
      length > 0 && data.length >= length;
      length = messageLength(data)
    ) {
      onMessage(decodeMessage(data.subarray(0, length)));
      data = data.subarray(length);
    }
  };
}

/** A reply (or error) to `to`, from `sender` when the test plays the bus (a real bus stamps the sender itself). */
export function replyTo(
  to: Received,
  serial: number,
  options: { sender?: string; signature?: string; body?: WireValue[]; error?: string } = {},
): OutgoingMessage {
  const fields: OutgoingMessage['fields'] = [[FIELD.replySerial, to.serial]];
  const caller = to.fields.get(FIELD.sender);
  if (typeof caller === 'string') fields.push([FIELD.destination, caller]);
  if (options.sender) fields.push([FIELD.sender, options.sender]);
  if (options.error) fields.push([FIELD.errorName, options.error]);
  return {
    type: options.error ? MESSAGE_TYPE.error : MESSAGE_TYPE.methodReturn,
    serial,
    flags: 1,
    fields,
    ...(options.signature ? { signature: options.signature, body: options.body ?? [] } : {}),
  };
}

/** A connection to a real bus, spoken by hand: every message it receives is kept for `next`. */
export class RawPeer {
  private serial = 0;
  private received: Received[] = [];
  private waiters: Array<{ match: (m: Received) => boolean; resolve: (m: Received) => void }> = [];
  name = '';

  private constructor(private readonly socket: Socket) {
    const feed = messageStream((message) => {
      const i = this.waiters.findIndex((w) => w.match(message));
      if (i < 0) return void this.received.push(message);
      this.waiters.splice(i, 1)[0]?.resolve(message);
    });
    socket.on('data', feed);
  }

  /** Connects, authenticates as this user and says Hello (its reply gives the peer's unique name). */
  static async connect(socketPath: string): Promise<RawPeer> {
    const { connect } = await import('node:net');
    const socket = connect({ path: socketPath });
    await new Promise<void>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n')) return;
        socket.off('data', onData);
        if (!text.startsWith('OK ')) return reject(new Error(`bus refused: ${text}`));
        socket.write('BEGIN\r\n');
        resolve();
      };
      socket.on('data', onData).on('error', reject);
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid?.() ?? 0)).toString('hex')}\r\n`);
    });
    const peer = new RawPeer(socket);
    const hello = await peer.call(BUS, '/org/freedesktop/DBus', BUS, 'Hello');
    peer.name = String(hello.body[0]);
    return peer;
  }

  /** Sends `message` as it is (its serial taken from this peer's count when 0). */
  send(message: OutgoingMessage): void {
    this.socket.write(encodeMessage({ ...message, serial: message.serial || this.nextSerial() }));
  }

  nextSerial(): number {
    return ++this.serial;
  }

  /** Calls a method and waits for the reply with its serial (this peer trusts its bus). */
  async call(
    destination: string,
    objectPath: string,
    iface: string,
    member: string,
    signature?: string,
    body?: WireValue[],
  ): Promise<Received> {
    const serial = this.nextSerial();
    const reply = this.next((m) => m.fields.get(FIELD.replySerial) === serial);
    this.send({
      type: MESSAGE_TYPE.methodCall,
      serial,
      fields: [
        [FIELD.path, objectPath],
        [FIELD.interface, iface],
        [FIELD.member, member],
        [FIELD.destination, destination],
      ],
      ...(signature ? { signature, body: body ?? [] } : {}),
    });
    return reply;
  }

  /** The first message (already received or still to come) that `match` accepts. */
  next(match: (m: Received) => boolean): Promise<Received> {
    const i = this.received.findIndex(match);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0] as Received);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** What a fake bus does with each message a client sends it after BEGIN. */
export type FakeBusHandler = (message: Received, write: (message: OutgoingMessage | Buffer) => void) => void;

/**
 * A fake bus on a Unix socket in a temporary folder: accepts any AUTH, then hands each message to `handle`,
 * which answers as the test needs (a real bus would stamp senders; this one sends what it is told to).
 */
export async function fakeBus(
  handle: FakeBusHandler,
): Promise<{ socketPath: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-bus-'));
  const sockets = new Set<Socket>();
  let serial = 1000;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const write = (message: OutgoingMessage | Buffer) =>
      socket.write(Buffer.isBuffer(message) ? message : encodeMessage({ ...message, serial: ++serial }));
    const feed = messageStream((message) => handle(message, write));
    let head = Buffer.alloc(0);
    let greeted = false;
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      if (!greeted && head.includes('\r\n')) {
        greeted = true;
        socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
      }
      const begin = head.indexOf('BEGIN\r\n');
      if (begin < 0) return;
      socket.off('data', onData).on('data', feed);
      const rest = head.subarray(begin + 'BEGIN\r\n'.length);
      if (rest.length > 0) feed(rest);
    };
    socket.on('data', onData).on('error', () => undefined);
  });
  const socketPath = path.join(dir, 'bus');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rejects with `what` when `promise` has not settled by the watchdog (a hang detector, far beyond any need). */
export function watchdog<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung: ${what}`)), ms);
  });
  return Promise.race([promise, hung]).finally(() => clearTimeout(timer));
}
