/*
 * A D-Bus client connection over a Unix socket: authentication, Hello, method calls and their replies, each
 * reply taken only from the peer the call went to. Marshalling is in marshal.ts, messages in message.ts.
 * Nothing here blocks a thread: a bus that never answers is a promise that never settles, which the caller's
 * bound and `close()` end, so a hung keychain can never keep the process from exiting.
 * Spec: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Bus Specification", "Authentication").
 */
import type { Socket } from 'node:net';
import type { WireValue } from './marshal.js';
import {
  DBusError,
  decodeMessage,
  encodeCall,
  FIELD,
  MESSAGE_TYPE,
  type MethodCall,
  messageLength,
  type Received,
} from './message.js';

/** The bus itself: its name, which it also puts as the sender of its own replies. */
const BUS = 'org.freedesktop.DBus';

/** Where a D-Bus address (`unix:path=…`, `unix:abstract=…`, several separated by `;`) says to connect. */
export function socketPathOf(address: string): string | undefined {
  for (const entry of address.split(';')) {
    const colon = entry.indexOf(':');
    if (entry.slice(0, colon) !== 'unix') continue;
    const keys = new Map(
      entry
        .slice(colon + 1)
        .split(',')
        .map((pair): [string, string] => {
          const eq = pair.indexOf('=');
          return [pair.slice(0, eq), unescapeAddress(pair.slice(eq + 1))];
        }),
    );
    const file = keys.get('path');
    if (file) return file;
    const abstract = keys.get('abstract');
    if (abstract) return `\0${abstract}`;
  }
  return undefined;
}

