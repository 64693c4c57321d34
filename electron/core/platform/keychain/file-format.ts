// The encrypted keychain file's format (file-store.ts reads and writes it): a versioned text header that says how
// the key is derived (scrypt, its parameters and salt) and the cipher's nonce, then the secrets as one AES-256-GCM
// ciphertext whose additional data is the header, then a SHA-256 of everything before it. Nothing in it is
// plaintext but the header. The checksum tells a damaged or truncated file (refused, kept) from a wrong passphrase
// (the checksum holds but the ciphertext does not open).
import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto';
import { KeychainUnavailableError } from './keychain.js';

/** The first line of every keychain file, with the format's version after it. */
const MAGIC = 'rolebar-keychain';
export const KEYCHAIN_FILE_VERSION = 1;

/** How a key is derived from the passphrase: scrypt's cost (N), block size (r), parallelism (p) and salt. */
export interface KdfParams {
  N: number;
  r: number;
  p: number;
  salt: string;
}

/**
 * A new file's scrypt cost: N = 2^17, r = 8 (128 MiB, about half a second to a second per guess on a laptop core),
 * the strength OWASP asks of scrypt for stored passwords, so a stolen disk's file resists an offline guesser.
 */
export const DEFAULT_KDF: Omit<KdfParams, 'salt'> = { N: 2 ** 17, r: 8, p: 1 };
/** A file's N is read from its header; beyond these bounds it is refused (too weak to trust, or a memory bomb). */
const MIN_N = 2 ** 10;
const MAX_N = 2 ** 20;

/** A derived key with the parameters it was derived with: a write keeps them, so the key stays valid. */
export interface FileKey {
  kdf: KdfParams;
  key: Buffer;
}

/** Secrets by keychain service, then by account. */
export type Vault = Record<string, Record<string, string>>;

interface Header {
  kdf: KdfParams & { name: 'scrypt' };
  cipher: 'aes-256-gcm';
  nonce: string;
}

/** A file that parsed and whose checksum holds, not yet opened. */
export interface SealedFile {
  header: Header;
  headerText: string;
  ciphertext: Buffer;
}

/** Derives the 32-byte key for `kdf` from `passphrase` (scrypt on the thread pool). */
export function deriveKey(passphrase: string, kdf: KdfParams): Promise<FileKey> {
  const memory = 128 * kdf.N * kdf.r * (kdf.p + 1) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(kdf.salt, 'base64'),
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: memory },
      (error, key) => (error ? reject(error) : resolve({ kdf, key })),
    );
  });
}

/** Parameters for a new file: the default cost (or `cost`), a fresh 16-byte salt. */
export function newKdf(cost: Omit<KdfParams, 'salt'> = DEFAULT_KDF): KdfParams {
  return { ...cost, salt: randomBytes(16).toString('base64') };
}

/** The file's bytes for `vault` under `fileKey`, with a fresh nonce (a nonce is never used twice with a key). */
export function seal(vault: Vault, fileKey: FileKey): Buffer {
  const nonce = randomBytes(12);
  const header: Header = {
    kdf: { name: 'scrypt', ...fileKey.kdf },
    cipher: 'aes-256-gcm',
    nonce: nonce.toString('base64'),
  };
  const headerText = `${MAGIC} ${KEYCHAIN_FILE_VERSION}\n${JSON.stringify(header)}\n`;
  const cipher = createCipheriv('aes-256-gcm', fileKey.key, nonce);
  cipher.setAAD(Buffer.from(headerText, 'utf8'));
  const body = Buffer.concat([
    cipher.update(JSON.stringify(vault), 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const sealed = `${headerText}${body.toString('base64')}\n`;
  return Buffer.from(`${sealed}sha256 ${sha256(sealed)}\n`, 'utf8');
}

/** Parses and checks the file's bytes; throws a 'damaged' error naming `file` when they are not a whole keychain file. */
export function parseSealed(bytes: Buffer, file: string): SealedFile {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const [magicLine, headerLine, bodyLine, sumLine, rest] = lines;
  if (!magicLine?.startsWith(`${MAGIC} `))
    throw damaged(file, 'it does not begin like a Rolebar keychain file');
  if (sumLine === undefined || rest !== '' || lines.length !== 5 || !sumLine.startsWith('sha256 ')) {
    throw damaged(file, 'it is cut short');
  }
  // Every format ends with this checksum line: a damaged version number is damage, not a newer file.
  const sealedText = `${magicLine}\n${headerLine}\n${bodyLine}\n`;
  if (sumLine.slice('sha256 '.length) !== sha256(sealedText))
    throw damaged(file, 'its checksum does not match');
  const version = Number(magicLine.slice(MAGIC.length + 1));
  if (Number.isInteger(version) && version > KEYCHAIN_FILE_VERSION) {
    throw new KeychainUnavailableError(
      'newer',
      `The keychain file ${file} was written by a newer Rolebar (format ${version}).`,
      'Update Rolebar; the file was left as it is.',
    );
  }
  if (version !== KEYCHAIN_FILE_VERSION) throw damaged(file, `its format "${magicLine}" is unknown`);
  const header = parseHeader(headerLine ?? '');
  if (!header) throw damaged(file, 'its header is not one Rolebar writes');
  return {
    header,
    headerText: `${magicLine}\n${headerLine}\n`,
    ciphertext: Buffer.from(bodyLine ?? '', 'base64'),
  };
}

/** The file's key parameters, checked (bounded cost, a salt). */
function parseHeader(line: string): Header | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const h = value as Partial<Header> | null;
  const kdf = h?.kdf;
  if (!h || h.cipher !== 'aes-256-gcm' || typeof h.nonce !== 'string' || !kdf || kdf.name !== 'scrypt')
    return undefined;
  const int = (n: unknown, min: number, max: number) =>
    typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
  if (!int(kdf.N, MIN_N, MAX_N) || (kdf.N & (kdf.N - 1)) !== 0 || !int(kdf.r, 1, 32) || !int(kdf.p, 1, 16))
    return undefined;
  if (typeof kdf.salt !== 'string' || Buffer.from(kdf.salt, 'base64').length < 16) return undefined;
  return { kdf, cipher: h.cipher, nonce: h.nonce };
}

/** The key parameters of a checked file (what deriveKey needs). */
export function kdfOf(sealed: SealedFile): KdfParams {
  const { N, r, p, salt } = sealed.header.kdf;
  return { N, r, p, salt };
}

/** Opens a checked file with `fileKey`; undefined when the key does not open it (a wrong passphrase). */
export function open(sealed: SealedFile, fileKey: FileKey): Vault | undefined {
  const { ciphertext } = sealed;
  if (ciphertext.length < 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', fileKey.key, Buffer.from(sealed.header.nonce, 'base64'));
    decipher.setAAD(Buffer.from(sealed.headerText, 'utf8'));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const plain = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
      decipher.final(),
    ]);
    return parseVault(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseVault(text: string): Vault | undefined {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) return undefined;
  const vault: Vault = {};
  for (const [service, entries] of Object.entries(value)) {
    if (typeof entries !== 'object' || entries === null) return undefined;
    vault[service] = {};
    for (const [account, secret] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof secret !== 'string') return undefined;
      (vault[service] as Record<string, string>)[account] = secret;
    }
  }
  return vault;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function damaged(file: string, why: string): KeychainUnavailableError {
  return new KeychainUnavailableError(
    'damaged',
    `The keychain file ${file} is damaged: ${why}. Rolebar left it as it is and will not write over it.`,
    `Restore it from a backup, or move it aside (your secrets in it are then lost) and add your keys again.`,
  );
}
