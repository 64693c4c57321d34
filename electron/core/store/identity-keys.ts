// The keychain side of identities that keep a key pair: saving a new identity with its secret, replacing the pair
// (rotation), and reading the secret back. Each change that touches both the keychain and settings goes through
// an intent (secret-journal.ts), so a process killed part-way is finished or undone by the next one.
import { rolebarCommand } from '../domain/shell-quote.js';
import { RolebarError } from '../domain/errors.js';
import { deleteAll, setAll } from '../platform/keychain/batch.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import { checkField, type Identity } from '../domain/model.js';
import * as fields from '../domain/fields.js';
import {
  assertIntentsStillOpen,
  commitIntent,
  dropIntent,
  dropIntents,
  intentIsLive,
  intentsOf,
  mfaSessionAccount,
  newIntent,
  recordIntent,
  recordIntents,
  secretAccount,
  stagedSecretAccount,
} from './secret-journal.js';
import type { Settings, SettingsData } from './settings.js';

/** What the key mechanics need from the identity store around them. */
export interface KeyDeps {
  settings: Settings;
  secrets: SecretStore;
  get(id: string): Identity;
  /** The identity with this id in settings data already read (one read serves both the record and its version). */
  identityIn(data: SettingsData, id: string): Identity;
  /** The access key id the identity keeps a secret for, if it keeps one (asked of its credential source). */
  accessKeyIdOf(identity: Identity): string | undefined;
  /** Finishes or undoes changes a killed process left half-done, before a new one starts. */
  settle(): Promise<void>;
  assertNameFree(data: SettingsData, name: string): void;
}

/** A new identity to save, with its secret when it keeps one. */
export interface NewIdentityEntry {
  identity: Identity;
  secret?: string | undefined;
}

/** The keychain operations of identities with a key pair. */
export interface IdentityKeys {
  /**
   * Saves new identities, all or none: one intent per secret (one settings write), the secrets in one keychain
   * batch, then one settings write that adds every identity, with what `alongside` adds to the same write (an
   * import's roles). A failure, or a kill, leaves none of them (the journal takes the secrets back).
   */
  addAll(entries: readonly NewIdentityEntry[], alongside?: (data: SettingsData) => void): Promise<void>;
  rotateKeys(id: string, keys: { accessKeyId: string; secretAccessKey: string }): Promise<Identity>;
  secretOf(id: string): Promise<string>;
  /** Drops the identity's secrets, of every key it had, from this process's memory (it is being removed). */
  forget(identity: Identity): void;
}

/** Builds the key mechanics over settings and the keychain. */
export function identityKeys(deps: KeyDeps): IdentityKeys {
  const { settings, secrets } = deps;
  // Secrets read once per process (main-process memory is allowed to hold them); keyed by the key id and the
  // key pair's version (settings are read anew on every use), so a rotation or a corrected secret saved by another
  // process (the CLI beside the app) is never served stale.
  const secretCache = new Map<string, string>();
  const cacheKey = (identity: Identity, data: SettingsData) => {
    const keyId = deps.accessKeyIdOf(identity);
    if (keyId === undefined) return identity.id;
    // The version rotateKeys counts in the stored record (absent: never rotated).
    const version = data.identities.find((i) => i.id === identity.id)?.keyVersion;
    return `${identity.id}:${keyId}:${typeof version === 'number' ? version : 0}`;
  };

  return {
    addAll: (entries, alongside) => addAll(deps, entries, alongside),

    async rotateKeys(id, keys) {
      const current = deps.get(id);
      if (deps.accessKeyIdOf(current) === undefined) {
        throw new RolebarError('invalid-input', `"${current.name}" has no keys of its own to rotate.`, {
          hint: 'Only IAM user identities keep keys in Rolebar.',
        });
      }
      const accessKeyId = checkField(fields.accessKeyId, keys.accessKeyId);
      const secret = checkField(fields.secretAccessKey, keys.secretAccessKey);
      await deps.settle();
      // The new secret waits in a staging entry until settings name the new key (the commit); a process killed
      // before the commit leaves the old pair, one killed after it is completed by the next process.
      const intent = newIntent('rotate', id);
      settings.update((data) => {
        const busy = intentsOf(data).some((i) => i.identityId === id && intentIsLive(i));
        if (busy) throw identityBusy(current.name);
        if (!data.identities.some((i) => i.id === id)) throw notFound(id);
        recordIntent(data, intent);
      });
      try {
        await secrets.set(stagedSecretAccount(id), secret);
        settings.update((data) => {
          const index = data.identities.findIndex((i) => i.id === id);
          const record = data.identities[index];
          if (!record) throw notFound(id);
          const version = typeof record.keyVersion === 'number' ? record.keyVersion : 0;
          data.identities[index] = { ...record, accessKeyId, keyVersion: version + 1 };
          commitIntent(data, intent.id);
        });
      } catch (error) {
        await undoIntents(deps, [intent.id], [stagedSecretAccount(id)]);
        throw error;
      }
      await secrets.set(secretAccount(id), secret);
      await secrets.delete(stagedSecretAccount(id));
      // Sessions made with the old key are still valid on AWS, but a cached MFA session is the old key's.
      await secrets.delete(mfaSessionAccount(id)).catch(() => false);
      settings.update((data) => dropIntent(data, intent.id));
      return deps.get(id);
    },

    async secretOf(id) {
      const data = settings.read();
      const identity = deps.identityIn(data, id);
      const key = cacheKey(identity, data);
      const cached = secretCache.get(key);
      if (cached) return cached;
      // Mid-rotation (committed, not finished) settings already name the new key; its secret is still staged.
      const staged = intentsOf(settings.read()).some(
        (i) => i.identityId === id && i.op === 'rotate' && i.phase === 'committed',
      );
      const secret =
        (staged ? await secrets.get(stagedSecretAccount(id)) : null) ??
        (await secrets.get(secretAccount(id)));
      if (!secret) {
        const keyId = deps.accessKeyIdOf(identity) ?? 'ID';
        throw new RolebarError(
          'identity-secret-missing',
          `The secret key of "${identity.name}" is not in the keychain.`,
          {
            hint: `Enter it again with Rotate keys in the window or \`${rolebarCommand('identity', 'set-key', identity.name, '--access-key-id', keyId)}\` (it may have been deleted from the keychain by hand).`,
          },
        );
      }
      secretCache.set(key, secret);
      return secret;
    },

    forget(identity) {
      for (const key of secretCache.keys())
        if (key === identity.id || key.startsWith(`${identity.id}:`)) secretCache.delete(key);
    },
  };
}

