// Team catalogs: the subscriptions, kept in the settings file (under its lock) and never holding a secret (a
// source's token is in the keychain: credential.ts). Beside it: copies.ts, resolve.ts (roles), sync.ts.
import { RolebarError } from '../../domain/errors.js';
import { withFileLockSync } from '../../platform/lock.js';
import type { Settings, SettingsData, SettingsRecord } from '../../store/settings.js';
import type { SecretStore } from '../../platform/keychain/keychain.js';
import { forgetCredential, keepCredential } from './credential.js';
import { removeCopy } from './copies.js';
import { type CatalogSource, takeCredential } from './fetch.js';
import type { CatalogChanges, CatalogDiff } from './views.js';

/** A subscription as stored in settings (never a secret: a source is a URL without its token, or a path). */
export interface CatalogSubscription {
  id: string;
  name: string;
  source: CatalogSource;
  /** True when the source's `user:token` is in the keychain (credential.ts), taken out of its URL. */
  credential?: true | undefined;
  /** Account id (or '*' for all) → the id of the user's identity its roles are assumed from. */
  identities: Record<string, string>;
  lastSyncAt?: string | undefined;
  lastError?: string | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  /** Catalog role id → the ARN a live session was started with, kept until that session ends (ARN changed). */
  held?: Record<string, string> | undefined;
  /** What the last sync that changed something changed (lists cut to CHANGES_KEPT), for `catalog list` and the window. */
  lastChanges?: CatalogChanges | undefined;
}

/** How many added, removed and changed entries a subscription keeps from its last sync (the rest are counted). */
export const CHANGES_KEPT = 20;

export type { CatalogChanges, CatalogDiff, Collision } from './views.js';

const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/i;

