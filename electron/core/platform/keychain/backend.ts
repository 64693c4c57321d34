// Which keychain holds Rolebar's secrets: the OS keychain (keychain.ts) or the encrypted file (file-store.ts).
// ROLEBAR_KEYCHAIN chooses for one process; the setting `rolebar keychain migrate` records chooses for every
// process; without either it is the OS keychain. The file is never chosen silently: a missing Secret Service is an
// error whose hint offers it.
import { RolebarError } from '../../domain/errors.js';
import { agentKeeper } from './file-agent.js';
import { type AskPassphrase, type KeyKeeper, keychainFileIn, openFileKeychain } from './file-store.js';
import type { KdfParams } from './file-format.js';
import { type KeychainOptions, keychainServiceOf, openKeychain, type SecretStore } from './keychain.js';

export type KeychainBackend = 'os' | 'file';
export const KEYCHAIN_BACKENDS: readonly KeychainBackend[] = ['os', 'file'];
/** The variable that chooses the backend for one process (over the setting). */
export const BACKEND_VARIABLE = 'ROLEBAR_KEYCHAIN';

/** The backend in force: ROLEBAR_KEYCHAIN, else the stored setting, else the OS keychain. */
export function keychainBackendOf(
  env: NodeJS.ProcessEnv,
  stored: KeychainBackend | undefined,
): KeychainBackend {
  const chosen = env[BACKEND_VARIABLE];
  if (chosen === undefined || chosen === '') return stored ?? 'os';
  if ((KEYCHAIN_BACKENDS as readonly string[]).includes(chosen)) return chosen as KeychainBackend;
  throw new RolebarError(
    'keychain-bad-backend',
    `${BACKEND_VARIABLE} is "${chosen}", which is not a keychain.`,
    {
      hint: `Set ${BACKEND_VARIABLE}=file (an encrypted file) or ${BACKEND_VARIABLE}=os (the OS keychain), or unset it.`,
    },
  );
}

/** Where `backend` keeps the secrets, in a user's words (status, the window, errors). */
export function describeBackend(backend: KeychainBackend, settingsFolder: string): string {
  return backend === 'file'
    ? `an encrypted file (${keychainFileIn(settingsFolder)})`
    : 'the OS keychain (Secret Service, macOS Keychain or Windows Credential Manager)';
}

export interface SecretStoreOptions extends Omit<KeychainOptions, 'service' | 'env'> {
  env: NodeJS.ProcessEnv;
  backend: KeychainBackend;
  settingsFolder: string;
  /** Default: ROLEBAR_KEYCHAIN_SERVICE, else Rolebar's own. */
  service?: string;
  askPassphrase?: AskPassphrase;
  /** Default: the unlock agent (file-agent.ts). */
  keeper?: KeyKeeper;
  /** scrypt's cost for a new keychain file (tests). */
  cost?: Omit<KdfParams, 'salt'>;
}

/** Opens the secret store of `backend`: the one place that tells the two apart. */
export function openSecretStore(options: SecretStoreOptions): SecretStore {
  const { env, backend, settingsFolder, askPassphrase, keeper, cost, ...rest } = options;
  const service = options.service ?? keychainServiceOf(env);
  if (backend === 'os') return openKeychain({ ...rest, service, env });
  return openFileKeychain({
    file: keychainFileIn(settingsFolder),
    service,
    env,
    ...(askPassphrase ? { askPassphrase } : {}),
    keeper: keeper ?? agentKeeper,
    ...(cost ? { cost } : {}),
  });
}
