/*
 * Reads one secret from the Secret Service (GNOME Keyring, KeePassXC, KWallet's bridge) over D-Bus in plain
 * JavaScript: the entries keytar writes, found the way libsecret finds them (keytar's generic schema: service and
 * account, plus the schema name libsecret adds to every search). On Linux outside Electron this serves reads
 * without starting keytar's helper process, and nothing in it can block a thread, so a keychain that never
 * answers is just a call the caller's bound gives up on. Writes, deletes and listing stay with keytar.
 * The secret crosses the bus encrypted, as libsecret sends it (dh-ietf1024-sha256-aes128-cbc-pkcs7); a service
 * that offers only "plain" gets plain, as libsecret also does.
 */
import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DBusConnection, socketPathOf } from './dbus/connection.js';
import type { WireValue } from './dbus/marshal.js';
import { DBusError } from './dbus/message.js';

/** The schema keytar stores under (keytar_posix.cc); libsecret adds it to searches as `xdg:schema`. */
const KEYTAR_SCHEMA = 'org.freedesktop.Secret.Generic';
const SECRETS = 'org.freedesktop.secrets';
const DH_ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';
/**
 * RFC 2409's second Oakley group (1024 bits, generator 2), the group of the algorithm. Kept here, not taken from
 * `crypto.getDiffieHellman('modp2')`, whose set-up checks the prime and costs ~50 ms: as much as the whole read.
 */
const OAKLEY_GROUP_2 = BigInt(
  '0x' +
    'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74' +
    '020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437' +
    '4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF',
);

/** Reads keytar's entries; `reset` drops the connection (a call in flight rejects). */
export interface SecretReader {
  getPassword(service: string, account: string): Promise<string | null>;
  reset(): void;
  /** How the open session carries secrets (`dh-ietf1024-…` or `plain`); undefined before one is open. */
  algorithm(): string | undefined;
}

interface OpenSession {
  connection: DBusConnection;
  session: string;
  algorithm: string;
  /** Turns a Secret struct's parameters and value into the secret's bytes. */
  decrypt: (parameters: Buffer, value: Buffer) => Buffer;
}

/**
 * A reader for the session bus in `env`, or undefined when its address is not a Unix socket this reader can
 * reach (keytar, which speaks every transport, then serves reads too).
 */
export function secretServiceReader(env: NodeJS.ProcessEnv): SecretReader | undefined {
  const address =
    env.DBUS_SESSION_BUS_ADDRESS || (env.XDG_RUNTIME_DIR ? `unix:path=${env.XDG_RUNTIME_DIR}/bus` : '');
  const socketPath = socketPathOf(address);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (socketPath === undefined || uid === undefined) return undefined;
  let opening:
    | { connection: Promise<DBusConnection>; session: Promise<OpenSession>; abort: AbortController }
    | undefined;
  let algorithm: string | undefined;

  const open = () => {
    if (opening) return opening;
    const abort = new AbortController();
    const connection = DBusConnection.open(socketPath, uid, abort.signal);
    // Made while the bus authenticates us: the key costs about as long as that exchange.
    const key = dhKey();
    const session = connection.then(async (connected) => {
      try {
        const open = { connection: connected, ...(await openSession(connected, key)) };
        algorithm = open.algorithm;
        return open;
      } catch (error) {
        connected.close();
        throw error;
      }
    });
    opening = { connection, session, abort };
    return opening;
  };
  const reset = () => {
    const current = opening;
    opening = undefined;
    current?.abort.abort();
    current?.connection.then(
      (connection) => connection.close(),
      () => undefined,
    );
  };

  return {
    reset,
    algorithm: () => algorithm,
    async getPassword(service, account) {
      try {
        const { connection, session } = open();
        // The search needs no session: it goes out beside OpenSession instead of after it.
        const [opened, found] = await Promise.all([
          session,
          connection.then((connected) => search(connected, service, account)),
        ]);
        return await readSecret(opened, found);
      } catch (error) {
        // A broken connection is opened afresh next time; an answer (locked, no such service) keeps it.
        if (!(error instanceof DBusError)) reset();
        throw error;
      }
    },
  };
}

