import { randomUUID } from 'node:crypto';
import { rolebarCommand } from '../domain/shell-quote.js';
import { RolebarError } from '../domain/errors.js';
import { checkRole, type Identity, profileNameOf, type Role } from '../domain/model.js';
import { parseRecordList, parseRoleRecord } from './records.js';
import type { Settings, SettingsData } from './settings.js';

/** A role as the user enters it: everything but the id. */
export type NewRole = Omit<Role, 'id'>;

/** Roles in settings: validated on the way in, chains checked for missing links and loops. */
export interface RoleStore {
  list(): Role[];
  get(id: string): Role;
  /** Finds by id, label or profile name. */
  find(idOrName: string): Role | undefined;
  add(input: NewRole): Role;
  /**
   * Adds several roles in one locked settings update (Identity Center and import: hundreds at a time), in the
   * order given, each checked as add does. A role may come with its id, so that later ones can start from it.
   */
  addAll(inputs: Array<NewRole & { id?: string }>): Role[];
  /**
   * As addAll, into settings data another store's update is changing (an import: its new identities and their
   * roles in one write); a role's identity must be in `data`.
   */
  addAllIn(data: SettingsData, inputs: Array<NewRole & { id?: string }>): Role[];
  update(id: string, changes: Partial<NewRole>): Role;
  /** Throws `role-in-use`, naming the roles assumed from it, unless the role can be deleted; returns it. */
  assertRemovable(id: string): Role;
  /** Deletes a role. Refused while another role is assumed from it. */
  remove(id: string): void;
  /** The identity at the root of a role's chain, then each role from the first hop to this one. */
  chain(id: string): { identity: Identity; hops: Role[] };
}

/**
 * Roles kept elsewhere than the user's own list and listed after them, read-only (team catalogs): from the
 * settings just read and the user's own roles, the roles to add. The facade passes the catalogs' in: features
 * build on the store, so the store asks for them instead of importing them.
 */
export type ReadOnlyRoles = (data: SettingsData, own: Role[]) => Role[];

/** No roles but the user's own (a store opened without the facade's features). */
export const ownRolesOnly: ReadOnlyRoles = () => NONE;
const NONE: Role[] = [];

/**
 * The roles as listed, and indexes to find one without walking them all (20,000 catalog roles). Each index is
 * built on its first use: a listing needs none.
 */
interface RoleIndex {
  data: SettingsData;
  mine: Role[];
  others: Role[];
  list: Role[];
  readonly byId: Map<string, Role>;
  readonly byLabel: Map<string, Role>;
  readonly byProfile: Map<string, Role>;
}

/** The roles in `data` and their indexes, reusing `last` while the settings and the read-only roles are the same. */
function indexRoles(
  data: SettingsData,
  file: string,
  readOnlyRoles: ReadOnlyRoles,
  last: RoleIndex | undefined,
): RoleIndex {
  const mine = last?.data === data ? last.mine : parseRecordList(data.roles, file, 'roles', parseRoleRecord);
  const others = readOnlyRoles(data, mine);
  if (last?.mine === mine && last.others === others) return last;
  const list = others.length > 0 ? [...mine, ...others] : mine;
  // The first role with a label or profile name is the one found, as a search of the list in order finds it.
  const firstBy = (key: (r: Role) => string) => {
    let map: Map<string, Role> | undefined;
    return () => {
      if (map) return map;
      map = new Map<string, Role>();
      for (const role of list) {
        const k = key(role);
        if (!map.has(k)) map.set(k, role);
      }
      return map;
    };
  };
  const [byId, byLabel, byProfile] = [firstBy((r) => r.id), firstBy((r) => r.label), firstBy(profileNameOf)];
  return {
    data,
    mine,
    others,
    list,
    get byId() {
      return byId();
    },
    get byLabel() {
      return byLabel();
    },
    get byProfile() {
      return byProfile();
    },
  };
}

