import { createHmac } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** TOTP parameters fixed by AWS virtual MFA devices (RFC 6238 defaults). */
export const TOTP_STEP_SECONDS = 30;
/** Number of digits of an AWS MFA code. */
export const TOTP_DIGITS = 6;

/** Decodes RFC 4648 base32 (case-insensitive, padding and spaces ignored). Throws on other characters. */
export function base32Decode(input: string): Buffer {
  const clean = input.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32_ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('invalid base32 character in TOTP secret');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** Encodes bytes as RFC 4648 base32 without padding. */
export function base32Encode(data: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** HOTP (RFC 4226) with HMAC-SHA-1 over an 8-byte big-endian counter. */
export function hotp(key: Uint8Array, counter: number, digits: number = TOTP_DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return code.toString().padStart(digits, '0');
}

/** The TOTP time step (counter) that contains `atMs`. */
export function totpStep(atMs: number): number {
  return Math.floor(atMs / 1000 / TOTP_STEP_SECONDS);
}

/** RFC 6238 TOTP code (SHA-1, 30 s, 6 digits) for a base32 secret at `atMs`. */
export function totp(secretBase32: string, atMs: number): string {
  return hotp(base32Decode(secretBase32), totpStep(atMs));
}

/**
 * Finds the time step whose code equals `code` within ±`window` steps of `atMs`
 * (AWS accepts the adjacent steps). Returns undefined when none matches.
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  atMs: number,
  window = 1,
): number | undefined {
  const key = base32Decode(secretBase32);
  const center = totpStep(atMs);
  for (let delta = -window; delta <= window; delta++) {
    if (hotp(key, center + delta) === code) return center + delta;
  }
  return undefined;
}
