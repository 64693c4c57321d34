// The encrypted-file keychain behind the SecretStore interface: one file (file-format.ts) in a 0700 folder of its
// own, read whole and written whole (atomically, under the one lock) on every change. The key comes from the
// unlock agent (file-agent.ts), ROLEBAR_KEYCHAIN_PASSPHRASE, or the caller's prompt, in that order; once derived
// it stays in this process's memory only.
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';
import {
  atomicWriteFile,
  cleanStaleTempFiles,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  removeFileDurably,
} from '../atomic.js';
import { withFileLock } from '../lock.js';
import {
  deriveKey,
  type FileKey,
  type KdfParams,
  kdfOf,
  newKdf,
  open,
  parseSealed,
  type SealedFile,
  seal,
  type Vault,
} from './file-format.js';
import { KeychainUnavailableError, type SecretStore } from './keychain.js';

/** The variable a passphrase may come from (CI, a container's secret): never argv, never a file of ours. */
export const PASSPHRASE_VARIABLE = 'ROLEBAR_KEYCHAIN_PASSPHRASE';
/** The command that unlocks (or creates) the keychain file for a while: the fix every locked error names. */
export const UNLOCK_COMMAND = 'rolebar keychain unlock';

export { keychainFileIn } from './names.js';

/** How the front end asks a person for the passphrase; `creating` when there is no file yet (ask twice). */
export type AskPassphrase = (question: { file: string; creating: boolean }) => Promise<string>;

/** Where a key may already be kept (the unlock agent); undefined when it has none for this file. */
export interface KeyKeeper {
  keyFor(file: string): Promise<FileKey | undefined>;
}

export interface FileKeychainOptions {
  file: string;
  service: string;
  env: NodeJS.ProcessEnv;
  /** Absent: no prompt (credential_process, the app); a locked file then fails at once, naming UNLOCK_COMMAND. */
  askPassphrase?: AskPassphrase;
  keeper?: KeyKeeper;
  /** scrypt's cost for a file this store creates (tests pass a cheaper one); default DEFAULT_KDF. */
  cost?: Omit<KdfParams, 'salt'>;
}

/** The file's bytes checked, or undefined when there is no file yet. Anything else at the path is refused. */
export function readSealedFile(file: string): SealedFile | undefined {
  let bytes: Buffer;
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new KeychainUnavailableError(
      'failed',
      `The keychain file ${file} cannot be read: ${(error as Error).message}.`,
      'Check that it is a file you own, then try again.',
    );
  }
  return parseSealed(bytes, file);
}