/**
 * Opens the role store over settings; `identities` resolves the chain's root, `readOnlyRoles` gives the roles
 * listed beside the user's own.
 */
export function roleStore(
  settings: Settings,
  identities: { get(id: string): Identity },
  readOnlyRoles: ReadOnlyRoles,
  newId: () => string = randomUUID,
): RoleStore {
  // The user's roles, then the read-only ones (a catalog role whose profile is taken is left out by its source),
  // indexed once while settings and the read-only roles stay the same.
  let last: RoleIndex | undefined;
  const current = () => (last = indexRoles(settings.read(), settings.path, readOnlyRoles, last));
  const all = () => [...current().list];
  function save(change: (list: Role[]) => void): void {
    settings.update((data) => {
      const list = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord);
      change(list);
      data.roles = list.map((role) => ({ ...role }));
    });
  }

  const store: RoleStore = {
    list: all,
    get: (id) => roleIn(current().byId, id),
    find: (key) => {
      const index = current();
      return index.byId.get(key) ?? index.byLabel.get(key) ?? index.byProfile.get(key);
    },
    add(input) {
      const role = checkRoleAmong({ ...input, id: newId() }, takenBy(current().list), identities);
      save((list) => list.push(role));
      return role;
    },
    addAll(inputs) {
      let added: Role[] = [];
      settings.update((data) => void (added = store.addAllIn(data, inputs)));
      return added;
    },
    addAllIn(data, inputs) {
      const added: Role[] = [];
      const readOnlyIds = current().others.map((r) => r.id);
      const list = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord);
      // The identities of `data`: those saved in the same write count.
      const inData = new Set(data.identities.map((identity) => identity.id));
      const sources = { get: (id: string) => inData.has(id) || identities.get(id) };
      // One set of what is taken for the whole batch: each role checked against it, then added to it.
      const taken = takenBy(list, readOnlyIds);
      for (const input of inputs) {
        if (input.id !== undefined && taken.ids.has(input.id)) throw duplicateId(input.id);
        const role = checkRoleAmong({ ...input, id: input.id ?? newId() }, taken, sources);
        take(taken, role);
        added.push(role);
      }
      list.push(...added);
      data.roles = list.map((role) => ({ ...role }));
      return added;
    },
    update(id, changes) {
      const role = readOnly(store.get(id));
      const others = all().filter((r) => r.id !== id);
      const next = checkRoleAmong({ ...role, ...changes, id }, takenBy(others), identities);
      // A role's chain must not lead back to itself.
      chainOf(next, new Map([...others, next].map((r) => [r.id, r])), identities);
      save((list) =>
        list.splice(
          list.findIndex((r) => r.id === id),
          1,
          next,
        ),
      );
      return next;
    },
    assertRemovable(id) {
      const role = readOnly(store.get(id));
      const dependants = all().filter((r) => r.source.kind === 'role' && r.source.id === id);
      if (dependants.length > 0) {
        throw new RolebarError(
          'role-in-use',
          `Cannot remove "${role.label}": ${dependants.map((r) => `"${r.label}"`).join(', ')} ${dependants.length === 1 ? 'is' : 'are'} assumed from it.`,
          {
            hint: `Nothing was changed. Remove those roles or give them another source first (\`${rolebarCommand('role', 'edit', 'LABEL', '--source', 'NAME')}\`).`,
            context: { dependants: dependants.map((r) => r.label).join(', ') },
          },
        );
      }
      return role;
    },
    remove(id) {
      store.assertRemovable(id);
      save((list) =>
        list.splice(
          list.findIndex((r) => r.id === id),
          1,
        ),
      );
    },
    // One read of settings for the whole chain (a switch starts here).
    chain: (id) => {
      const { byId } = current();
      return chainOf(roleIn(byId, id), byId, identities);
    },
  };
  return store;
}

