import { randomUUID } from 'node:crypto';
import { rolebarCommand } from '../domain/shell-quote.js';
import { RolebarError } from '../domain/errors.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import {
  CREDENTIAL_SOURCES,
  type CredentialSourceName,
  checkField,
  checkMfaSerial,
  checkProfileName,
  type Identity,
} from '../domain/model.js';
import * as fields from '../domain/fields.js';
import { parseIdentityRecord, parseRecordList, parseRoleRecord } from './records.js';
import {
  commitIntent,
  dropIntent,
  findSecretOrphans,
  intentIsLive,
  intentsOf,
  mfaSessionAccount,
  newIntent,
  recordIntent,
  secretAccount,
  type SecretOrphans,
  settleInterrupted,
  ssoTokenAccount,
  stagedSecretAccount,
} from './secret-journal.js';
import type { Settings, SettingsData } from './settings.js';
import { checkRegion } from '../domain/endpoints.js';

export { mfaSessionAccount, secretAccount, type SecretOrphans } from './secret-journal.js';

/** What the user types to add an IAM user identity. The secret goes to the keychain only. */
export interface NewIamUser {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}

/** What can change on an identity without touching its keys. */
export interface IdentityChanges {
  name?: string;
  mfaSerial?: string | null;
  region?: string | null;
  endpoint?: string | null;
  userName?: string;
  /** Identity Center identities: also write the AWS CLI's token cache. */
  awsCliCache?: boolean;
}

/** Identities: their non-secret fields in settings, IAM users' secrets in the keychain. */
export interface IdentityStore {
  list(): Identity[];
  get(id: string): Identity;
  /** Finds by id or by name (case-sensitive). */
  find(idOrName: string): Identity | undefined;
  addIamUser(input: NewIamUser): Promise<Identity>;
  addProfileSource(input: { name: string; profile: string; mfaSerial?: string; region?: string }): Identity;
  addCredentialSource(input: {
    name: string;
    source: CredentialSourceName;
    mfaSerial?: string;
    region?: string;
  }): Identity;
  /** Adds an IAM Identity Center identity (start URL + region); its tokens come at sign-in, into the keychain. */
  addIdentityCenter(input: {
    name: string;
    startUrl: string;
    ssoRegion: string;
    region?: string;
    awsCliCache?: boolean;
  }): Identity;
  update(id: string, changes: IdentityChanges): Identity;
  /** Replaces an IAM user's key pair (rotation): the keychain first, then settings; on failure the old pair stays. */
  rotateKeys(id: string, keys: { accessKeyId: string; secretAccessKey: string }): Promise<Identity>;
  /** Deletes an identity and its keychain entries. Refused while a role still uses it. */
  remove(id: string): Promise<void>;
  /** The secret access key of an IAM user identity, from the keychain. */
  secretOf(id: string): Promise<string>;
  /** Finishes or undoes identity changes a killed process left half-done (see secret-journal.ts). */
  settle(): Promise<void>;
  /** After settling: keychain entries without an identity, and IAM users without their secret. */
  orphans(): Promise<SecretOrphans>;
  /** Deletes the orphaned keychain entries (found again first); returns their names. */
  removeOrphans(): Promise<string[]>;
}

