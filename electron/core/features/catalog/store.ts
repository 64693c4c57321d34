// Subscribed catalogs: their settings (in the settings file, under its lock) and their last good copies
// (catalogs/NAME.json beside it, written under the same lock), turned into read-only roles beside the user's own.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';
import { profileNameOf, type Role } from '../../domain/model.js';
import { parseRecordList, parseSessionRecord } from '../../store/records.js';
import { withFileLockSync } from '../../platform/lock.js';
import type { Settings, SettingsData, SettingsRecord } from '../../store/settings.js';
import { asRole, type Catalog, type CatalogRole, parseCatalog } from './format.js';
import type { SecretStore } from '../../platform/keychain/keychain.js';
import { forgetCredential, keepCredential, readCredential } from './credential.js';
import { type CatalogSource, describeSource, fetchCatalog, redactSource, takeCredential } from './fetch.js';

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
  lastChanges?: (CatalogDiff & { at: string; more: number }) | undefined;
}

/** How many added, removed and changed entries a subscription keeps from its last sync (the rest are counted). */
export const CHANGES_KEPT = 20;

/** What changed between two copies of a catalog. */
export interface CatalogDiff {
  added: string[];
  removed: string[];
  changed: Array<{ id: string; what: 'ARN' | 'external ID'; from: string; to: string; held: boolean }>;
}

