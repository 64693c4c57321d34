import type { IdentityView, RoleView, SessionView } from '../ipc/contract.js';
import type { Identity, Role } from '../core/domain/model.js';
import { profileNameOf } from '../core/domain/model.js';
import { describeIdentity } from '../core/sessions/sources/registry.js';
import type { SessionRecord } from '../core/store/sessions.js';

/** An identity without anything secret: what the window may see. */
export function identityView(
  identity: Identity,
  mfaSessionExpiresAt?: Date,
  signInNeeded?: boolean | 'first',
  deviceCode?: IdentityView['deviceCode'],
): IdentityView {
  // What its kind shows and allows comes from its credential source: the window asks `can`, never the kind.
  const { can, details, summary } = describeIdentity(identity);
  const view: IdentityView = { id: identity.id, name: identity.name, can: { ...can }, summary };
  Object.assign(view, details);
  if (signInNeeded) view.signInNeeded = true;
  if (signInNeeded === 'first') view.firstSignIn = true;
  if (deviceCode) view.deviceCode = deviceCode;
  if (identity.userName) view.userName = identity.userName;
  if (identity.mfaSerial) view.mfaSerial = identity.mfaSerial;
  if (identity.region) view.region = identity.region;
  if (mfaSessionExpiresAt) view.mfaSessionExpiresAt = mfaSessionExpiresAt.toISOString();
  return view;
}

/** A role with what the list groups by: its account, else its source's name. */
export function roleView(role: Role, session: SessionRecord | undefined, sourceName: string): RoleView {
  const accountId =
    role.sso?.accountId ??
    /^arn:[\w-]+:iam::(\d{12}):role\//.exec(role.roleArn ?? '')?.[1] ??
    session?.accountId;
  const view: RoleView = {
    id: role.id,
    label: role.label,
    source: { kind: role.source.kind, id: role.source.id },
    mfa: role.mfa,
    profileName: profileNameOf(role),
    group: accountId ? `Account ${accountId}` : `From ${sourceName}`,
  };
  // Identity Center roles: by instance, then account (its portal name too), so hundreds stay findable.
  if (role.sso) {
    view.identityCenter = true;
    view.group = `${sourceName} · ${role.sso.accountName ?? 'Account'} ${role.sso.accountId}`;
  }
  // Catalog roles are grouped apart, by catalog then account, and marked read-only in the window.
  if (role.catalog !== undefined) {
    view.catalog = role.catalog;
    view.group = `Catalog ${role.catalog} · ${role.catalogGroup ?? view.group}`;
  }
  for (const key of [
    'roleArn',
    'roleName',
    'sessionName',
    'externalId',
    'durationSeconds',
    'region',
    'notify',
  ] as const) {
    const value = role[key];
    if (value !== undefined) (view as unknown as Record<string, unknown>)[key] = value;
  }
  if (accountId) view.accountId = accountId;
  return view;
}

/** A session's when and who: never its credentials (the record holds none). */
export function sessionView(record: SessionRecord): SessionView {
  const view: SessionView = {
    roleId: record.roleId,
    profileName: record.profileName,
    principalArn: record.principalArn,
    accountId: record.accountId,
    expiration: record.expiration,
    clockOffsetMs: record.clockOffsetMs,
    via: record.via,
    requiresMfa: record.requiresMfa,
    startedAt: record.startedAt,
  };
  if (record.mfaExpiration) view.mfaExpiration = record.mfaExpiration;
  if (record.region) view.region = record.region;
  return view;
}

/** A list as built, or the one built before it while they are equal: the same list means nothing changed. */
export function sameListWhileEqual<T>(): (built: T[]) => T[] {
  let last: T[] = [];
  return (built) => {
    if (!sameJson(built, last)) last = built;
    return last;
  };
}

/** Whether two JSON values (views: objects, lists, strings, numbers, booleans) are equal, field by field. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameJson(item, b[i]));
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  if (keysA.length !== Object.keys(b).length) return false;
  const recordB = b as Record<string, unknown>;
  return keysA.every((key) => key in recordB && sameJson((a as Record<string, unknown>)[key], recordB[key]));
}
