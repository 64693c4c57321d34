/*
 * The D-Bus wire format: values marshalled by their type signature, in little-endian (written) or either byte
 * order (read), with the specification's limits enforced before anything is read or allocated, since the bytes
 * come from whatever is on the session bus. Spec: https://dbus.freedesktop.org/doc/dbus-specification.html
 * ("Type System", "Marshaling (Wire Format)").
 */

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

/** The specification's limits: what GDBus and libdbus refuse before a message is used. */
export const DBUS_LIMITS = {
  /** Bytes in one array's data. */
  arrayBytes: 64 * 1024 * 1024,
  /** Arrays nested in one signature; structs and dict entries nest as deep again. */
  signatureNesting: 32,
  /** Containers (arrays, structs, dict entries, variants) around a value, across variants. */
  valueNesting: 64,
  /** Characters in one signature. */
  signatureLength: 255,
};

const ALIGN = new Map<string, number>([
  ['y', 1],
  ['b', 4],
  ['n', 2],
  ['q', 2],
  ['i', 4],
  ['u', 4],
  ['x', 8],
  ['t', 8],
  ['d', 8],
  ['h', 4],
  ['s', 4],
  ['o', 4],
  ['g', 1],
  ['v', 1],
  ['a', 4],
  ['(', 8],
  ['{', 8],
]);
const BASIC = 'ybnqiuxtdhsog';

function alignOf(type: string): number {
  return ALIGN.get(type[0] ?? '') ?? 1;
}

const splitCache = new Map<string, string[]>();

/**
 * Splits a signature into its complete types (`a{ss}ao` → [`a{ss}`, `ao`]), refusing what the specification
 * does: an empty struct `()` (a value of no bytes, which an array could repeat forever), a dict entry outside an
 * array or with a key that is not basic, more than 32 arrays or 32 structs nested, more than 255 characters.
 */
export function splitSignature(signature: string): string[] {
  const known = splitCache.get(signature);
  if (known) return known;
  if (signature.length > DBUS_LIMITS.signatureLength)
    throw new Error(`D-Bus: a signature of ${signature.length} characters (at most 255)`);
  const types: string[] = [];
  for (let at = 0; at < signature.length;) {
    const end = completeTypeEnd(signature, at, 0, 0);
    types.push(signature.slice(at, end));
    at = end;
  }
  // A few distinct signatures in practice; a hostile peer's many are not kept.
  if (splitCache.size >= 64) splitCache.clear();
  splitCache.set(signature, types);
  return types;
}

function completeTypeEnd(signature: string, at: number, arrays: number, structs: number): number {
  const c = signature[at];
  if (c === 'a') {
    if (arrays >= DBUS_LIMITS.signatureNesting)
      throw new Error(`D-Bus: arrays nested too deep in "${signature}"`);
    if (signature[at + 1] === '{') return dictEntryEnd(signature, at + 1, arrays + 1, structs);
    return completeTypeEnd(signature, at + 1, arrays + 1, structs);
  }
  if (c === '(') {
    if (structs >= DBUS_LIMITS.signatureNesting)
      throw new Error(`D-Bus: structs nested too deep in "${signature}"`);
    if (signature[at + 1] === ')')
      throw new Error(`D-Bus: an empty struct "()" is not a type ("${signature}")`);
    let end = at + 1;
    while (signature[end] !== ')') {
      if (end >= signature.length) throw new Error(`D-Bus: unbalanced signature "${signature}"`);
      end = completeTypeEnd(signature, end, arrays, structs + 1);
    }
    return end + 1;
  }
  if (c === '{') throw new Error(`D-Bus: a dict entry outside an array in "${signature}"`);
  if (c === undefined || !(BASIC.includes(c) || c === 'v'))
    throw new Error(`D-Bus: unsupported type "${c}" in "${signature}"`);
  return at + 1;
}

