// Which keychain holds Rolebar's secrets: the OS keychain (keychain.ts) or the encrypted file (file-store.ts).
// ROLEBAR_KEYCHAIN chooses for one process; the setting `rolebar keychain migrate` records chooses for every
// process; without either it is the OS keychain. The file is never chosen silently: a missing Secret Service is an
// error whose hint offers it.
import { agentKeeper } from './file-agent.js';
import { type AskPassphrase, type KeyKeeper, keychainFileIn, openFileKeychain } from './file-store.js';
import type { KdfParams } from './file-format.js';
import { type KeychainOptions, openKeychain, type SecretStore } from './keychain.js';
import { type KeychainBackend, keychainServiceOf } from './names.js';

export {
  BACKEND_VARIABLE,
  describeBackend,
  KEYCHAIN_BACKENDS,
  type KeychainBackend,
  keychainBackendOf,
} from './names.js';

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