/** Takes back the keychain side of a failed change, then forgets its intents (kept if the keychain failed too). */
async function undoIntents(deps: KeyDeps, intentIds: string[], accounts: string[]): Promise<void> {
  try {
    await deleteAll(deps.secrets, accounts);
  } catch {
    return; // the intents stay: once this process has exited, the next one finishes the undo
  }
  deps.settings.update((data) => dropIntents(data, intentIds));
}

/** IdentityKeys.addAll: the intents, the keychain batch, then the one settings write that commits. */
async function addAll(
  deps: KeyDeps,
  entries: readonly NewIdentityEntry[],
  alongside?: (data: SettingsData) => void,
): Promise<void> {
  const { settings, secrets } = deps;
  await deps.settle();
  const keyed = entries.flatMap(({ identity, secret }) =>
    secret === undefined ? [] : [{ account: secretAccount(identity.id), secret }],
  );
  const intents = entries.flatMap(({ identity, secret }) =>
    secret === undefined ? [] : [newIntent('add', identity.id)],
  );
  const addTo = (data: SettingsData, save: boolean) => {
    const names = new Set(data.identities.map((identity) => String(identity.name)));
    for (const { identity } of entries) {
      if (names.has(identity.name)) deps.assertNameFree(data, identity.name); // throws, naming it
      names.add(identity.name);
      if (save) data.identities.push({ ...identity });
    }
  };
  // The intents first: if this process dies after the keychain writes, the next one removes the secrets.
  if (intents.length > 0)
    settings.update((data) => {
      addTo(data, false);
      recordIntents(data, intents);
    });
  try {
    await setAll(
      secrets,
      keyed.map(({ account, secret }) => [account, secret] as const),
    );
    settings.update((data) => {
      assertIntentsStillOpen(
        data,
        intents.map((intent) => intent.id),
      );
      addTo(data, true); // another process may have taken a name meanwhile
      alongside?.(data);
      dropIntents(
        data,
        intents.map((intent) => intent.id),
      );
    });
  } catch (error) {
    if (intents.length > 0)
      await undoIntents(
        deps,
        intents.map((intent) => intent.id),
        keyed.map(({ account }) => account),
      );
    throw error;
  }
}

function identityBusy(name: string): RolebarError {
  return new RolebarError('identity-busy', `Another Rolebar process is changing the keys of "${name}".`, {
    hint: 'Try again in a moment.',
  });
}

/** The error for an identity id that is not (or no longer) in settings. */
export function notFound(id: string): RolebarError {
  return new RolebarError('identity-not-found', `No identity "${id}".`, {
    hint: 'List identities to see their names.',
  });
}