/** The role itself, or a clear refusal when it comes from a catalog (catalog roles are read-only). */
function readOnly(role: Role): Role {
  if (role.catalog === undefined) return role;
  throw new RolebarError(
    'catalog-role-read-only',
    `"${role.label}" comes from the catalog "${role.catalog}".`,
    {
      hint: 'Catalog roles are read-only: change the catalog, or add a role of your own with another profile name.',
    },
  );
}

/** What new roles must not reuse (the user's own labels and profile names) and the ids a role may start from. */
interface Taken {
  labels: Set<string>;
  /** Profile name → the label of the role using it. */
  profiles: Map<string, string>;
  ids: Set<string>;
}

/** What `roles` take; `moreIds` are the ids of read-only roles a new role may start from too. */
function takenBy(roles: Role[], moreIds: string[] = []): Taken {
  const taken: Taken = { labels: new Set(), profiles: new Map(), ids: new Set(moreIds) };
  for (const role of roles) take(taken, role);
  return taken;
}

function take(taken: Taken, role: Role): void {
  taken.ids.add(role.id);
  // Labels and profile names are the user's own: a catalog role that shares one is the one left out.
  if (role.catalog !== undefined) return;
  taken.labels.add(role.label);
  const profile = profileNameOf(role);
  if (!taken.profiles.has(profile)) taken.profiles.set(profile, role.label);
}

function duplicateId(id: string): RolebarError {
  return new RolebarError('role-exists', `A role with the id "${id}" already exists.`, {
    hint: 'This is a bug in Rolebar: please report it. Nothing was changed.',
  });
}

/**
 * `role` checked by the one role rule (model.checkRole) and against what is `taken`: its label and profile name
 * free among the user's own roles, its source an identity or a role that exists.
 */
function checkRoleAmong(role: Role, taken: Taken, identities: { get(id: string): unknown }): Role {
  const checked = checkRole(role);
  if (taken.labels.has(checked.label)) {
    throw new RolebarError('role-exists', `A role labelled "${checked.label}" already exists.`, {
      hint: 'Choose another label.',
    });
  }
  const profile = profileNameOf(checked);
  const clash = taken.profiles.get(profile);
  if (clash !== undefined) {
    throw new RolebarError(
      'profile-taken',
      `The profile "${profile}" is already used by the role "${clash}".`,
      {
        hint: `Give one of them another profile name: \`${rolebarCommand('role', 'edit', checked.label, '--profile', 'NAME')}\`.`,
      },
    );
  }
  if (checked.source.kind === 'identity') identities.get(checked.source.id);
  else if (checked.source.id !== checked.id && !taken.ids.has(checked.source.id)) {
    throw new RolebarError('role-not-found', 'The role this one is assumed from does not exist.', {
      hint: 'Pick an existing role or an identity as the source.',
    });
  }
  return checked;
}

function roleIn(byId: ReadonlyMap<string, Role>, id: string): Role {
  const role = byId.get(id);
  if (!role)
    throw new RolebarError('role-not-found', `No role "${id}".`, {
      hint: 'List roles to see their labels.',
    });
  return role;
}

function chainOf(
  role: Role,
  byId: ReadonlyMap<string, Role>,
  identities: { get(id: string): Identity },
): { identity: Identity; hops: Role[] } {
  const hops: Role[] = [role];
  const seen = new Set([role.id]);
  let current = role;
  while (current.source.kind === 'role') {
    const sourceId = current.source.id;
    const parent = byId.get(sourceId);
    if (!parent) {
      throw new RolebarError(
        'role-not-found',
        `"${current.label}" is assumed from a role that no longer exists.`,
        {
          hint: 'Edit it and pick another source.',
        },
      );
    }
    if (seen.has(parent.id)) {
      throw new RolebarError('role-chain-loop', `The chain of "${role.label}" leads back to itself.`, {
        hint: 'Make one of the roles in the chain start from an identity.',
      });
    }
    seen.add(parent.id);
    hops.unshift(parent);
    current = parent;
  }
  return { identity: identities.get(current.source.id), hops };
}
