// Syncing a subscribed catalog: fetch it (with its source token from the keychain), check it, keep it as the
// last good copy and record what changed; a live session keeps its role's ARN when the catalog changes it.
import type { SecretStore } from '../../platform/keychain/keychain.js';
import { withFileLockSync } from '../../platform/lock.js';
import type { Settings } from '../../store/settings.js';
import { readCopy, writeCopy } from './copies.js';
import { keepCredential, readCredential } from './credential.js';
import { describeSource, fetchCatalog, redactSource, takeCredential } from './fetch.js';
import { type Catalog, parseCatalog } from './format.js';
import { catalogRoleId, liveRoleIds } from './resolve.js';
import {
  type CatalogDiff,
  type CatalogSubscription,
  CHANGES_KEPT,
  getSubscription,
  patchSubscription,
} from './subscriptions.js';

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

/** A diff as a subscription keeps it: each list cut to CHANGES_KEPT, the rest counted in `more`. */
function keptChanges(diff: CatalogDiff, at: string): NonNullable<CatalogSubscription['lastChanges']> {
  const cut = <T>(list: T[]) => list.slice(0, CHANGES_KEPT);
  const more =
    Math.max(0, diff.added.length - CHANGES_KEPT) +
    Math.max(0, diff.removed.length - CHANGES_KEPT) +
    Math.max(0, diff.changed.length - CHANGES_KEPT);
  return { at, added: cut(diff.added), removed: cut(diff.removed), changed: cut(diff.changed), more };
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
  patchSubscription(settings, sub.name, (s) =>
    takeCredential(s.source).credential === credential ? { ...s, source, credential: true } : s,
  );
  return getSubscription(settings, sub.name);
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
    patchSubscription(settings, name, (s) => ({ ...s, lastError: message }));
    throw error;
  }
  if (!next) {
    patchSubscription(settings, name, (s) => ({ ...s, lastSyncAt: stamp, lastError: undefined }));
    return { added: [], removed: [], changed: [] };
  }
  const found = next;
  return withFileLockSync(settings.path, () => {
    const diff = diffCatalogs(readCopy(settings.path, name), found.catalog);
    const live = liveRoleIds(settings.read(), settings.path, now);
    const held: Record<string, string> = {};
    for (const [roleId, arn] of Object.entries(sub.held ?? {}))
      if (live.has(catalogRoleId(name, roleId))) held[roleId] = arn;
    for (const change of diff.changed) {
      if (change.what !== 'ARN' || !live.has(catalogRoleId(name, change.id))) continue;
      // The live session keeps its ARN until it ends: a switch never silently lands on another role.
      held[change.id] ??= change.from;
      change.held = true;
    }
    writeCopy(settings.path, name, found.text, found.catalog);
    patchSubscription(settings, name, (s) => ({
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
