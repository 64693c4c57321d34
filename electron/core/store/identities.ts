// Identities: their non-secret fields in settings, the secret of those that keep a key pair in the keychain. This
// store holds the mechanics every kind shares (records, names, the secret journal); what a kind's record holds and
// how a new one is checked is its credential source's business (core/sessions/sources/).
import { randomUUID } from 'node:crypto';
import { rolebarCommand } from '../domain/shell-quote.js';
import { RolebarError } from '../domain/errors.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import type { Identity, IdentityDraft } from '../domain/model.js';
import { checkIdentityField, checkIdentityName } from './identity-fields.js';
import { type IdentityKeys, identityKeys, notFound } from './identity-keys.js';
import { parseIdentityRecord, parseRecordList, parseRoleRecord } from './records.js';
import {
  dropIntent,
  findSecretOrphans,
  mfaSessionAccount,
  newIntent,
  recordIntent,
  secretAccount,
  type SecretOrphans,
  settleInterrupted,
  ssoTokenAccount,
} from './secret-journal.js';
import type { Settings, SettingsData } from './settings.js';

export { mfaSessionAccount, secretAccount, type SecretOrphans } from './secret-journal.js';

/** What can change on an identity without touching its keys. */
export interface IdentityChanges {
  name?: string;
  mfaSerial?: string | null;
  region?: string | null;
  endpoint?: string | null;
  userName?: string;
  /** Identities that sign in to Identity Center: also write the AWS CLI's token cache (its callers check the kind). */
  awsCliCache?: boolean;
}

/** Identities: their non-secret fields in settings, the secrets of those that keep keys in the keychain. */
export interface IdentityStore {
  list(): Identity[];
  get(id: string): Identity;
  /** Finds by id or by name (case-sensitive). */
  find(idOrName: string): Identity | undefined;
  /**
   * Saves a new identity its credential source built and checked (core/sessions/identities.ts adds them), with
   * its secret in the keychain when it keeps one. The name is checked again inside the settings lock.
   */
  add(draft: IdentityDraft, secret?: string): Promise<Identity>;
  /**
   * Saves many new identities, each with the id given, all or none (an import): the secrets in one keychain
   * batch, every record in one settings write, with what `alongside` adds to that same write.
   */
  addAll(
    entries: ReadonlyArray<{ id: string; draft: IdentityDraft; secret?: string | undefined }>,
    alongside?: (data: SettingsData) => void,
  ): Promise<Identity[]>;
  /** Throws `identity-exists` when the name is taken (checked again when the identity is saved). */
  assertNameFree(name: string): void;
  update(id: string, changes: IdentityChanges): Identity;
  /** Replaces an identity's key pair (rotation): the keychain first, then settings; on failure the old pair stays. */
  rotateKeys(id: string, keys: { accessKeyId: string; secretAccessKey: string }): Promise<Identity>;
  /** Deletes an identity and its keychain entries. Refused while a role still uses it. */
  remove(id: string): Promise<void>;
  /** The secret access key of an identity that keeps a key pair, from the keychain. */
  secretOf(id: string): Promise<string>;
  /** Finishes or undoes identity changes a killed process left half-done (see secret-journal.ts). */
  settle(): Promise<void>;
  /** After settling: keychain entries without an identity, and identities that keep keys without their secret. */
  orphans(): Promise<SecretOrphans>;
  /** Deletes the orphaned keychain entries (found again first); returns their names. */
  removeOrphans(): Promise<string[]>;
}

/** What the store asks of the credential sources, which it may not import (the rooms' direction). */
export interface IdentityStoreOptions {
  /** The access key id an identity keeps a secret for, if it keeps one (its source says: sources/registry.ts). */
  accessKeyIdOf(identity: Identity): string | undefined;
  /** The kind's rule on a whole record (sources/registry.ts checkIdentityRecord), checked on every change. */
  checkRecord?(identity: Identity): void;
  newId?: () => string;
}

