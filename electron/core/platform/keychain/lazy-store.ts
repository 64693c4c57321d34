// A SecretStore that opens the real one on its first call: a command that may never need a secret (`rolebar
// status`, which reads one only for an identity with an MFA session or a key) then never loads the keychain code.
import { deleteAll, setAll } from './batch.js';
import type { SecretStore } from './keychain.js';

/**
 * Opens the store `open` gives on the first call (once, shared by concurrent calls; a failed opening is tried
 * again by the next call); `service` names it before it is open.
 */
export function lazySecretStore(service: string, open: () => Promise<SecretStore>): SecretStore {
  let opened: Promise<SecretStore> | undefined;
  const store = () =>
    (opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
  return {
    service,
    get: async (account) => (await store()).get(account),
    set: async (account, secret) => (await store()).set(account, secret),
    delete: async (account) => (await store()).delete(account),
    list: async () => (await store()).list(),
    // Batches go as the real store takes them (in one go, or side by side).
    setMany: async (entries) => setAll(await store(), entries),
    deleteMany: async (accounts) => deleteAll(await store(), accounts),
  };
}
