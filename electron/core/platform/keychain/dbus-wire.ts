/*
 * The D-Bus wire format (marshalling by type signature) and one client connection over a Unix socket: just
 * enough of the D-Bus specification for Rolebar to ask the Secret Service for a secret from plain JavaScript.
 * Nothing here blocks a thread: a bus that never answers is a promise that never settles, which the caller's
 * bound and `close()` end, so a hung keychain can never keep the process from exiting.
 * Spec: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Protocol", "Authentication").
 */
import type { Socket } from 'node:net';

/** A value of D-Bus type `v`: the signature of what it holds, and the value. */
export interface Variant {
  signature: string;
  value: WireValue;
}

/**
 * A marshalled value: numbers for integer types, strings for `s`/`o`/`g`, booleans for `b`, Buffers for `ay`,
 * arrays for other arrays and structs, `[key, value]` pairs for dict entries, Variant for `v`.
 */
export type WireValue = number | string | boolean | Buffer | Variant | WireValue[];

const ALIGN: Record<string, number> = {
  y: 1,
  b: 4,
  n: 2,
  q: 2,
  i: 4,
  u: 4,
  x: 8,
  t: 8,
  d: 8,
  h: 4,
  s: 4,
  o: 4,
  g: 1,
  v: 1,
  a: 4,
  '(': 8,
  '{': 8,
};

/** Splits a signature into its complete types: `a{ss}ao` → [`a{ss}`, `ao`]. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  let at = 0;
  while (at < signature.length) {
    const end = completeTypeEnd(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

function completeTypeEnd(signature: string, at: number): number {
  const c = signature[at];
  if (c === 'a') return completeTypeEnd(signature, at + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let end = at + 1;
    while (signature[end] !== close) {
      if (end >= signature.length) throw new Error(`D-Bus: unbalanced signature "${signature}"`);
      end = completeTypeEnd(signature, end);
    }
    return end + 1;
  }
  if (c === undefined || !(c in ALIGN)) throw new Error(`D-Bus: unsupported type "${c}" in "${signature}"`);
  return at + 1;
}

/** Writes values in little-endian D-Bus format; offsets (and so alignment) count from the message start. */
class WireWriter {
  private buffer = Buffer.alloc(256);
  length = 0;

  private reserve(n: number): number {
    if (this.length + n > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + n));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.buffer.fill(0, this.reserve(pad), this.length);
  }

  uint32(value: number, at?: number): void {
    this.buffer.writeUInt32LE(value, at ?? (this.align(4), this.reserve(4)));
  }

  bytes(value: Buffer): void {
    value.copy(this.buffer, this.reserve(value.length));
  }

  write(type: string, value: WireValue): void {
    const c = type[0];
    switch (c) {
      case 'y':
        this.buffer.writeUInt8(Number(value), this.reserve(1));
        return;
      case 'b':
        return this.uint32(value === true ? 1 : 0);
      case 'u':
        return this.uint32(Number(value));
      case 'i':
        this.align(4);
        this.buffer.writeInt32LE(Number(value), this.reserve(4));
        return;
      case 's':
      case 'o': {
        const text = Buffer.from(String(value), 'utf8');
        this.uint32(text.length);
        this.bytes(text);
        this.bytes(Buffer.of(0));
        return;
      }
      case 'g': {
        const text = Buffer.from(String(value), 'utf8');
        this.buffer.writeUInt8(text.length, this.reserve(1));
        this.bytes(text);
        this.bytes(Buffer.of(0));
        return;
      }
      case 'v': {
        const variant = asVariant(value);
        this.write('g', variant.signature);
        return this.write(variant.signature, variant.value);
      }
      case 'a': {
        const element = type.slice(1);
        this.uint32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[element[0] ?? 'y'] ?? 1);
        const start = this.length;
        if (element === 'y' && Buffer.isBuffer(value)) this.bytes(value);
        else for (const item of asArray(value)) this.write(element, item);
        return this.uint32(this.length - start, lengthAt);
      }
      case '(':
      case '{': {
        this.align(8);
        const fields = asArray(value);
        for (const [i, field] of splitSignature(type.slice(1, -1)).entries())
          this.write(field, fields[i] ?? missing(type));
        return;
      }
      default:
        throw new Error(`D-Bus: cannot write type "${type}"`);
    }
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function asVariant(value: WireValue): Variant {
  if (typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) return value;
  throw new Error('D-Bus: a variant needs { signature, value }');
}

