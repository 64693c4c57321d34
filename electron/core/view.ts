// The listing view: what Rolebar remembers (settings, identities, roles with the team catalogs', session
// records), opened the way the CLI opens the core but without the engine, STS, IAM or the keychain code. At 5,000
// catalog roles `role list` and `status` are mostly start-up, and that code was a third of what they loaded.
// The keychain opens on the first secret asked for (status: an identity's MFA session or key).
import os from 'node:os';
import { catalogRoleSource } from './features/catalog/resolve.js';
import type { AskPassphrase } from './platform/keychain/file-store.js';
import type { SecretStore } from './platform/keychain/keychain.js';
import { lazySecretStore } from './platform/keychain/lazy-store.js';
import { keychainServiceOf } from './platform/keychain/names.js';
import { settingsDir } from './platform/paths.js';
import { openStores, type Stores } from './sessions/stores.js';
import { openSettings, type Settings } from './store/settings.js';

/** The stores over the user's settings, read-mostly: what listing commands show. */
export interface RolebarView extends Stores {
  settings: Settings;
  /** Opened on the first call. */
  secrets: SecretStore;
  now: () => number;
}

/** The user's settings: from ROLEBAR_HOME, else the app's folder under `env.HOME` (openCore opens the same). */
export function openUserSettings(env: NodeJS.ProcessEnv): Settings {
  const homedir = env.HOME || os.homedir();
  return openSettings({ dir: settingsDir({ env, platform: process.platform, homedir }) });
}

/** Opens the view over the user's settings; the keychain (see openSecrets) only when a secret is asked for. */
export function openView(env: NodeJS.ProcessEnv = process.env, askPassphrase?: AskPassphrase): RolebarView {
  const settings = openUserSettings(env);
  const now = Date.now;
  const secrets = lazySecretStore(keychainServiceOf(env), async () =>
    (await import('./open-secrets.js')).openSecrets(env, settings, askPassphrase),
  );
  return { settings, secrets, now, ...openStores(settings, secrets, catalogRoleSource(settings.path, now)) };
}
