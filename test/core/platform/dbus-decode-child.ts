// Run by dbus-wire.test.ts in a child process with a small heap, so that a decoder that loops or grows without
// end is killed by the test's watchdog (a loop in the test's own thread could not be interrupted).
//   node --import tsx dbus-decode-child.ts inputs HEX…   prints each input's outcome as JSON lines
//   node --import tsx dbus-decode-child.ts fuzz SEED RUNS  runs the decoder fuzz, prints "ok" or the failure
import fc from 'fast-check';
import type { WireValue } from '../../../electron/core/platform/keychain/dbus/marshal.js';
import {
  decodeMessage,
  encodeMessage,
  FIELD,
  messageLength,
  type OutgoingMessage,
} from '../../../electron/core/platform/keychain/dbus/message.js';

/** Decodes `bytes` and reads its body: "ok", or the error's message. Anything thrown that is not an Error fails. */
export function outcome(bytes: Uint8Array): string {
  const data = Buffer.from(bytes);
  try {
    const length = messageLength(data);
    if (length === 0 || length > data.length) return 'incomplete';
    const message = decodeMessage(data.subarray(0, length));
    void message.body;
    return 'ok';
  } catch (error) {
    if (!(error instanceof Error)) throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
    return `error: ${error.message}`;
  }
}

// Signatures as a hostile peer may write them: valid ones, and the invalid ones the spec names.
const signatureChar = fc.constantFrom(...'ybiusogvaxdh(){}'.split(''));
const signature = fc.oneof(
  fc.string({ unit: signatureChar, maxLength: 10 }),
  fc.constantFrom('a()', '()', 'aa()', 'a(())', 'a{}', '{sv}', 'a{vs}', 'a{sss}', 'av', 'a(yv)', 'ay', 'v'),
  fc.integer({ min: 30, max: 70 }).map((n) => `${'a'.repeat(n)}y`),
  fc.integer({ min: 30, max: 70 }).map((n) => `${'('.repeat(n)}y${')'.repeat(n)}`),
);

/** A header field written by hand: any code, any signature, any bytes for its value. */
const rawField = fc.record({
  code: fc.integer({ min: 0, max: 12 }),
  signature,
  value: fc.uint8Array({ maxLength: 48 }),
});

/** A message whose header fields are written raw (little-endian), with a body of random bytes. */
const rawMessage = fc
  .record({
    type: fc.integer({ min: 0, max: 5 }),
    serial: fc.nat(),
    fields: fc.array(rawField, { maxLength: 4 }),
    bodySignature: fc.option(signature, { nil: undefined }),
    body: fc.uint8Array({ maxLength: 64 }),
    fieldsDelta: fc.integer({ min: -8, max: 8 }),
  })
  .map(({ type, serial, fields, bodySignature, body, fieldsDelta }) => {
    const parts: Buffer[] = [];
    let at = 16;
    const pad = (n: number) => {
      const size = (n - (at % n)) % n;
      parts.push(Buffer.alloc(size));
      at += size;
    };
    const push = (b: Buffer) => {
      parts.push(b);
      at += b.length;
    };
    const all =
      bodySignature === undefined
        ? fields
        : [...fields, { code: 8, signature: 'g', value: new Uint8Array() }];
    for (const [i, field] of all.entries()) {
      pad(8);
      const sig = Buffer.from(field.signature, 'latin1');
      push(Buffer.from([field.code, sig.length]));
      push(sig);
      push(Buffer.of(0));
      if (bodySignature !== undefined && i === fields.length) {
        const bodySig = Buffer.from(bodySignature, 'latin1');
        push(Buffer.from([bodySig.length]));
        push(bodySig);
        push(Buffer.of(0));
      } else push(Buffer.from(field.value));
    }
    const fieldsLength = Math.max(0, at - 16 + fieldsDelta);
    pad(8);
    const header = Buffer.alloc(16);
    header.write('l', 0, 'latin1');
    header.writeUInt8(type, 1);
    header.writeUInt8(1, 3);
    header.writeUInt32LE(body.length, 4);
    header.writeUInt32LE(serial >>> 0, 8);
    header.writeUInt32LE(fieldsLength, 12);
    return Buffer.concat([header, ...parts, Buffer.from(body)]);
  });

// Values for well-formed messages: every type the client reads, nested a little.
const leaf = fc.oneof(
  fc.record({ signature: fc.constant('s'), value: fc.string({ maxLength: 12 }) }),
  fc.record({ signature: fc.constant('u'), value: fc.nat() }),
  fc.record({ signature: fc.constant('b'), value: fc.boolean() }),
  fc.record({
    signature: fc.constant('ay'),
    value: fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
  }),
  fc.record({ signature: fc.constant('as'), value: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }) }),
);
const typed = fc.oneof(
  leaf,
  leaf.map((v) => ({ signature: 'v', value: v as WireValue })),
  fc
    .tuple(leaf, leaf)
    .map(([a, b]) => ({ signature: `(${a.signature}${b.signature})`, value: [a.value, b.value] })),
  fc.array(fc.tuple(fc.string({ maxLength: 6 }), leaf), { maxLength: 3 }).map((entries) => ({
    signature: 'a{sv}',
    value: entries.map(([k, v]): WireValue => [k, v]),
  })),
);

/** A well-formed message, then bytes overwritten and the end cut: what a broken or hostile bus may send. */
const mutated = fc
  .record({
    values: fc.array(typed, { maxLength: 3 }),
    member: fc.string({ minLength: 1, maxLength: 12 }),
    writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    cut: fc.nat(),
  })
  .map(({ values, member, writes, cut }) => {
    const message: OutgoingMessage = {
      type: 4,
      serial: 7,
      fields: [
        [FIELD.path, '/a'],
        [FIELD.interface, 'a.B'],
        [FIELD.member, member],
      ],
      signature: values.map((v) => v.signature).join(''),
      body: values.map((v) => v.value),
    };
    const bytes = Buffer.from(encodeMessage(message));
    for (const [at, byte] of writes) bytes[at % bytes.length] = byte;
    return writes.length > 0 ? bytes.subarray(0, Math.max(16, bytes.length - (cut % 8))) : bytes;
  });

/** The fuzz: raw and mutated messages never hang or throw anything but an Error; intact ones read back. */
function fuzz(seed: number, runs: number): void {
  fc.assert(
    fc.property(rawMessage, (bytes) => void outcome(bytes)),
    { seed, numRuns: runs },
  );
  fc.assert(
    fc.property(mutated, (bytes) => void outcome(bytes)),
    { seed: seed + 1, numRuns: runs },
  );
  fc.assert(
    fc.property(fc.array(typed, { maxLength: 3 }), (values) => {
      const signature = values.map((v) => v.signature).join('');
      const bytes = encodeMessage({
        type: 4,
        serial: 1,
        fields: [[FIELD.member, 'M']],
        signature,
        body: values.map((v) => v.value),
      });
      const body = decodeMessage(bytes).body;
      if (JSON.stringify(body) !== JSON.stringify(values.map((v) => v.value)))
        throw new Error(`read back differently: ${signature}`);
    }),
    { seed: seed + 2, numRuns: runs },
  );
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'inputs') for (const hex of args) console.log(JSON.stringify(outcome(Buffer.from(hex, 'hex'))));
else if (mode === 'fuzz') {
  try {
    fuzz(Number(args[0]), Number(args[1]));
    console.log('ok');
  } catch (error) {
    console.log(error instanceof Error ? error.message : String(error));
  }
}