function unescapeAddress(value: string): string {
  return value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

interface Pending {
  destination: string;
  resolve: (body: WireValue[]) => void;
  reject: (e: Error) => void;
}

/**
 * A client connection to a message bus. Only calls in flight hold the process open (an idle connection never
 * delays an exit); bounding them is the caller's job, and `close()` rejects them.
 *
 * Replies are matched on their serial AND their sender: serials are predictable, and a session bus forwards a
 * METHOD_RETURN that any other connection addresses to us. The bus stamps each message with its true sender,
 * so a reply counts only from the bus (for calls to the bus) or from the current owner of the well-known name
 * the call went to (asked of the bus with GetNameOwner); anything else is dropped and the call waits on.
 */
export class DBusConnection {
  private serial = 0;
  private pending = new Map<number, Pending>();
  /** Unread bytes, kept as chunks until a whole message is there (a big message is joined once, not per chunk). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needed = 16;
  private failure: Error | undefined;
  /** The owner the bus named for each well-known name called (undefined: it has none, or did not say). */
  private owners = new Map<string, Promise<string | undefined>>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(new Error(`D-Bus connection failed: ${error.message}`)));
    socket.on('close', () => this.fail(new Error('D-Bus connection closed')));
  }

  /**
   * Connects to the socket at `socketPath`, authenticates as this user (EXTERNAL) and says Hello. The Hello is
   * sent without waiting for its answer: the bus handles messages in order, so calls may follow at once.
   */
  static open(socketPath: string, uid: number, signal?: AbortSignal): Promise<DBusConnection> {
    return new Promise((resolve, reject) => {
      // node:net on first use: commands that never read a secret (a cached credential_process) skip loading it.
      const socket = process.getBuiltinModule('node:net').connect({ path: socketPath });
      let greeting = '';
      const refuse = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      signal?.addEventListener('abort', () => refuse(new Error('D-Bus connection abandoned')), {
        once: true,
      });
      const onError = (error: NodeJS.ErrnoException) =>
        refuse(new Error(`Could not connect to the D-Bus session bus (${error.code ?? error.message})`));
      const onData = (chunk: Buffer) => {
        greeting += chunk.toString('latin1');
        if (!greeting.includes('\r\n')) return;
        socket.off('data', onData).off('error', onError);
        if (!greeting.startsWith('OK '))
          return refuse(new Error('The D-Bus session bus refused to authenticate us'));
        socket.write('BEGIN\r\n');
        const connection = new DBusConnection(socket);
        void connection
          .call({ destination: BUS, path: '/org/freedesktop/DBus', interface: BUS, member: 'Hello' })
          .catch(() => undefined); // a failed Hello fails the calls after it too
        resolve(connection);
      };
      socket.on('error', onError).on('data', onData);
      // Queued now, sent as soon as the socket connects: the caller may work meanwhile.
      socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`);
    });
  }

  /** Calls a method; resolves to the reply's body, rejects with a DBusError for an error reply. */
  call(call: MethodCall): Promise<WireValue[]> {
    if (this.failure) return Promise.reject(this.failure);
    const serial = ++this.serial;
    return new Promise((resolve, reject) => {
      this.pending.set(serial, { destination: call.destination, resolve, reject });
      this.socket.ref(); // a call in flight holds the process, as any request does; an idle connection does not
      this.socket.write(encodeCall(call, serial));
      // Asked right behind the first call to a name: the bus answers it before the named service can answer.
      if (isWellKnown(call.destination) && !this.owners.has(call.destination))
        void this.ownerOf(call.destination);
    });
  }

  /** Whether the connection has ended (a new one is needed). */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Ends the connection; calls in flight reject. */
  close(): void {
    this.fail(new Error('D-Bus connection closed'));
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    let data = Buffer.concat(this.chunks, this.buffered);
    try {
      for (
        let length = messageLength(data);
        length > 0 && data.length >= length;
        length = messageLength(data)
      ) {
        const message = decodeMessage(data.subarray(0, length));
        data = data.subarray(length);
        this.settle(message);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    this.chunks = data.length > 0 ? [data] : [];
    this.buffered = data.length;
    this.needed = Math.max(16, messageLength(data));
  }

  private settle(message: Received): void {
    if (message.type !== MESSAGE_TYPE.methodReturn && message.type !== MESSAGE_TYPE.error) return; // signals, calls
    const serial = message.fields.get(FIELD.replySerial);
    const waiting = typeof serial === 'number' ? this.pending.get(serial) : undefined;
    const sender = message.fields.get(FIELD.sender);
    if (!waiting || typeof serial !== 'number' || typeof sender !== 'string') return;
    if (!isWellKnown(waiting.destination)) {
      if (sender === waiting.destination) this.deliver(serial, waiting, message);
      return;
    }
    void this.owns(waiting.destination, sender).then((owner) => {
      if (owner && this.pending.get(serial) === waiting) this.deliver(serial, waiting, message);
    });
  }

  /**
   * Whether `sender` owns `name` now. The first answer is kept; when it names someone else (or no one: the bus
   * was still starting the service), the bus is asked once more, as the owner may have changed since.
   */
  private async owns(name: string, sender: string): Promise<boolean> {
    if (!sender.startsWith(':')) return false; // only the bus has a name of its own as a sender
    return (await this.ownerOf(name)) === sender || (await this.ownerOf(name, true)) === sender;
  }

  private ownerOf(name: string, fresh = false): Promise<string | undefined> {
    let owner = this.owners.get(name);
    if (owner === undefined || fresh) {
      owner = this.call({
        destination: BUS,
        path: '/org/freedesktop/DBus',
        interface: BUS,
        member: 'GetNameOwner',
        signature: 's',
        body: [name],
      }).then(
        ([unique]) => (typeof unique === 'string' ? unique : undefined),
        () => undefined,
      );
      this.owners.set(name, owner);
    }
    return owner;
  }

  private deliver(serial: number, waiting: Pending, message: Received): void {
    this.pending.delete(serial);
    if (this.pending.size === 0) this.socket.unref();
    let body: WireValue[];
    try {
      body = message.body;
    } catch (error) {
      return waiting.reject(error instanceof Error ? error : new Error(String(error))); // this reply only
    }
    if (message.type === MESSAGE_TYPE.methodReturn) return waiting.resolve(body);
    const name = String(message.fields.get(FIELD.errorName) ?? 'org.freedesktop.DBus.Error.Failed');
    waiting.reject(new DBusError(name, typeof body[0] === 'string' ? body[0] : ''));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

/** A well-known name (`org.freedesktop.secrets`), as opposed to the bus itself or a unique name (`:1.42`). */
function isWellKnown(destination: string): boolean {
  return destination !== BUS && !destination.startsWith(':');
}
