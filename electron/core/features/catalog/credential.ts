// A catalog source's credential (the `user:token` of its URL) lives in the keychain, one entry per catalog;
// settings keep the URL without it and only note that there is one.
import { RolebarError } from '../../domain/errors.js';
import type { SecretStore } from '../../platform/keychain/keychain.js';
import { catalogSourceAccount } from '../../store/secret-journal.js';

/** Keeps a catalog's source credential in the keychain. */
export function keepCredential(secrets: SecretStore, name: string, credential: string): Promise<void> {
  return secrets.set(catalogSourceAccount(name), credential);
}

/** Removes a catalog's source credential from the keychain (none there is fine). */
export async function forgetCredential(secrets: SecretStore, name: string): Promise<void> {
  await secrets.delete(catalogSourceAccount(name));
}

/** A catalog's source credential; a clear error naming `catalog add` when the keychain has none. */
export async function readCredential(secrets: SecretStore | undefined, name: string): Promise<string> {
  const credential = secrets ? await secrets.get(catalogSourceAccount(name)) : null;
  if (credential !== null) return credential;
  throw new RolebarError(
    'catalog-credential-missing',
    `The token of the catalog "${name}" is not in the keychain (entry ${catalogSourceAccount(name)}).`,
    {
      hint: `Add the catalog again with the token in its URL: 'rolebar catalog rm ${name}', then 'rolebar catalog add ${name} URL'.`,
    },
  );
}