function asArray(value: WireValue): WireValue[] {
  if (Array.isArray(value)) return value;
  throw new Error('D-Bus: an array or struct needs an array');
}

function missing(type: string): never {
  throw new Error(`D-Bus: too few fields for "${type}"`);
}

/** Reads values written in either byte order; offsets count from the message start, as alignment does. */
class WireReader {
  constructor(
    private readonly buffer: Buffer,
    public at: number,
    private readonly little: boolean,
  ) {}

  private take(n: number): number {
    if (this.at + n > this.buffer.length) throw new Error('D-Bus: message ends early');
    const at = this.at;
    this.at += n;
    return at;
  }

  align(n: number): void {
    this.take((n - (this.at % n)) % n);
  }

  uint32(): number {
    this.align(4);
    const at = this.take(4);
    return this.little ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }

  read(type: string): WireValue {
    const c = type[0];
    switch (c) {
      case 'y':
        return this.buffer.readUInt8(this.take(1));
      case 'b':
        return this.uint32() !== 0;
      case 'u':
        return this.uint32();
      case 'i': {
        this.align(4);
        const at = this.take(4);
        return this.little ? this.buffer.readInt32LE(at) : this.buffer.readInt32BE(at);
      }
      case 's':
      case 'o': {
        const length = this.uint32();
        const at = this.take(length + 1);
        return this.buffer.toString('utf8', at, at + length);
      }
      case 'g': {
        const length = this.buffer.readUInt8(this.take(1));
        const at = this.take(length + 1);
        return this.buffer.toString('utf8', at, at + length);
      }
      case 'v': {
        const signature = String(this.read('g'));
        return { signature, value: this.read(signature) };
      }
      case 'a': {
        const element = type.slice(1);
        const length = this.uint32();
        this.align(ALIGN[element[0] ?? 'y'] ?? 1);
        const end = this.at + length;
        if (end > this.buffer.length) throw new Error('D-Bus: array runs past the message');
        if (element === 'y') return Buffer.from(this.buffer.subarray(this.take(length), end));
        const items: WireValue[] = [];
        while (this.at < end) items.push(this.read(element));
        return items;
      }
      case '(':
      case '{':
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((field) => this.read(field));
      default:
        throw new Error(`D-Bus: cannot read type "${type}"`);
    }
  }
}

/** Marshals `values` by `signature` as a body starting at offset 0 (bodies start 8-aligned). */
export function marshal(signature: string, values: WireValue[]): Buffer {
  const writer = new WireWriter();
  for (const [i, type] of splitSignature(signature).entries())
    writer.write(type, values[i] ?? missing(signature));
  return writer.result();
}

/** Unmarshals a body by `signature`. */
export function unmarshal(signature: string, body: Buffer, little = true): WireValue[] {
  const reader = new WireReader(body, 0, little);
  return splitSignature(signature).map((type) => reader.read(type));
}

const METHOD_CALL = 1;
const METHOD_RETURN = 2;
const ERROR = 3;
const FIELD = {
  path: 1,
  interface: 2,
  member: 3,
  errorName: 4,
  replySerial: 5,
  destination: 6,
  signature: 8,
};

/** One method call. */
export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: WireValue[];
}

/** A message received: its type, header fields by code, and body values (unmarshalled on first read). */
interface Received {
  type: number;
  fields: Map<number, WireValue>;
  readonly body: WireValue[];
}

/** Builds a method call message with `serial`. */
export function encodeCall(call: MethodCall, serial: number): Buffer {
  const signature = call.signature ?? '';
  const body = signature ? marshal(signature, call.body ?? []) : Buffer.alloc(0);
  const fields: WireValue[] = [
    [FIELD.path, { signature: 'o', value: call.path }],
    [FIELD.interface, { signature: 's', value: call.interface }],
    [FIELD.member, { signature: 's', value: call.member }],
    [FIELD.destination, { signature: 's', value: call.destination }],
  ];
  if (signature) fields.push([FIELD.signature, { signature: 'g', value: signature }]);
  const header = new WireWriter();
  header.write('y', 0x6c); // 'l': little-endian
  header.write('y', METHOD_CALL);
  header.write('y', 0); // flags: a reply is expected, and the bus may start the service
  header.write('y', 1); // protocol version
  header.write('u', body.length);
  header.write('u', serial);
  header.write('a(yv)', fields);
  header.align(8);
  return Buffer.concat([header.result(), body]);
}