/** `{` key value `}`: the key a basic type, then exactly one complete type. */
function dictEntryEnd(signature: string, at: number, arrays: number, structs: number): number {
  if (structs >= DBUS_LIMITS.signatureNesting)
    throw new Error(`D-Bus: structs nested too deep in "${signature}"`);
  const key = signature[at + 1];
  if (key === undefined || !BASIC.includes(key))
    throw new Error(`D-Bus: a dict entry's key must be a basic type in "${signature}"`);
  const end = completeTypeEnd(signature, at + 2, arrays, structs + 1);
  if (signature[end] !== '}')
    throw new Error(`D-Bus: a dict entry holds a key and one value in "${signature}"`);
  return end + 1;
}

/** Writes values in little-endian D-Bus format; offsets (and so alignment) count from the message start. */
export class WireWriter {
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
        this.align(alignOf(element));
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

/** The value of a `v`, or an error when `value` is not one. */
export function asVariant(value: WireValue): Variant {
  if (typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value)) return value;
  throw new Error('D-Bus: a variant needs { signature, value }');
}

/** The items of an array or the fields of a struct, or an error when `value` is neither. */
export function asArray(value: WireValue): WireValue[] {
  if (Array.isArray(value)) return value;
  throw new Error('D-Bus: an array or struct needs an array');
}

function missing(type: string): never {
  throw new Error(`D-Bus: too few fields for "${type}"`);
}

/**
 * Reads values written in either byte order; offsets count from the message start, as alignment does. Every
 * read advances (no zero-width type passes splitSignature), stays inside the buffer and inside its array, and
 * nests at most 64 containers deep, variants included: so a hostile message ends in an error, never a loop.
 */
export class WireReader {
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

  /**
   * Reads one value of the complete type `type`, inside `depth` containers already. With `keep` false it only
   * walks past the value, building nothing: a header field nobody reads costs no memory, however many items.
   */
  read(type: string, depth = 0, keep = true): WireValue {
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
        return keep ? this.buffer.toString('utf8', at, at + length) : '';
      }
      case 'g': {
        const length = this.buffer.readUInt8(this.take(1));
        const at = this.take(length + 1);
        return this.buffer.toString('utf8', at, at + length);
      }
      case 'v': {
        const signature = String(this.read('g'));
        if (splitSignature(signature).length !== 1)
          throw new Error(`D-Bus: a variant holds one complete type, not "${signature}"`);
        return { signature, value: this.read(signature, deeper(depth), keep) };
      }
      case 'a':
        return this.array(type.slice(1), deeper(depth), keep);
      case '(':
      case '{': {
        this.align(8);
        const fields: WireValue[] = [];
        for (const field of splitSignature(type.slice(1, -1))) {
          const value = this.read(field, deeper(depth), keep);
          if (keep) fields.push(value);
        }
        return fields;
      }
      default:
        throw new Error(`D-Bus: cannot read type "${type}"`);
    }
  }

  /**
   * Reads an array's length and the padding before its first `element`; returns where the array ends. Refuses
   * an array over 64 MiB or past the end of the message.
   */
  arrayEnd(element: string): number {
    const length = this.uint32();
    if (length > DBUS_LIMITS.arrayBytes)
      throw new Error(`D-Bus: an array of ${length} bytes (at most ${DBUS_LIMITS.arrayBytes})`);
    this.align(alignOf(element));
    const end = this.at + length;
    if (end > this.buffer.length) throw new Error('D-Bus: array runs past the message');
    return end;
  }

  private array(element: string, depth: number, keep: boolean): WireValue {
    const end = this.arrayEnd(element);
    if (element === 'y') {
      const at = this.take(end - this.at);
      return keep ? Buffer.from(this.buffer.subarray(at, end)) : Buffer.alloc(0);
    }
    const items: WireValue[] = [];
    while (this.at < end) {
      const before = this.at;
      const item = this.read(element, depth, keep);
      if (keep) items.push(item);
      // Cannot happen with a checked signature; kept so that no future type can turn this into a loop.
      if (this.at === before) throw new Error(`D-Bus: an array of zero-width "${element}"`);
    }
    if (this.at !== end) throw new Error('D-Bus: an array element runs past the array');
    return items;
  }
}

function deeper(depth: number): number {
  if (depth >= DBUS_LIMITS.valueNesting)
    throw new Error(`D-Bus: values nested more than ${DBUS_LIMITS.valueNesting} deep`);
  return depth + 1;
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
