/*
 * D-Bus messages: the fixed header, the header fields, and a body marshalled by its signature; building a method
 * call and reading any message a bus may send, within the specification's 128 MiB.
 * Spec: https://dbus.freedesktop.org/doc/dbus-specification.html ("Message Format").
 */
import { asVariant, marshal, unmarshal, WireReader, type WireValue, WireWriter } from './marshal.js';

/** The specification's bound on a whole message, header and body. */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** Message types (the second byte of the header). */
export const MESSAGE_TYPE = { methodCall: 1, methodReturn: 2, error: 3, signal: 4 } as const;

/** Header field codes, and the one type each must have. */
export const FIELD = {
  path: 1,
  interface: 2,
  member: 3,
  errorName: 4,
  replySerial: 5,
  destination: 6,
  sender: 7,
  signature: 8,
} as const;
const FIELD_TYPES = new Map<number, string>([
  [FIELD.path, 'o'],
  [FIELD.interface, 's'],
  [FIELD.member, 's'],
  [FIELD.errorName, 's'],
  [FIELD.replySerial, 'u'],
  [FIELD.destination, 's'],
  [FIELD.sender, 's'],
  [FIELD.signature, 'g'],
]);

/** One method call. */
export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: WireValue[];
}

/** Any message, as written: its type and serial, header fields by code, and a body of `signature`. */
export interface OutgoingMessage {
  type: number;
  serial: number;
  /** 1: no reply is expected. */
  flags?: number;
  fields: Array<[number, string | number]>;
  signature?: string;
  body?: WireValue[];
}

/** A message received: its type, header fields by code, and body values (unmarshalled on first read). */
export interface Received {
  type: number;
  serial: number;
  fields: Map<number, WireValue>;
  readonly body: WireValue[];
}

/** Builds a message (little-endian): the header, its fields, padding to 8, then the body. */
export function encodeMessage(message: OutgoingMessage): Buffer {
  const signature = message.signature ?? '';
  const body = signature ? marshal(signature, message.body ?? []) : Buffer.alloc(0);
  const fields: WireValue[] = message.fields.map(([code, value]) => [
    code,
    { signature: FIELD_TYPES.get(code) ?? 's', value },
  ]);
  if (signature) fields.push([FIELD.signature, { signature: 'g', value: signature }]);
  const header = new WireWriter();
  header.write('y', 0x6c); // 'l': little-endian
  header.write('y', message.type);
  header.write('y', message.flags ?? 0);
  header.write('y', 1); // protocol version
  header.write('u', body.length);
  header.write('u', message.serial);
  header.write('a(yv)', fields);
  header.align(8);
  return Buffer.concat([header.result(), body]);
}

/** Builds a method call message with `serial` (a reply is expected, and the bus may start the service). */
export function encodeCall(call: MethodCall, serial: number): Buffer {
  return encodeMessage({
    type: MESSAGE_TYPE.methodCall,
    serial,
    fields: [
      [FIELD.path, call.path],
      [FIELD.interface, call.interface],
      [FIELD.member, call.member],
      [FIELD.destination, call.destination],
    ],
    ...(call.signature ? { signature: call.signature, body: call.body ?? [] } : {}),
  });
}

/**
 * The length of the message that starts `data`, read from its fixed header; 0 while fewer than its 16 bytes are
 * there. Throws as soon as the header announces more than 128 MiB, so that a peer cannot make us buffer
 * gigabytes waiting for the rest.
 */
export function messageLength(data: Buffer): number {
  if (data.length < 16) return 0;
  const little = data[0] === 0x6c;
  const bodyLength = little ? data.readUInt32LE(4) : data.readUInt32BE(4);
  const fieldsLength = little ? data.readUInt32LE(12) : data.readUInt32BE(12);
  const total = 16 + fieldsLength + ((8 - ((16 + fieldsLength) % 8)) % 8) + bodyLength;
  if (total > MAX_MESSAGE_BYTES)
    throw new Error(`D-Bus: a message of ${total} bytes (at most ${MAX_MESSAGE_BYTES})`);
  return total;
}

/**
 * Parses one whole message. The header fields are read one by one, keeping only the known ones (of their
 * right types); the body is unmarshalled when first asked for, so a message nobody waits for (a signal) is
 * never unmarshalled, whatever types it holds.
 */
export function decodeMessage(message: Buffer): Received {
  if (message.length > MAX_MESSAGE_BYTES) throw new Error('D-Bus: message over 128 MiB');
  const little = message[0] === 0x6c;
  if (!little && message[0] !== 0x42) throw new Error('D-Bus: unknown byte order');
  const reader = new WireReader(message, 1, little);
  const type = Number(reader.read('y'));
  reader.read('y'); // flags
  reader.read('y'); // version
  const bodyLength = Number(reader.read('u'));
  const serial = Number(reader.read('u'));
  const fields = readFields(reader);
  reader.align(8);
  const bodyStart = reader.at;
  if (bodyStart + bodyLength > message.length) throw new Error('D-Bus: message ends early');
  const signature = String(fields.get(FIELD.signature) ?? '');
  const bytes = message.subarray(bodyStart, bodyStart + bodyLength);
  let body: WireValue[] | undefined;
  return {
    type,
    serial,
    fields,
    get body() {
      return (body ??= signature ? unmarshal(signature, bytes, little) : []);
    },
  };
}

/** The header fields `a(yv)`, read entry by entry: no list of them is built, and unknown ones are skipped. */
function readFields(reader: WireReader): Map<number, WireValue> {
  const fields = new Map<number, WireValue>();
  const end = reader.arrayEnd('(yv)');
  while (reader.at < end) {
    reader.align(8);
    const code = Number(reader.read('y'));
    const expected = FIELD_TYPES.get(code);
    // The struct and the variant: two containers deep.
    const variant = asVariant(reader.read('v', 1, expected !== undefined));
    if (expected === undefined) continue;
    if (variant.signature !== expected)
      throw new Error(`D-Bus: header field ${code} of type "${variant.signature}", not "${expected}"`);
    fields.set(code, variant.value);
  }
  if (reader.at !== end) throw new Error('D-Bus: a header field runs past the header');
  return fields;
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