/** The length of the first whole message in `data`, or 0 when more bytes are needed. */
function messageLength(data: Buffer): number {
  if (data.length < 16) return 0;
  const little = data[0] === 0x6c;
  const bodyLength = little ? data.readUInt32LE(4) : data.readUInt32BE(4);
  const fieldsLength = little ? data.readUInt32LE(12) : data.readUInt32BE(12);
  const headerLength = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8);
  const total = headerLength + bodyLength;
  return data.length >= total ? total : 0;
}

/** Parses one whole message. */
export function decodeMessage(message: Buffer): Received {
  const little = message[0] === 0x6c;
  if (!little && message[0] !== 0x42) throw new Error('D-Bus: unknown byte order');
  const reader = new WireReader(message, 1, little);
  const type = Number(reader.read('y'));
  reader.read('y'); // flags
  reader.read('y'); // version
  const bodyLength = Number(reader.read('u'));
  reader.read('u'); // serial
  const fields = new Map<number, WireValue>();
  for (const entry of asArray(reader.read('a(yv)'))) {
    const [code, variant] = asArray(entry);
    if (typeof code === 'number' && variant !== undefined) fields.set(code, asVariant(variant).value);
  }
  reader.align(8);
  const bodyStart = reader.at;
  const signature = String(fields.get(FIELD.signature) ?? '');
  const bytes = message.subarray(bodyStart, bodyStart + bodyLength);
  let body: WireValue[] | undefined;
  // Read when asked: a message nobody waits for (a signal) is never unmarshalled, whatever types it holds.
  return {
    type,
    fields,
    get body() {
      return (body ??= signature ? unmarshal(signature, bytes, little) : []);
    },
  };
}

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

/** A D-Bus error reply, with the bus's error name (`org.freedesktop.DBus.Error.ServiceUnknown`) in its message. */
export class DBusError extends Error {
  constructor(
    readonly errorName: string,
    detail: string,
  ) {
    super(`${errorName}: ${detail}`);
    this.name = 'DBusError';
  }
}

/**
 * A client connection to a message bus. Only calls in flight hold the process open (an idle connection never
 * delays an exit); bounding them is the caller's job, and `close()` rejects them.
 */
export class DBusConnection {
  private serial = 0;
  private pending = new Map<number, { resolve: (body: WireValue[]) => void; reject: (e: Error) => void }>();
  private data: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

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
          .call({
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: 'org.freedesktop.DBus',
            member: 'Hello',
          })
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
      this.pending.set(serial, { resolve, reject });
      this.socket.ref(); // a call in flight holds the process, as any request does; an idle connection does not
      this.socket.write(encodeCall(call, serial));
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
    this.data = this.data.length ? Buffer.concat([this.data, chunk]) : chunk;
    try {
      for (let length = messageLength(this.data); length > 0; length = messageLength(this.data)) {
        const message = decodeMessage(this.data.subarray(0, length));
        this.data = this.data.subarray(length);
        this.settle(message);
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
    }
  }

  private settle(message: Received): void {
    if (message.type !== METHOD_RETURN && message.type !== ERROR) return; // signals (NameAcquired) and calls
    const serial = message.fields.get(FIELD.replySerial);
    const waiting = typeof serial === 'number' ? this.pending.get(serial) : undefined;
    if (!waiting || typeof serial !== 'number') return;
    this.pending.delete(serial);
    if (this.pending.size === 0) this.socket.unref();
    let body: WireValue[];
    try {
      body = message.body;
    } catch (error) {
      return waiting.reject(error instanceof Error ? error : new Error(String(error))); // this reply only
    }
    if (message.type === METHOD_RETURN) return waiting.resolve(body);
    const name = String(message.fields.get(FIELD.errorName) ?? 'org.freedesktop.DBus.Error.Failed');
    waiting.reject(new DBusError(name, typeof body[0] === 'string' ? body[0] : ''));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
