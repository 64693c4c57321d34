// Many keychain entries at once (an import of a thousand key pairs, undoing it): one write of the keychain file,
// or several OS keychain calls in flight at once, which its helper process runs side by side.
import type { SecretStore } from './keychain.js';

/** How many calls to the OS keychain are in flight at once in a batch: its helper runs them side by side. */
const BATCH_IN_FLIGHT = 8;

/** Runs `run` for each item, at most `limit` at a time; the first failure is thrown once all have stopped. */
async function eachInFlight<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>) {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      try {
        await run(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}

/** Writes many entries: in one go where the store can (setMany), else several calls in flight at once. */
export async function setAll(
  store: SecretStore,
  entries: ReadonlyArray<readonly [account: string, secret: string]>,
): Promise<void> {
  if (entries.length === 0) return;
  if (store.setMany) return store.setMany(entries);
  await eachInFlight(entries, BATCH_IN_FLIGHT, ([account, secret]) => store.set(account, secret));
}

/** Deletes many entries (absent ones are no error): in one go where the store can, else side by side. */
export async function deleteAll(store: SecretStore, accounts: readonly string[]): Promise<void> {
  if (accounts.length === 0) return;
  if (store.deleteMany) return store.deleteMany(accounts);
  await eachInFlight(accounts, BATCH_IN_FLIGHT, (account) => store.delete(account));
}
