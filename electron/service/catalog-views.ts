// What the window shows about each team catalog: where it comes from (token redacted), when it last synced or
// why it failed (the last good copy stays in use), what the last sync changed, and the profile collisions.
import type { CatalogView } from '../ipc/contract.js';
import { describeSource, redactSource } from '../core/features/catalog/fetch.js';
import { readCopy } from '../core/features/catalog/copies.js';
import { catalogRoles } from '../core/features/catalog/resolve.js';
import { subscriptionsIn } from '../core/features/catalog/subscriptions.js';
import type { Role } from '../core/domain/model.js';
import type { SettingsData } from '../core/store/settings.js';

/** The window's view of every subscribed catalog; `own` are the user's own roles (they win collisions). */
export function catalogViews(data: SettingsData, settingsPath: string, own: Role[]): CatalogView[] {
  const subs = subscriptionsIn(data, settingsPath);
  if (subs.length === 0) return [];
  const { collisions, unmapped } = catalogRoles(data, settingsPath, own);
  return subs.map((sub) => {
    let roles = 0;
    try {
      roles = readCopy(settingsPath, sub.name)?.roles.length ?? 0;
    } catch {
      // A copy that no longer parses counts as none; the next sync replaces it.
    }
    const view: CatalogView = {
      name: sub.name,
      source: describeSource(sub.source),
      roles,
      collisions: collisions
        .filter((c) => c.catalog === sub.name)
        .map(({ role, profile, keptRole }) => ({ role, profile, keptRole })),
      unmapped: unmapped.filter((u) => u.startsWith(`${sub.name}/`)).length,
    };
    if (sub.lastSyncAt) view.lastSyncAt = sub.lastSyncAt;
    // Redacted again here: a record written by an older Rolebar may hold an unredacted failure.
    if (sub.lastError) view.lastError = redactSource(sub.lastError);
    if (sub.lastChanges) view.lastChanges = sub.lastChanges;
    const all = sub.identities['*'];
    if (all !== undefined) view.identityId = all;
    return view;
  });
}
