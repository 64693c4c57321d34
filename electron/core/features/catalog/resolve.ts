// A subscribed catalog's last good copy turned into read-only roles beside the user's own: each account mapped
// to one of the user's identities, chains after their sources, a live session's ARN held until it ends.
import { profileNameOf, type Role } from '../../domain/model.js';
import { isLive } from '../../domain/session-live.js';
import type { ReadOnlyRoles } from '../../store/roles.js';
import { storedSessions } from '../../store/sessions.js';
import type { SettingsData } from '../../store/settings.js';
import { copyPath, readCopy } from './copies.js';
import { asRole, type Catalog, type CatalogRole, chainPlace } from './format.js';
import { type CatalogSubscription, subscriptionsIn } from './subscriptions.js';
import type { Collision } from './views.js';

/** The id a catalog role has among the user's roles: stable across syncs. */
export function catalogRoleId(catalog: string, roleId: string): string {
  return `catalog:${catalog}:${roleId}`;
}

/**
 * The ids of the roles whose stored session is live at local time `now`: session-live's one rule, on AWS's clock
 * (each session's clock offset applied), as everywhere else.
 */
export function liveRoleIds(data: SettingsData, settingsPath: string, now: number): Set<string> {
  return new Set(
    storedSessions(settingsPath, data.sessions)
      .filter((s) => isLive(s, now))
      .map((s) => s.roleId),
  );
}

/** The catalogs' roles, as the role store lists them beside the user's own (core/index.ts wires this in). */
export function catalogRoleSource(settingsPath: string, now: () => number): ReadOnlyRoles {
  return (data, own) => (data.catalogs?.length ? catalogRoles(data, settingsPath, own, now()).roles : []);
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
): CatalogRoles {
  const liveSessions = data.catalogs?.length ? liveRoleIds(data, settingsPath, now) : new Set<string>();
  const resolvedList = subscriptionsIn(data, settingsPath).flatMap((sub) => {
    const resolved = resolvedRoles(settingsPath, sub, liveSessions);
    return resolved ? [{ sub, resolved }] : [];
  });
  // The same copies resolved the same way beside the same own profiles give the same roles: a role list asks
  // for them on every lookup, and 20,000 roles checked against the taken profile names each time add up.
  const parts = [
    own.map((r) => `${profileNameOf(r)}\n${r.label}`).join('\n'),
    ...resolvedList.flatMap(({ sub, resolved }) => [sub.name, resolved]),
  ];
  const cached = resultCache.get(settingsPath);
  if (cached?.parts.length === parts.length && cached.parts.every((part, i) => part === parts[i]))
    return cached.result;
  const result = keptBeside(own, resolvedList);
  resultCache.set(settingsPath, { parts, result });
  return result;
}

/** The catalog roles of several subscriptions and what they add up to beside the user's own roles. */
export interface CatalogRoles {
  roles: Role[];
  collisions: Collision[];
  unmapped: string[];
}

const resultCache = new Map<string, { parts: unknown[]; result: CatalogRoles }>();

/** The resolved roles kept beside `own`, a profile name taken first (own roles, then earlier catalogs) winning. */
function keptBeside(
  own: Role[],
  resolvedList: Array<{ sub: CatalogSubscription; resolved: { roles: Role[]; unmapped: string[] } }>,
): CatalogRoles {
  // Each taken profile name with the role that took it; its name as a collision shows it is made only then.
  const taken = new Map<string, Role>(own.map((r) => [profileNameOf(r), r]));
  const nameOf = (role: Role) => (role.catalog === undefined ? role.label : `${role.catalog}/${role.label}`);
  let roles: Role[] = [];
  const collisions: Collision[] = [];
  const unmapped: string[] = [];
  resolvedList.forEach(({ sub, resolved }, i) => {
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
            keptRole: nameOf(keptRole),
          });
        left.add(role.id);
        continue;
      }
      kept.push(role);
    }
    // The last catalog's names are looked up by none after it.
    if (i < resolvedList.length - 1) for (const role of kept) taken.set(profileNameOf(role), role);
    if (roles.length === 0) roles = kept;
    else roles.push(...kept);
  });
  return { roles, collisions, unmapped };
}

const resolvedCache = new Map<string, { key: string; catalog: Catalog; roles: Role[]; unmapped: string[] }>();

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
  const heldLive = new Set(
    Object.keys(sub.held ?? {}).filter((id) => liveSessions.has(catalogRoleId(sub.name, id))),
  );
  const file = copyPath(settingsPath, sub.name);
  const key = JSON.stringify([sub.identities, sub.held, [...heldLive]]);
  const cached = resolvedCache.get(file);
  // A changed copy is parsed again into a new object (copies.ts): the same object means the same copy.
  if (cached && cached.key === key && cached.catalog === catalog) return cached;
  // parseCatalog placed every role in its chain once (format.ts): sources come before the roles chained from
  // them, in the catalog's order at each depth (one bucket per depth: chains are at most 10 hops).
  const byDepth: CatalogRole[][] = [];
  for (const role of catalog.roles) (byDepth[chainPlace(role).depth] ??= []).push(role);
  const ordered = byDepth.length <= 1 ? catalog.roles : byDepth.flat();
  const roles: Role[] = [];
  const unmapped: string[] = [];
  // Made once per account (500), not once per role (5,000): its label, and the source of the roles assumed
  // straight from its identity (one object they share, frozen: a role's source is never changed in place).
  const accountLabels = new Map(
    catalog.accounts.map((a) => [a.id, a.name === a.id ? `Account ${a.id}` : `${a.name} (${a.id})`]),
  );
  const identitySources = new Map<string, Role['source'] | undefined>();
  const identitySourceOf = (account: string): Role['source'] | undefined => {
    if (identitySources.has(account)) return identitySources.get(account);
    const identity = sub.identities[account] ?? sub.identities['*'];
    const source =
      identity === undefined ? undefined : Object.freeze({ kind: 'identity' as const, id: identity });
    identitySources.set(account, source);
    return source;
  };
  for (const role of ordered) {
    const rootSource = identitySourceOf(chainPlace(role).root.account);
    if (rootSource === undefined) {
      unmapped.push(`${sub.name}/${role.id}`);
      continue;
    }
    const source: Role['source'] =
      role.chainFrom === undefined
        ? rootSource
        : { kind: 'role', id: catalogRoleId(sub.name, role.chainFrom) };
    const held = heldLive.has(role.id) ? sub.held?.[role.id] : undefined;
    const shaped = asRole(held ? { ...role, roleArn: held } : role, catalog.profilePrefix, source, sub.name);
    // parseCatalog checked this role, prefix included, with the one role rule (model.checkRole).
    shaped.id = catalogRoleId(sub.name, role.id);
    const account = accountLabels.get(role.account) ?? `Account ${role.account}`;
    shaped.catalogGroup = role.group === undefined ? account : `${role.group} · ${account}`;
    roles.push(shaped);
  }
  const entry = { key, catalog, roles, unmapped };
  resolvedCache.set(file, entry);
  return entry;
}