/** A catalog role left out because one of the user's roles (or an earlier catalog's) has its profile name. */
export interface Collision {
  catalog: string;
  role: string;
  profile: string;
  keptRole: string;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/i;

/** Checks a catalog's name (it names a file): letters, digits, `.`, `_`, `-`, at most 40. */
export function checkCatalogName(name: string): string {
  if (!NAME.test(name))
    throw new RolebarError('invalid-input', `"${name}" is not a valid catalog name.`, {
      hint: 'Use 1–40 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    });
  return name;
}

/** The id a catalog role has among the user's roles: stable across syncs. */
export function catalogRoleId(catalog: string, roleId: string): string {
  return `catalog:${catalog}:${roleId}`;
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

/** A diff as a subscription keeps it: each list cut to CHANGES_KEPT, the rest counted in `more`. */
function keptChanges(diff: CatalogDiff, at: string): NonNullable<CatalogSubscription['lastChanges']> {
  const cut = <T>(list: T[]) => list.slice(0, CHANGES_KEPT);
  const more =
    Math.max(0, diff.added.length - CHANGES_KEPT) +
    Math.max(0, diff.removed.length - CHANGES_KEPT) +
    Math.max(0, diff.changed.length - CHANGES_KEPT);
  return { at, added: cut(diff.added), removed: cut(diff.removed), changed: cut(diff.changed), more };
}

/** Where the last good copy of a catalog is kept. */
export function copyPath(settingsPath: string, name: string): string {
  return path.join(path.dirname(settingsPath), 'catalogs', `${name}.json`);
}

const parsedCopies = new Map<string, { mtimeMs: number; size: number; catalog: Catalog }>();

/** The last good copy, parsed (cached while the file is unchanged); undefined before the first good sync. */
export function readCopy(settingsPath: string, name: string): Catalog | undefined {
  const file = copyPath(settingsPath, name);
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  const cached = parsedCopies.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.catalog;
  const catalog = parseCatalog(readFileSync(file, 'utf8'), file);
  parsedCopies.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, catalog });
  return catalog;
}

/**
 * The roles every catalog adds beside `own` (the user's roles), as the session layer switches them, and the
 * catalog roles left out because their profile name is taken (the user's own role always wins).
 */
export function catalogRoles(
  data: SettingsData,
  settingsPath: string,
  own: Role[],
  now: number = Date.now(),
): { roles: Role[]; collisions: Collision[]; unmapped: string[] } {
  const taken = new Map(own.map((r) => [profileNameOf(r), r.label]));
  const roles: Role[] = [];
  const collisions: Collision[] = [];
  const unmapped: string[] = [];
  const liveSessions = new Set(
    data.catalogs?.length
      ? parseRecordList(data.sessions, settingsPath, 'sessions', parseSessionRecord)
          .filter((s) => Date.parse(s.expiration) > now)
          .map((s) => s.roleId)
      : [],
  );
  for (const sub of subscriptionsIn(data, settingsPath)) {
    const resolved = resolvedRoles(settingsPath, sub, liveSessions);
    if (!resolved) continue;
    unmapped.push(...resolved.unmapped);
    const left = new Set<string>();
    const kept: Role[] = [];
    for (const role of resolved.roles) {
      const profile = profileNameOf(role);
      const keptRole = taken.get(profile);
      // A role chained from a role that was left out cannot be switched either (chains come after their source).
      if (keptRole !== undefined || (role.source.kind === 'role' && left.has(role.source.id))) {
        if (keptRole !== undefined)
          collisions.push({
            catalog: sub.name,
            role: role.id.slice(`catalog:${sub.name}:`.length),
            profile,
            keptRole,
          });
        left.add(role.id);
        continue;
      }
      kept.push(role);
    }
    for (const role of kept) taken.set(profileNameOf(role), `${sub.name}/${role.label}`);
    roles.push(...kept);
  }
  return { roles, collisions, unmapped };
}

const resolvedCache = new Map<string, { key: string; roles: Role[]; unmapped: string[] }>();

/**
 * A catalog's roles, each checked by the one role rule (model.checkRole), sources before the roles chained from
 * them; cached while the copy, the subscription and the held ARNs in use are unchanged (every role list asks).
 */
function resolvedRoles(
  settingsPath: string,
  sub: CatalogSubscription,
  liveSessions: Set<string>,
): { roles: Role[]; unmapped: string[] } | undefined {
  const catalog = readCopy(settingsPath, sub.name);
  if (!catalog) return undefined;
  const heldLive = Object.keys(sub.held ?? {}).filter((id) => liveSessions.has(catalogRoleId(sub.name, id)));
  const file = copyPath(settingsPath, sub.name);
  const key = JSON.stringify([parsedCopies.get(file)?.mtimeMs, sub.identities, sub.held, heldLive]);
  const cached = resolvedCache.get(file);
  if (cached && cached.key === key && parsedCopies.get(file)?.catalog === catalog) return cached;
  const byId = new Map(catalog.roles.map((r) => [r.id, r]));
  const depth = (role: CatalogRole): number => {
    let n = 0;
    for (let hop = role.chainFrom; hop !== undefined; hop = byId.get(hop)?.chainFrom) n += 1;
    return n;
  };
  const ordered = catalog.roles
    .map((role) => ({ role, depth: depth(role) }))
    .sort((a, b) => a.depth - b.depth);
  const roles: Role[] = [];
  const unmapped: string[] = [];
  // Each account's label made once (500 accounts), not once per role (5,000 roles).
  const accountLabels = new Map(
    catalog.accounts.map((a) => [a.id, a.name === a.id ? `Account ${a.id}` : `${a.name} (${a.id})`]),
  );
  for (const { role } of ordered) {
    let root = role;
    while (root.chainFrom !== undefined) root = byId.get(root.chainFrom) ?? { ...root, chainFrom: undefined };
    const identity = sub.identities[root.account] ?? sub.identities['*'];
    if (identity === undefined) {
      unmapped.push(`${sub.name}/${role.id}`);
      continue;
    }
    const source: Role['source'] =
      role.chainFrom === undefined
        ? { kind: 'identity', id: identity }
        : { kind: 'role', id: catalogRoleId(sub.name, role.chainFrom) };
    const held = heldLive.includes(role.id) ? sub.held?.[role.id] : undefined;
    const shaped = asRole(held ? { ...role, roleArn: held } : role, catalog.profilePrefix, source, sub.name);
    // parseCatalog checked this role, prefix included, with the one role rule (model.checkRole).
    shaped.id = catalogRoleId(sub.name, role.id);
    const account = accountLabels.get(role.account) ?? `Account ${role.account}`;
    shaped.catalogGroup = role.group === undefined ? account : `${role.group} · ${account}`;
    roles.push(shaped);
  }
  const entry = { key, roles, unmapped };
  resolvedCache.set(file, entry);
  return entry;
}

/** Compares two copies of a catalog: roles added, removed, or changed in ARN or external ID. */
export function diffCatalogs(before: Catalog | undefined, after: Catalog): CatalogDiff {
  const old = new Map((before?.roles ?? []).map((r) => [r.id, r]));
  const diff: CatalogDiff = { added: [], removed: [], changed: [] };
  for (const role of after.roles) {
    const was = old.get(role.id);
    if (!was) diff.added.push(role.id);
    else {
      if (was.roleArn !== role.roleArn)
        diff.changed.push({ id: role.id, what: 'ARN', from: was.roleArn, to: role.roleArn, held: false });
      if (was.externalId !== role.externalId)
        diff.changed.push({
          id: role.id,
          what: 'external ID',
          from: was.externalId ?? '(none)',
          to: role.externalId ?? '(none)',
          held: false,
        });
    }
  }
  const ids = new Set(after.roles.map((r) => r.id));
  diff.removed = [...old.keys()].filter((id) => !ids.has(id));
  return diff;
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
  patch(settings, name, (s) => {
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
    rmSync(copyPath(settings.path, name), { force: true });
  });
  if (sub?.credential) await forgetCredential(secrets, name);
}

/**
 * A subscription written by an older version with the token still in its URL: the token moves to the keychain,
 * then (in one locked update, only if the URL is still the same) settings keep the URL without it.
 */
async function moveCredential(
  settings: Settings,
  sub: CatalogSubscription,
  secrets: SecretStore,
): Promise<CatalogSubscription> {
  const { source, credential } = takeCredential(sub.source);
  if (credential === undefined) return sub;
  await keepCredential(secrets, sub.name, credential);
  patch(settings, sub.name, (s) =>
    takeCredential(s.source).credential === credential ? { ...s, source, credential: true } : s,
  );
  return getSubscription(settings, sub.name);
}

/** The subscription named `name`, or a not-found error listing how to see them. */
export function getSubscription(settings: Settings, name: string): CatalogSubscription {
  const sub = subscriptionsIn(settings.read(), settings.path).find((s) => s.name === name);
  if (!sub) throw notFound(name);
  return sub;
}

/**
 * Fetches and checks a catalog (with its source credential from `secrets`, where a token left in the URL by an
 * older version moves to first), then (under the settings lock) keeps it as the last good copy and returns what
 * changed. On any failure the last good copy stays, the error is recorded for the window, and it is rethrown.
 */
export async function syncCatalog(
  settings: Settings,
  name: string,
  now: number = Date.now(),
  secrets?: SecretStore,
): Promise<CatalogDiff> {
  let sub = getSubscription(settings, name);
  const stamp = new Date(now).toISOString();
  let next:
    | { catalog: Catalog; text: string; etag?: string | undefined; lastModified?: string | undefined }
    | undefined;
  try {
    if (secrets) sub = await moveCredential(settings, sub, secrets);
    const credential = sub.credential ? await readCredential(secrets, name) : undefined;
    const fetched = await fetchCatalog(sub.source, sub, credential);
    if (fetched.changed)
      next = { catalog: parseCatalog(fetched.text, describeSource(sub.source)), ...fetched };
  } catch (error) {
    // The stored failure is shown in `catalog list` and the window: never with a token from the source URL.
    const message = redactSource(error instanceof Error ? error.message : String(error));
    patch(settings, name, (s) => ({ ...s, lastError: message }));
    throw error;
  }
  if (!next) {
    patch(settings, name, (s) => ({ ...s, lastSyncAt: stamp, lastError: undefined }));
    return { added: [], removed: [], changed: [] };
  }
  const found = next;
  return withFileLockSync(settings.path, () => {
    const diff = diffCatalogs(readCopy(settings.path, name), found.catalog);
    const data = settings.read();
    const live = new Set(
      parseRecordList(data.sessions, settings.path, 'sessions', parseSessionRecord)
        .filter((s) => Date.parse(s.expiration) > now)
        .map((s) => s.roleId),
    );
    const held: Record<string, string> = {};
    for (const [roleId, arn] of Object.entries(sub.held ?? {}))
      if (live.has(catalogRoleId(name, roleId))) held[roleId] = arn;
    for (const change of diff.changed) {
      if (change.what !== 'ARN' || !live.has(catalogRoleId(name, change.id))) continue;
      // The live session keeps its ARN until it ends: a switch never silently lands on another role.
      held[change.id] ??= change.from;
      change.held = true;
    }
    const file = copyPath(settings.path, name);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.tmp`, found.text, { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    patch(settings, name, (s) => ({
      ...s,
      lastSyncAt: stamp,
      lastError: undefined,
      etag: found.etag,
      lastModified: found.lastModified,
      held: Object.keys(held).length > 0 ? held : undefined,
      lastChanges:
        diff.added.length + diff.removed.length + diff.changed.length > 0
          ? keptChanges(diff, stamp)
          : s.lastChanges,
    }));
    return diff;
  });
}

function patch(
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