/** Opens the identity store over settings and the keychain. */
export function identityStore(
  settings: Settings,
  secrets: SecretStore,
  newId: () => string = randomUUID,
): IdentityStore {
  const parse = (raw: unknown) => parseRecordList(raw, settings.path, 'identities', parseIdentityRecord);
  const all = () => parse(settings.read().identities);
  // Secrets read once per process (main-process memory is allowed to hold them); keyed by the key id and the
  // key pair's version (settings are read anew on every use), so a rotation or a corrected secret saved by another
  // process (the CLI beside the app) is never served stale.
  const secretCache = new Map<string, string>();
  const cacheKey = (identity: Identity) =>
    identity.kind === 'iam-user'
      ? `${identity.id}:${identity.accessKeyId}:${identity.keyVersion ?? 0}`
      : identity.id;

  const store: IdentityStore = {
    list: all,
    get(id) {
      const found = all().find((identity) => identity.id === id);
      if (!found) throw notFound(id);
      return found;
    },
    find: (idOrName) => all().find((i) => i.id === idOrName) ?? all().find((i) => i.name === idOrName),

    async addIamUser(input) {
      const identity: Identity = {
        id: newId(),
        kind: 'iam-user',
        name: checkName(input.name),
        accessKeyId: checkAccessKeyId(input.accessKeyId),
        ...optional(input),
      };
      const secret = checkSecret(input.secretAccessKey);
      await store.settle();
      // The intent first: if this process dies after the keychain write, the next one removes the secret.
      const intent = newIntent('add', identity.id);
      settings.update((data) => {
        assertNameFree(data, identity.name);
        recordIntent(data, intent);
      });
      try {
        await secrets.set(secretAccount(identity.id), secret);
        settings.update((data) => {
          assertNameFree(data, identity.name); // another process may have taken it meanwhile
          data.identities.push({ ...identity });
          dropIntent(data, intent.id);
        });
      } catch (error) {
        await undoIntent(intent.id, [secretAccount(identity.id)]);
        throw error;
      }
      return identity;
    },

    addProfileSource(input) {
      const identity: Identity = {
        id: newId(),
        kind: 'aws-profile',
        name: checkName(input.name),
        profile: checkProfileName(input.profile),
        ...optional(input),
      };
      addRecord(identity);
      return identity;
    },

    addCredentialSource(input) {
      if (!CREDENTIAL_SOURCES.includes(input.source)) {
        throw new RolebarError('invalid-input', `"${input.source}" is not a credential source.`, {
          hint: `Use one of ${CREDENTIAL_SOURCES.join(', ')}.`,
        });
      }
      const identity: Identity = {
        id: newId(),
        kind: 'credential-source',
        name: checkName(input.name),
        source: input.source,
        ...optional(input),
      };
      addRecord(identity);
      return identity;
    },

    addIdentityCenter(input) {
      const identity: Identity = {
        id: newId(),
        kind: 'identity-center',
        name: checkName(input.name),
        startUrl: checkField(fields.ssoStartUrl, input.startUrl),
        ssoRegion: checkRegion(input.ssoRegion),
        ...(input.awsCliCache ? { awsCliCache: true } : {}),
        ...optional(input),
      };
      addRecord(identity);
      return identity;
    },

    update(id, changes) {
      store.get(id); // a clear error for an unknown id before anything else
      const name = changes.name === undefined ? undefined : checkName(changes.name);
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
        if (changes.awsCliCache !== undefined && next.kind === 'identity-center') {
          if (changes.awsCliCache) next.awsCliCache = true;
          else delete next.awsCliCache;
        }
        data.identities[index] = next;
      });
      return store.get(id);
    },

    async rotateKeys(id, keys) {
      const current = store.get(id);
      if (current.kind !== 'iam-user') {
        throw new RolebarError('invalid-input', `"${current.name}" has no keys of its own to rotate.`, {
          hint: 'Only IAM user identities keep keys in Rolebar.',
        });
      }
      const accessKeyId = checkAccessKeyId(keys.accessKeyId);
      const secret = checkSecret(keys.secretAccessKey);
      await store.settle();
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
        await undoIntent(intent.id, [stagedSecretAccount(id)]);
        throw error;
      }
      await secrets.set(secretAccount(id), secret);
      await secrets.delete(stagedSecretAccount(id));
      // Sessions made with the old key are still valid on AWS, but a cached MFA session is the old key's.
      await secrets.delete(mfaSessionAccount(id)).catch(() => false);
      settings.update((data) => dropIntent(data, intent.id));
      return store.get(id);
    },

    async remove(id) {
      const identity = store.get(id);
      await store.settle();
      const intent = newIntent('remove', id);
      // Checked and removed in one locked update: a role added meanwhile by another process is seen.
      settings.update((data) => {
        const users = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord)
          .filter((role) => role.source.kind === 'identity' && role.source.id === id)
          .map((role) => `"${role.label}"`);
        if (users.length > 0) {
          throw new RolebarError(
            'identity-in-use',
            `"${identity.name}" is the source of ${users.join(', ')}.`,
            {
              hint: `Remove those roles or give them another source first (\`${rolebarCommand('role', 'edit', 'LABEL', '--source', 'NAME')}\`).`,
            },
          );
        }
        const index = data.identities.findIndex((i) => i.id === id);
        if (index === -1) throw notFound(id);
        data.identities.splice(index, 1);
        recordIntent(data, intent);
      });
      secretCache.delete(cacheKey(identity));
      // If these fail or the process dies, the intent stays and the next process deletes the leftovers.
      await secrets.delete(secretAccount(id));
      await secrets.delete(mfaSessionAccount(id));
      await secrets.delete(ssoTokenAccount(id));
      settings.update((data) => dropIntent(data, intent.id));
    },

    async secretOf(id) {
      const identity = store.get(id);
      const cached = secretCache.get(cacheKey(identity));
      if (cached) return cached;
      // Mid-rotation (committed, not finished) settings already name the new key; its secret is still staged.
      const staged = intentsOf(settings.read()).some(
        (i) => i.identityId === id && i.op === 'rotate' && i.phase === 'committed',
      );
      const secret =
        (staged ? await secrets.get(stagedSecretAccount(id)) : null) ??
        (await secrets.get(secretAccount(id)));
      if (!secret) {
        throw new RolebarError(
          'identity-secret-missing',
          `The secret key of "${identity.name}" is not in the keychain.`,
          {
            hint: `Enter it again with Rotate keys in the window or \`${rolebarCommand('identity', 'set-key', identity.name, '--access-key-id', identity.kind === 'iam-user' ? identity.accessKeyId : 'ID')}\` (it may have been deleted from the keychain by hand).`,
          },
        );
      }
      secretCache.set(cacheKey(identity), secret);
      return secret;
    },

    async settle() {
      await settleInterrupted(settings, secrets);
    },

    async orphans() {
      await store.settle();
      return findSecretOrphans(settings, secrets);
    },

    async removeOrphans() {
      const { accounts } = await store.orphans();
      for (const account of accounts) await secrets.delete(account);
      return accounts;
    },
  };

  /** Takes back the keychain side of a failed change, then forgets its intent (kept if the keychain failed too). */
  async function undoIntent(intentId: string, accounts: string[]): Promise<void> {
    try {
      for (const account of accounts) await secrets.delete(account);
    } catch {
      return; // the intent stays: once this process has exited, the next one finishes the undo
    }
    settings.update((data) => dropIntent(data, intentId));
  }

  /** Adds an identity that needs no secret, its name checked inside the lock (two processes may pick the same). */
  function addRecord(identity: Identity): void {
    settings.update((data) => {
      assertNameFree(data, identity.name);
      data.identities.push({ ...identity });
    });
  }

  return store;
}

