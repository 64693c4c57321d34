import { randomUUID } from 'node:crypto';
import { rolebarCommand } from './cli-command.js';
import { RolebarError } from './errors.js';
import type { SecretStore } from './keychain.js';
import { CREDENTIAL_SOURCES, type CredentialSourceName, checkMfaSerial, type Identity } from './model.js';
import type { Settings } from './settings.js';
import { checkRegion } from './sts/endpoints.js';

/** The keychain entry holding an IAM user identity's secret access key. */
export const secretAccount = (identityId: string) => `iam-user:${identityId}`;
/** The keychain entry holding an identity's current MFA session (GetSessionToken credentials, as JSON). */
export const mfaSessionAccount = (identityId: string) => `mfa-session:${identityId}`;

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
  update(id: string, changes: IdentityChanges): Identity;
  /** Replaces an IAM user's key pair (rotation): the keychain first, then settings; on failure the old pair stays. */
  rotateKeys(id: string, keys: { accessKeyId: string; secretAccessKey: string }): Promise<Identity>;
  /** Deletes an identity and its keychain entries. Refused while a role still uses it. */
  remove(id: string): Promise<void>;
  /** The secret access key of an IAM user identity, from the keychain. */
  secretOf(id: string): Promise<string>;
}

/** Opens the identity store over settings and the keychain. */
export function identityStore(
  settings: Settings,
  secrets: SecretStore,
  newId: () => string = randomUUID,
): IdentityStore {
  const all = () => settings.read().identities as unknown as Identity[];
  // Secrets read once per process (main-process memory is allowed to hold them); keyed by the key id,
  // so a rotation made by another process (the CLI beside the app) is never served stale.
  const secretCache = new Map<string, string>();
  const cacheKey = (identity: Identity) =>
    identity.kind === 'iam-user' ? `${identity.id}:${identity.accessKeyId}` : identity.id;

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
      checkSecret(input.secretAccessKey);
      assertUniqueName(all(), identity.name);
      await secrets.set(secretAccount(identity.id), input.secretAccessKey);
      try {
        save((list) => list.push(identity));
      } catch (error) {
        // Settings refused: take the secret back out so nothing is left half-added.
        await secrets.delete(secretAccount(identity.id)).catch(() => false);
        throw error;
      }
      return identity;
    },

    addProfileSource(input) {
      if (!/^[\w.@+-]{1,128}$/.test(input.profile)) {
        throw new RolebarError('invalid-input', `"${input.profile}" is not a profile name.`, {
          hint: 'Use the name in brackets in ~/.aws/credentials or ~/.aws/config.',
        });
      }
      const identity: Identity = {
        id: newId(),
        kind: 'aws-profile',
        name: checkName(input.name),
        profile: input.profile,
        ...optional(input),
      };
      assertUniqueName(all(), identity.name);
      save((list) => list.push(identity));
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
      assertUniqueName(all(), identity.name);
      save((list) => list.push(identity));
      return identity;
    },

    update(id, changes) {
      const current = store.get(id);
      const next: Record<string, unknown> = { ...current };
      if (changes.name !== undefined) {
        next.name = checkName(changes.name);
        assertUniqueName(
          all().filter((i) => i.id !== id),
          next.name as string,
        );
      }
      for (const field of ['mfaSerial', 'region', 'endpoint'] as const) {
        const value = changes[field];
        if (value === null) delete next[field];
        else if (value !== undefined) next[field] = checkField(field, value);
      }
      if (changes.userName !== undefined) next.userName = changes.userName;
      save((list) =>
        list.splice(
          list.findIndex((i) => i.id === id),
          1,
          next as unknown as Identity,
        ),
      );
      return next as unknown as Identity;
    },

    async rotateKeys(id, keys) {
      const current = store.get(id);
      if (current.kind !== 'iam-user') {
        throw new RolebarError('invalid-input', `"${current.name}" has no keys of its own to rotate.`, {
          hint: 'Only IAM user identities keep keys in Rolebar.',
        });
      }
      const accessKeyId = checkAccessKeyId(keys.accessKeyId);
      checkSecret(keys.secretAccessKey);
      const oldSecret = await store.secretOf(id);
      await secrets.set(secretAccount(id), keys.secretAccessKey);
      try {
        save((list) => {
          const index = list.findIndex((i) => i.id === id);
          list[index] = { ...current, accessKeyId };
        });
      } catch (error) {
        await secrets.set(secretAccount(id), oldSecret);
        throw error;
      }
      // Sessions made with the old key are still valid on AWS, but a cached MFA session is the old key's.
      await secrets.delete(mfaSessionAccount(id)).catch(() => false);
      return store.get(id);
    },

    async remove(id) {
      const identity = store.get(id);
      const users = (
        settings.read().roles as Array<{ label?: unknown; source?: { kind?: unknown; id?: unknown } }>
      )
        .filter((role) => role.source?.kind === 'identity' && role.source.id === id)
        .map((role) => `"${String(role.label)}"`);
      if (users.length > 0) {
        throw new RolebarError(
          'identity-in-use',
          `"${identity.name}" is the source of ${users.join(', ')}.`,
          {
            hint: `Remove those roles or give them another source first (\`${rolebarCommand('role', 'edit', 'LABEL', '--source', 'NAME')}\`).`,
          },
        );
      }
      save((list) =>
        list.splice(
          list.findIndex((i) => i.id === id),
          1,
        ),
      );
      secretCache.delete(cacheKey(identity));
      await secrets.delete(secretAccount(id));
      await secrets.delete(mfaSessionAccount(id));
    },

    async secretOf(id) {
      const identity = store.get(id);
      const cached = secretCache.get(cacheKey(identity));
      if (cached) return cached;
      const secret = await secrets.get(secretAccount(id));
      if (!secret) {
        throw new RolebarError(
          'identity-secret-missing',
          `The secret key of "${identity.name}" is not in the keychain.`,
          {
            hint: `Enter it again with Rotate keys in the window or \`${rolebarCommand('identity', 'rotate', identity.name, '--access-key-id', identity.kind === 'iam-user' ? identity.accessKeyId : 'ID')}\` (it may have been deleted from the keychain by hand).`,
          },
        );
      }
      secretCache.set(cacheKey(identity), secret);
      return secret;
    },
  };

  function save(change: (list: Identity[]) => void): void {
    settings.update((data) => {
      const list = data.identities as unknown as Identity[];
      change(list);
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
    ...(input.endpoint ? { endpoint: checkField('endpoint', input.endpoint) } : {}),
  };
}

function checkField(field: 'mfaSerial' | 'region' | 'endpoint', value: string): string {
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
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 64) {
    throw new RolebarError('invalid-input', 'An identity needs a name of 1–64 characters.', {
      hint: 'For example "alice@dev".',
    });
  }
  return trimmed;
}