/** Checks a catalog's name (it names a file): letters, digits, `.`, `_`, `-`, at most 40. */
export function checkCatalogName(name: string): string {
  if (!NAME.test(name))
    throw new RolebarError('invalid-input', `"${name}" is not a valid catalog name.`, {
      hint: 'Use 1–40 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });
  return name;
}

/** The stored subscriptions, parsed. */
export function subscriptionsIn(data: SettingsData, file: string): CatalogSubscription[] {
  const raw = data.catalogs ?? [];
  return raw.map((record) => parseSubscription(record, file));
}

function parseSubscription(record: SettingsRecord, file: string): CatalogSubscription {
  const bad = (what: string): never => {
    throw new RolebarError('settings-invalid', `${file}: a catalog record has a bad "${what}".`, {
      hint: `Fix or remove it with 'rolebar catalog rm'.`,
    });
  };
  const name = typeof record.name === 'string' && NAME.test(record.name) ? record.name : bad('name');
  const source = record.source;
  if (typeof source !== 'object' || source === null || !('kind' in source)) return bad('source');
  const identities = record.identities;
  if (typeof identities !== 'object' || identities === null) return bad('identities');
  const strings = (value: unknown): Record<string, string> =>
    Object.fromEntries(
      Object.entries(value ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const kind = source.kind;
  const s: Record<string, unknown> = Object.fromEntries(Object.entries(source));
  const parsedSource: CatalogSource =
    kind === 'git'
      ? {
          kind,
          url: text(s.url) ?? bad('source'),
          branch: text(s.branch),
          path: text(s.path) ?? bad('source'),
        }
      : kind === 'url'
        ? { kind, url: text(s.url) ?? bad('source') }
        : kind === 'file'
          ? { kind, path: text(s.path) ?? bad('source') }
          : bad('source');
  return {
    id: record.id,
    name,
    source: parsedSource,
    credential: record.credential === true ? true : undefined,
    identities: strings(identities),
    lastSyncAt: text(record.lastSyncAt),
    lastError: text(record.lastError),
    etag: text(record.etag),
    lastModified: text(record.lastModified),
    held: record.held === undefined ? undefined : strings(record.held),
    lastChanges: parseChanges(record.lastChanges),
  };
}

/** A stored last-changes record; anything malformed reads as none (it is a display aid, not state). */
function parseChanges(raw: unknown): CatalogSubscription['lastChanges'] {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r: Record<string, unknown> = Object.fromEntries(Object.entries(raw));
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const changed = (Array.isArray(r.changed) ? r.changed : []).flatMap(
    (c: unknown): CatalogDiff['changed'] => {
      if (typeof c !== 'object' || c === null) return [];
      const e: Record<string, unknown> = Object.fromEntries(Object.entries(c));
      const { id, what, from, to } = e;
      if (typeof id !== 'string' || typeof from !== 'string' || typeof to !== 'string') return [];
      if (what !== 'ARN' && what !== 'external ID') return [];
      return [{ id, what, from, to, held: e.held === true }];
    },
  );
  if (typeof r.at !== 'string') return undefined;
  const more = typeof r.more === 'number' ? r.more : 0;
  return { at: r.at, added: ids(r.added), removed: ids(r.removed), changed, more };
}

/**
 * Adds a subscription (no fetch yet); refuses a name already used. A token in the source URL goes to the
 * keychain (after the settings record that owns it, so the entry is never an orphan), never into settings.
 */
export async function addSubscription(
  settings: Settings,
  sub: Omit<CatalogSubscription, 'id' | 'credential'>,
  secrets?: SecretStore,
): Promise<CatalogSubscription> {
  checkCatalogName(sub.name);
  const { source, credential } = takeCredential(sub.source);
  if (credential !== undefined && !secrets)
    throw new Error('unreachable: a source with a token is added with the keychain');
  const stored: CatalogSubscription = {
    ...sub,
    source,
    id: sub.name,
    credential: credential === undefined ? undefined : true,
  };
  settings.update((data) => {
    if (subscriptionsIn(data, settings.path).some((s) => s.name === sub.name))
      throw new RolebarError('catalog-exists', `A catalog "${sub.name}" already exists.`, {
        hint: `Sync it with 'rolebar catalog sync ${sub.name}', or remove it first.`,
      });
    data.catalogs = [...(data.catalogs ?? []), toRecord(stored)];
  });
  if (credential !== undefined && secrets) {
    try {
      await keepCredential(secrets, sub.name, credential);
    } catch (error) {
      await removeSubscription(settings, sub.name, secrets).catch(() => undefined);
      throw error;
    }
  }
  return stored;
}

/**
 * Changes which of the user's identities a catalog's accounts are assumed from: `identities` maps an account id
 * (or '*' for every account) to an identity id; `undefined` as a value removes that mapping. Under the lock.
 */
export function mapIdentities(
  settings: Settings,
  name: string,
  identities: Record<string, string | undefined>,
): CatalogSubscription {
  let mapped: CatalogSubscription | undefined;
  patchSubscription(settings, name, (s) => {
    const next: Record<string, string> = { ...s.identities };
    for (const [account, identity] of Object.entries(identities)) {
      if (identity === undefined) delete next[account];
      else next[account] = identity;
    }
    mapped = { ...s, identities: next };
    return mapped;
  });
  if (!mapped) throw notFound(name);
  return mapped;
}

/** Removes a subscription, its copy and its source credential (settings first: a leftover entry is an orphan). */
export async function removeSubscription(
  settings: Settings,
  name: string,
  secrets: SecretStore,
): Promise<void> {
  let sub: CatalogSubscription | undefined;
  withFileLockSync(settings.path, () => {
    settings.update((data) => {
      const subs = subscriptionsIn(data, settings.path);
      sub = subs.find((s) => s.name === name);
      if (!sub) throw notFound(name);
      data.catalogs = subs.filter((s) => s.name !== name).map(toRecord);
    });
    removeCopy(settings.path, name);
  });
  if (sub?.credential) await forgetCredential(secrets, name);
}

/** The subscription named `name`, or a not-found error listing how to see them. */
export function getSubscription(settings: Settings, name: string): CatalogSubscription {
  const sub = subscriptionsIn(settings.read(), settings.path).find((s) => s.name === name);
  if (!sub) throw notFound(name);
  return sub;
}

/** Changes the subscription named `name` in one locked settings update (none of that name: no change). */
export function patchSubscription(
  settings: Settings,
  name: string,
  change: (s: CatalogSubscription) => CatalogSubscription,
): void {
  settings.update((data) => {
    data.catalogs = subscriptionsIn(data, settings.path).map((s) =>
      toRecord(s.name === name ? change(s) : s),
    );
  });
}

function toRecord(sub: CatalogSubscription): SettingsRecord {
  // JSON drops the undefined fields, so a stored record never carries `key: undefined`.
  const record: unknown = JSON.parse(JSON.stringify(sub));
  if (typeof record !== 'object' || record === null)
    throw new Error('unreachable: a subscription is an object');
  return { ...record, id: sub.name };
}

function notFound(name: string): RolebarError {
  return new RolebarError('catalog-not-found', `No catalog "${name}".`, {
    hint: "'rolebar catalog list' shows your catalogs.",
  });
}
