// The keychain a command opens: the one the settings or ROLEBAR_KEYCHAIN name, or a demo shell's own store.
// Apart from index.ts so that the listing view (view.ts) loads it only when it first needs a secret.
import { openSecretStore } from './platform/keychain/backend.js';
import type { AskPassphrase } from './platform/keychain/file-store.js';
import type { SecretStore } from './platform/keychain/keychain.js';
import { keychainServiceOf } from './platform/keychain/names.js';
import { demoSecretStoreOf } from './features/demo/secrets.js';
import { keychainChoice } from './store/keychain-choice.js';
import type { Settings } from './store/settings.js';

/**
 * The keychain under ROLEBAR_KEYCHAIN_SERVICE (default "Rolebar"): the OS keychain, or the encrypted file, whose
 * passphrase `askPassphrase` may ask for. A shell pointed at `rolebar demo` keeps its secrets in the demo's
 * process, never in a keychain.
 */
export function openSecrets(
  env: NodeJS.ProcessEnv,
  settings: Settings,
  askPassphrase?: AskPassphrase,
): SecretStore {
  const { backend, settingsFolder } = keychainChoice(settings, env);
  return (
    demoSecretStoreOf(env, keychainServiceOf(env)) ??
    openSecretStore({ env, backend, settingsFolder, ...(askPassphrase ? { askPassphrase } : {}) })
  );
}