function optional(input: {
  mfaSerial?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
}) {
  return {
    ...(input.mfaSerial ? { mfaSerial: checkMfaSerial(input.mfaSerial) } : {}),
    ...(input.region ? { region: checkRegion(input.region) } : {}),
    ...(input.endpoint ? { endpoint: checkIdentityField('endpoint', input.endpoint) } : {}),
  };
}

function checkIdentityField(field: 'mfaSerial' | 'region' | 'endpoint', value: string): string {
  if (field === 'mfaSerial') return checkMfaSerial(value);
  if (field === 'region') return checkRegion(value);
  try {
    const url = new URL(value);
    if (url.protocol === 'https:' || url.protocol === 'http:') return value;
  } catch {
    // fall through to the error below
  }
  throw new RolebarError('invalid-input', `"${value}" is not an endpoint URL.`, {
    hint: 'Use a full http(s) URL.',
  });
}

function checkName(name: string): string {
  return checkField(fields.identityName, name);
}

function assertNameFree(data: SettingsData, name: string, exceptId?: string): void {
  assertUniqueName(
    data.identities.filter((identity) => identity.id !== exceptId).map((identity) => identity.name),
    name,
  );
}

function assertUniqueName(names: unknown[], name: string): void {
  if (names.includes(name)) {
    throw new RolebarError('identity-exists', `An identity named "${name}" already exists.`, {
      hint: 'Choose another name.',
    });
  }
}

/** Long-term access key ids (AKIA…), by the rule in rules/fields.ts. */
function checkAccessKeyId(value: string): string {
  return checkField(fields.accessKeyId, value);
}

/** The secret is checked by its rule and stored as it was checked. Its messages never show it. */
function checkSecret(secret: string): string {
  return checkField(fields.secretAccessKey, secret);
}

function identityBusy(name: string): RolebarError {
  return new RolebarError('identity-busy', `Another Rolebar process is changing the keys of "${name}".`, {
    hint: 'Try again in a moment.',
  });
}

function notFound(id: string): RolebarError {
  return new RolebarError('identity-not-found', `No identity "${id}".`, {
    hint: 'List identities to see their names.',
  });
}
