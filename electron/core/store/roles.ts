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
  /** Adds several roles in one locked settings update (Identity Center: hundreds at a time), each checked as add does. */
  addAll(inputs: NewRole[]): Role[];
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
export const ownRolesOnly: ReadOnlyRoles = () => [];

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
  // The user's roles, then the read-only ones (a catalog role whose profile is taken is left out by its source).
  const all = () => {
    const data = settings.read();
    const mine = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord);
    const others = readOnlyRoles(data, mine);
    return others.length > 0 ? [...mine, ...others] : mine;
  };
  function save(change: (list: Role[]) => void): void {
    settings.update((data) => {
      const list = parseRecordList(data.roles, settings.path, 'roles', parseRoleRecord);
      change(list);
      data.roles = list.map((role) => ({ ...role }));
    });
  }

  const store: RoleStore = {
    list: all,
    get: (id) => roleIn(all(), id),
    find: (key) =>
      all().find((r) => r.id === key) ??
      all().find((r) => r.label === key) ??
      all().find((r) => profileNameOf(r) === key),
    add(input) {
      const role = checkRoleAmong({ ...input, id: newId() }, all(), identities);
      save((list) => list.push(role));
      return role;
    },
    addAll(inputs) {
      const added: Role[] = [];
      save((list) => {
        for (const input of inputs) {
          const role = checkRoleAmong({ ...input, id: newId() }, [...list, ...added], identities);
          added.push(role);
        }
        list.push(...added);
      });
      return added;
    },
    update(id, changes) {
      const current = readOnly(store.get(id));
      const others = all().filter((r) => r.id !== id);
      const next = checkRoleAmong({ ...current, ...changes, id }, others, identities);
      // A role's chain must not lead back to itself.
      chainOf(next, [...others, next], identities);
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
      const roles = all();
      return chainOf(roleIn(roles, id), roles, identities);
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

/**
 * `role` checked by the one role rule (model.checkRole) and against `others`: its label and profile name free
 * among the user's own roles, its source an identity or a role that exists.
 */
function checkRoleAmong(role: Role, others: Role[], identities: { get(id: string): Identity }): Role {
  const checked = checkRole(role);
  const sources = others;
  // Labels and profile names are the user's own: a catalog role that shares one is the one left out.
  others = others.filter((r) => r.catalog === undefined);
  if (others.some((r) => r.label === checked.label)) {
    throw new RolebarError('role-exists', `A role labelled "${checked.label}" already exists.`, {
      hint: 'Choose another label.',
    });
  }
  const profile = profileNameOf(checked);
  const clash = others.find((r) => profileNameOf(r) === profile);
  if (clash) {
    throw new RolebarError(
      'profile-taken',
      `The profile "${profile}" is already used by the role "${clash.label}".`,
      {
        hint: `Give one of them another profile name: \`${rolebarCommand('role', 'edit', checked.label, '--profile', 'NAME')}\`.`,
      },
    );
  }
  if (checked.source.kind === 'identity') identities.get(checked.source.id);
  else if (![...sources, checked].some((r) => r.id === checked.source.id)) {
    throw new RolebarError('role-not-found', 'The role this one is assumed from does not exist.', {
      hint: 'Pick an existing role or an identity as the source.',
    });
  }
  return checked;
}

function roleIn(roles: readonly Role[], id: string): Role {
  const role = roles.find((r) => r.id === id);
  if (!role)
    throw new RolebarError('role-not-found', `No role "${id}".`, {
      hint: 'List roles to see their labels.',
    });
  return role;
}

function chainOf(
  role: Role,
  roles: Role[],
  identities: { get(id: string): Identity },
): { identity: Identity; hops: Role[] } {
  const hops: Role[] = [role];
  const seen = new Set([role.id]);
  let current = role;
  while (current.source.kind === 'role') {
    const sourceId = current.source.id;
    const parent = roles.find((r) => r.id === sourceId);
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