/** Makes the keychain file's folder (0700) and tightens it when it exists with wider rights. */
export function prepareKeychainFolder(file: string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32' && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

const sameKdf = (a: KdfParams, b: KdfParams) =>
  a.N === b.N && a.r === b.r && a.p === b.p && a.salt === b.salt;

/** The encrypted-file keychain at options.file, for one service. */
export function openFileKeychain(options: FileKeychainOptions): SecretStore & { unlock(): Promise<FileKey> } {
  const { file, service, env } = options;
  let known: FileKey | undefined;

  /** The vault inside `sealed`, trying the key we hold, the agent's, the variable's, then the prompt's. */
  async function openSealed(sealed: SealedFile): Promise<{ vault: Vault; key: FileKey }> {
    const kdf = kdfOf(sealed);
    const attempts: Array<() => Promise<FileKey | undefined>> = [
      async () => (known && sameKdf(known.kdf, kdf) ? known : undefined),
      async () => options.keeper?.keyFor(file).catch(() => undefined),
    ];
    for (const attempt of attempts) {
      const key = await attempt();
      const vault = key && sameKdf(key.kdf, kdf) ? open(sealed, key) : undefined;
      if (key && vault) return { vault, key: (known = key) };
    }
    const { passphrase, from } = await passphraseFor(false);
    const key = await deriveKey(passphrase, kdf);
    const vault = open(sealed, key);
    if (!vault) {
      throw new KeychainUnavailableError(
        'wrong-passphrase',
        `The passphrase ${from === 'env' ? `in ${PASSPHRASE_VARIABLE} ` : ''}does not open the keychain file ${file}.`,
        'Nothing was changed. Check the passphrase (it is case-sensitive) and try again.',
      );
    }
    return { vault, key: (known = key) };
  }

  /** The passphrase: from the variable, else the prompt; else a locked error that names the fix. */
  async function passphraseFor(creating: boolean): Promise<{ passphrase: string; from: 'env' | 'prompt' }> {
    const fromEnv = env[PASSPHRASE_VARIABLE];
    if (fromEnv) return { passphrase: fromEnv, from: 'env' };
    if (!options.askPassphrase) {
      throw new KeychainUnavailableError(
        'file-locked',
        `Rolebar's keychain file ${creating ? 'does not exist yet' : 'is locked'}, and there is no terminal to ask for its passphrase on.`,
        `Run \`${UNLOCK_COMMAND}\` in a terminal (it keeps the file unlocked for a while), or set ${PASSPHRASE_VARIABLE}.`,
      );
    }
    const passphrase = await options.askPassphrase({ file, creating });
    if (passphrase.length === 0) {
      throw new RolebarError('invalid-input', 'No passphrase was given.', { hint: 'Nothing was changed.' });
    }
    return { passphrase, from: 'prompt' };
  }

  /** The vault and its key now: an empty vault with a new key when there is no file yet. */
  async function load(create: boolean): Promise<{ vault: Vault; key: FileKey | undefined }> {
    const sealed = readSealedFile(file);
    if (sealed) return openSealed(sealed);
    if (!create) return { vault: {}, key: undefined };
    const { passphrase } = await passphraseFor(true);
    known = await deriveKey(passphrase, newKdf(options.cost));
    return { vault: {}, key: known };
  }

  /** A read-modify-write under the file's lock; `change` returns false when there is nothing to write. */
  async function update(change: (entries: Record<string, string>) => boolean): Promise<boolean> {
    prepareKeychainFolder(file);
    return withFileLock(file, async () => {
      await cleanStaleTempFiles(file);
      const { vault, key } = await load(true);
      const entries = (vault[service] ??= {});
      const before = Object.keys(entries).length;
      if (!change(entries)) return false;
      if (Object.keys(entries).length === 0) delete vault[service];
      // The last secret gone (a migration away, the last identity removed): no file is left behind.
      if (before > 0 && Object.keys(vault).length === 0) await removeFileDurably(file);
      else await atomicWriteFile(file, [seal(vault, key as FileKey)], PRIVATE_FILE_MODE);
      return true;
    });
  }

  /** Writes every pair in one read-modify-write of the file. */
  async function setMany(pairs: ReadonlyArray<readonly [string, string]>): Promise<void> {
    if (pairs.some(([, secret]) => secret.length === 0))
      throw new RolebarError('keychain-empty-secret', 'Refusing to store an empty secret.');
    await update((entries) => {
      for (const [account, secret] of pairs) entries[account] = secret;
      return true;
    });
  }

  return {
    service,
    async get(account) {
      return (await load(false)).vault[service]?.[account] ?? null;
    },
    set: (account, secret) => setMany([[account, secret]]),
    setMany,
    async deleteMany(accounts) {
      if (!readSealedFile(file)) return;
      await update((entries) => {
        const present = accounts.filter((account) => account in entries);
        for (const account of present) delete entries[account];
        return present.length > 0;
      });
    },
    async delete(account) {
      if (!readSealedFile(file)) return false;
      return update((entries) => {
        if (!(account in entries)) return false;
        delete entries[account];
        return true;
      });
    },
    async list() {
      return Object.keys((await load(false)).vault[service] ?? {}).sort();
    },
    /** Opens (or, with a passphrase, creates) the file and returns its key: what `keychain unlock` hands the agent. */
    async unlock() {
      const sealed = readSealedFile(file);
      if (sealed) return (await openSealed(sealed)).key;
      await update(() => true);
      return known as FileKey;
    },
  };
}