/** Opens the identity store over settings and the keychain. */
export function identityStore(
  settings: Settings,
  secrets: SecretStore,
  options: IdentityStoreOptions,
): IdentityStore {
  const newId = options.newId ?? randomUUID;
  const parse = (data: SettingsData) =>
    parseRecordList(data.identities, settings.path, 'identities', parseIdentityRecord);
  const all = () => parse(settings.read());
  const identityIn = (data: SettingsData, id: string) => {
    const found = parse(data).find((identity) => identity.id === id);
    if (!found) throw notFound(id);
    return found;
  };
  const keys = identityKeys({
    settings,
    secrets,
    get: (id) => store.get(id),
    identityIn,
    accessKeyIdOf: options.accessKeyIdOf,
    settle: () => store.settle(),
    assertNameFree,
  });

  const store: IdentityStore = {
    list: all,
    get: (id) => identityIn(settings.read(), id),
    find: (idOrName) => all().find((i) => i.id === idOrName) ?? all().find((i) => i.name === idOrName),

    async add(draft, secret) {
      const [identity] = await store.addAll([{ id: newId(), draft, secret }]);
      return identity as Identity;
    },

    async addAll(entries, alongside) {
      const identities = entries.map(({ id, draft }) => ({ id, ...draft }) as Identity);
      await keys.addAll(
        identities.map((identity, i) => ({ identity, secret: entries[i]?.secret })),
        alongside,
      );
      return identities;
    },

    assertNameFree: (name) => assertNameFree(settings.read(), name),

    update(id, changes) {
      store.get(id); // a clear error for an unknown id before anything else
      const name = changes.name === undefined ? undefined : checkIdentityName(changes.name);
      const fields: Record<string, string | null> = {};
      for (const field of ['mfaSerial', 'region', 'endpoint'] as const) {
        const value = changes[field];
        if (value !== undefined) fields[field] = value === null ? null : checkIdentityField(field, value);
      }
      // Read, change and write the record inside the lock, so a concurrent change to another field survives.
      settings.update((data) => {
        const index = data.identities.findIndex((i) => i.id === id);
        const current = data.identities[index];
        if (!current) throw notFound(id);
        const next = { ...current };
        if (name !== undefined) {
          assertNameFree(data, name, id);
          next.name = name;
        }
        for (const [field, value] of Object.entries(fields)) {
          if (value === null) delete next[field];
          else next[field] = value;
        }
        if (changes.userName !== undefined) next.userName = changes.userName;
        if (changes.awsCliCache === true) next.awsCliCache = true;
        if (changes.awsCliCache === false) delete next.awsCliCache;
        options.checkRecord?.(parseIdentityRecord(next, settings.path));
        data.identities[index] = next;
      });
      return store.get(id);
    },

    rotateKeys: (id, pair) => keys.rotateKeys(id, pair),
    remove: (id) => removeIdentity({ settings, secrets, store, keys }, id),
    secretOf: (id) => keys.secretOf(id),

    async settle() {
      await settleInterrupted(settings, secrets);
    },

    async orphans() {
      await store.settle();
      // Record by record: one that does not parse must not hide the others' missing secrets.
      const keepers = settings.read().identities.flatMap((raw) => {
        try {
          const identity = parseIdentityRecord(raw, settings.path);
          return options.accessKeyIdOf(identity) === undefined ? [] : [identity.id];
        } catch {
          return [];
        }
      });
      return findSecretOrphans(settings, secrets, new Set(keepers));
    },

    async removeOrphans() {
      const { accounts } = await store.orphans();
      for (const account of accounts) await secrets.delete(account);
      return accounts;
    },
  };

  return store;
}

/** Deletes an identity and its keychain entries, refused (changing nothing) while a role uses it. */
async function removeIdentity(
  deps: { settings: Settings; secrets: SecretStore; store: IdentityStore; keys: IdentityKeys },
  id: string,
): Promise<void> {
  const { settings, secrets, store, keys } = deps;
  const identity = store.get(id);
  await store.settle();
  const intent = newIntent('remove', id);
  // Checked and removed in one locked update: a role added meanwhile by another process is seen.
  settings.update((data) => {
    const users = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord)
      .filter((role) => role.source.kind === 'identity' && role.source.id === id)
      .map((role) => `"${role.label}"`);
    if (users.length > 0) {
      throw new RolebarError('identity-in-use', `"${identity.name}" is the source of ${users.join(', ')}.`, {
        hint: `Remove those roles or give them another source first (\`${rolebarCommand('role', 'edit', 'LABEL', '--source', 'NAME')}\`).`,
      });
    }
    const index = data.identities.findIndex((i) => i.id === id);
    if (index === -1) throw notFound(id);
    data.identities.splice(index, 1);
    recordIntent(data, intent);
  });
  keys.forget(identity);
  // If these fail or the process dies, the intent stays and the next process deletes the leftovers.
  await secrets.delete(secretAccount(id));
  await secrets.delete(mfaSessionAccount(id));
  await secrets.delete(ssoTokenAccount(id));
  settings.update((data) => dropIntent(data, intent.id));
}

function assertNameFree(data: SettingsData, name: string, exceptId?: string): void {
  const names = data.identities.filter((identity) => identity.id !== exceptId).map((i) => i.name);
  if (names.includes(name)) {
    throw new RolebarError('identity-exists', `An identity named "${name}" already exists.`, {
      hint: 'Choose another name.',
    });
  }
}