/** An ephemeral key: 256 random bits of exponent, well beyond the group's ~80-bit strength. */
function dhKey(): { exponent: bigint; ours: Buffer } {
  const exponent = toBigInt(randomBytes(32));
  return { exponent, ours: toBytes(modPow(2n, exponent, OAKLEY_GROUP_2)) };
}

async function openSession(
  connection: DBusConnection,
  { exponent, ours }: { exponent: bigint; ours: Buffer },
): Promise<Pick<OpenSession, 'session' | 'algorithm' | 'decrypt'>> {
  const ask = (algorithm: string, input: WireValue) =>
    connection.call({
      destination: SECRETS,
      path: '/org/freedesktop/secrets',
      interface: 'org.freedesktop.Secret.Service',
      member: 'OpenSession',
      signature: 'sv',
      body: [algorithm, input],
    });
  try {
    const [output, session] = await ask(DH_ALGORITHM, { signature: 'ay', value: ours });
    const theirs = toBigInt(variantBytes(output));
    if (theirs <= 1n || theirs >= OAKLEY_GROUP_2 - 1n)
      throw new Error('The Secret Service sent an invalid key');
    const shared = toBytes(modPow(theirs, exponent, OAKLEY_GROUP_2));
    // HKDF-SHA256 with no salt and no info, 16 bytes: the AES-128 key (libsecret's secret-session.c).
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), Buffer.alloc(0), 16));
    return {
      session: String(session),
      algorithm: DH_ALGORITHM,
      decrypt: (iv, value) => {
        const decipher = createDecipheriv('aes-128-cbc', key, iv);
        return Buffer.concat([decipher.update(value), decipher.final()]);
      },
    };
  } catch (error) {
    if (!(error instanceof DBusError) || error.errorName !== 'org.freedesktop.DBus.Error.NotSupported')
      throw error;
  }
  const [, session] = await ask('plain', { signature: 's', value: '' });
  return { session: String(session), algorithm: 'plain', decrypt: (_, value) => value };
}

/** The items holding this entry, unlocked and locked (keytar's attributes, as libsecret searches them). */
async function search(
  connection: DBusConnection,
  service: string,
  account: string,
): Promise<{ unlocked: string[]; locked: string[] }> {
  const [unlocked, locked] = await connection.call({
    destination: SECRETS,
    path: '/org/freedesktop/secrets',
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    signature: 'a{ss}',
    body: [
      [
        ['service', service],
        ['account', account],
        ['xdg:schema', KEYTAR_SCHEMA],
      ],
    ],
  });
  return { unlocked: paths(unlocked), locked: paths(locked) };
}

/** The first unlocked item's secret, or null when there is none. */
async function readSecret(
  open: OpenSession,
  found: { unlocked: string[]; locked: string[] },
): Promise<string | null> {
  const item = found.unlocked[0];
  if (item === undefined) {
    // libsecret would ask to unlock (a prompt nobody may see); say so instead.
    if (found.locked.length > 0) throw new Error('The keyring that holds this entry is locked');
    return null;
  }
  const [secret] = await open.connection.call({
    destination: SECRETS,
    path: item,
    interface: 'org.freedesktop.Secret.Item',
    member: 'GetSecret',
    signature: 'o',
    body: [open.session],
  });
  const [, parameters, value] = Array.isArray(secret) ? secret : [];
  if (!Buffer.isBuffer(parameters) || !Buffer.isBuffer(value))
    throw new Error('The Secret Service answered GetSecret in an unknown shape');
  return open.decrypt(parameters, value).toString('utf8');
}

function paths(value: WireValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((p): p is string => typeof p === 'string') : [];
}

function variantBytes(value: WireValue | undefined): Buffer {
  const inner =
    typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) ? value.value : value;
  if (!Buffer.isBuffer(inner)) throw new Error('The Secret Service answered OpenSession in an unknown shape');
  return inner;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus)
    if (e & 1n) result = (result * b) % modulus;
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

/** Big-endian, zero-padded to the prime's 128 bytes, as libsecret and gnome-keyring write keys and secrets. */
function toBytes(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(256, '0'), 'hex');
}