function assertUniqueName(list: Identity[], name: string): void {
  if (list.some((identity) => identity.name === name)) {
    throw new RolebarError('identity-exists', `An identity named "${name}" already exists.`, {
      hint: 'Choose another name.',
    });
  }
}

/** Long-term access key ids start AKIA; 16–128 upper-case letters and digits in all. */
function checkAccessKeyId(value: string): string {
  const id = value.trim();
  if (!/^[A-Z0-9]{16,128}$/.test(id)) {
    throw new RolebarError('invalid-input', 'That is not an access key id.', {
      hint: 'An access key id has 20 upper-case letters and digits and starts with AKIA, as the IAM console shows it.',
    });
  }
  if (id.startsWith('ASIA')) {
    throw new RolebarError('invalid-input', 'That access key id belongs to temporary credentials.', {
      hint: 'Rolebar stores long-term IAM user keys (AKIA…); temporary ones expire and need a session token.',
    });
  }
  return id;
}

function checkSecret(secret: string): void {
  if (!/^\S{16,128}$/.test(secret)) {
    throw new RolebarError('invalid-input', 'That does not look like a secret access key.', {
      hint: 'A secret access key has 40 characters, without spaces; copy it again from where you saved it.',
    });
  }
}

function notFound(id: string): RolebarError {
  return new RolebarError('identity-not-found', `No identity "${id}".`, {
    hint: 'List identities to see their names.',
  });
}
