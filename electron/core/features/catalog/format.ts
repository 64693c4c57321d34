// The catalog format (version 1; the JSON Schema is catalog.schema.json beside this file). A catalog lists
// accounts and roles and nothing that is secret or runs code: such fields are refused with the file and line.
import { RolebarError } from '../../domain/errors.js';
import { checkRole, type Role, type SessionTag } from '../../domain/model.js';
import { profileNameFromLabel } from '../../domain/fields.js';
import { MAX_CATALOG_ROLES, MAX_CHAIN_HOPS } from '../../domain/limits.js';
import { printable } from '../../domain/printable.js';
import type { Partition } from '../../domain/endpoints.js';
import { type JsonWithLines, parseJsonWithLines } from './json-lines.js';

/** The format version this Rolebar reads. */
export const CATALOG_FORMAT = 1;

/** One AWS account in a catalog. */
export interface CatalogAccount {
  id: string;
  name: string;
  partition: Partition;
  region?: string | undefined;
}

/** One role in a catalog, its ARN resolved from its account. */
export interface CatalogRole {
  /** Stable within the catalog; other roles chain from it by this id. */
  id: string;
  account: string;
  roleArn: string;
  label: string;
  group?: string | undefined;
  mfa: boolean;
  externalId?: string | undefined;
  durationSeconds?: number | undefined;
  sessionName?: string | undefined;
  chainFrom?: string | undefined;
  tags?: SessionTag[] | undefined;
  description?: string | undefined;
  region?: string | undefined;
  profileName?: string | undefined;
}

/** A parsed, checked catalog. */
export interface Catalog {
  profilePrefix: string;
  accounts: CatalogAccount[];
  roles: CatalogRole[];
}

// Words that mean a secret or a command; a catalog is shared, so it must never carry either.
const FORBIDDEN =
  /secret|password|token|credential|access_?key|accesskeyid|process|command|exec|script|shell|plugin/i;

const TAG = new Set(['key', 'value']);
const TOP = new Set(['rolebarCatalog', 'name', 'description', 'profilePrefix', 'accounts', 'roles']);
const ACCOUNT = new Set(['id', 'name', 'alias', 'partition', 'region']);
const ROLE = new Set([
  'id',
  'account',
  'roleArn',
  'roleName',
  'label',
  'group',
  'mfa',
  'externalId',
  'durationSeconds',
  'sessionName',
  'chainFrom',
  'tags',
  'description',
  'region',
  'profileName',
]);

/** Reads a parsed document's parts, refusing with the file, the line and the reason (see parseCatalog). */
interface CatalogReader {
  refuse(at: string, reason: string, hint: string): never;
  /** `value` as an object of `known` keys only; a secret or code-running key is named as such. */
  object(at: string, value: unknown, known: Set<string>): Record<string, unknown>;
  /** `value` trimmed, non-empty; undefined when absent and `optional`. */
  text(at: string, key: string, value: unknown, optional?: boolean): string | undefined;
  list(at: string, value: unknown): unknown[];
}

function catalogReader(doc: JsonWithLines, file: string): CatalogReader {
  const refuse = (at: string, reason: string, hint: string): never => {
    throw new RolebarError('catalog-invalid', `${file}, line ${doc.lineOf(at)}: ${reason}`, {
      hint,
      context: { file, line: String(doc.lineOf(at)) },
    });
  };
  return {
    refuse,
    object(at, value, known) {
      if (!isRecord(value))
        return refuse(at, `"${at || 'the document'}" must be an object.`, 'See catalog.schema.json.');
      // JSON.parse made it: a plain object, read as it is (5,000 roles: no copy of each).
      const record = value;
      for (const key in record) {
        // Known keys hold no forbidden word, so only an unknown key is tested (once per role, not per key).
        if (known.has(key)) continue;
        const where = at === '' ? key : `${at}.${key}`;
        if (FORBIDDEN.test(key))
          refuse(
            where,
            `"${key}" is not allowed: a catalog never carries secrets or commands that run code.`,
            'Remove the field; each user keeps their own keys in Rolebar.',
          );
        refuse(where, `unknown field "${key}".`, `Known fields: ${[...known].join(', ')}.`);
      }
      return record;
    },
    // The field's path (`roles[3].label`) is spelled out only when it is refused: 5,000 roles, 15 fields each.
    text(at, key, value, optional = false) {
      if (value === undefined && optional) return undefined;
      // A catalog is someone else's text: shown only without control characters.
      const trimmed = typeof value === 'string' ? printable(value).trim() : '';
      if (trimmed !== '') return trimmed;
      const where = at === '' ? key : `${at}.${key}`;
      return refuse(where, `"${where}" must be a non-empty string.`, 'See catalog.schema.json.');
    },
    list: (at, value) =>
      Array.isArray(value) ? value : refuse(at, `"${at}" must be a list.`, 'See catalog.schema.json.'),
  };
}

/**
 * Parses a catalog's text. Refuses, naming the file, the line and the reason: a secret or code-running field, an
 * unknown field, a wrong type, a rule broken (the same rules as a user's own roles: model.checkRole).
 */
export function parseCatalog(text: string, file: string): Catalog {
  const doc = parseJsonWithLines(text, file);
  const r = catalogReader(doc, file);
  const top = r.object('', doc.value, TOP);
  if (top.rolebarCatalog !== CATALOG_FORMAT)
    r.refuse(
      'rolebarCatalog',
      `"rolebarCatalog" must be ${CATALOG_FORMAT} (the format version).`,
      'Start the file with "rolebarCatalog": 1, or update Rolebar for a newer format.',
    );
  const accounts = r.list('accounts', top.accounts).map((raw, i) => readAccount(r, raw, i));
  const prefix = r.text('', 'profilePrefix', top.profilePrefix, true) ?? '';
  const ids = new Set<string>();
  const accountByKey = new Map<string, CatalogAccount>();
  for (const a of [...accounts].reverse()) accountByKey.set(a.name, a);
  for (const a of [...accounts].reverse()) accountByKey.set(a.id, a);
  const listed = r.list('roles', top.roles);
  if (listed.length > MAX_CATALOG_ROLES)
    r.refuse(
      'roles',
      `the catalog lists ${listed.length} roles, more than the ${MAX_CATALOG_ROLES} one catalog may hold.`,
      'Split it into several catalogs (by team or account).',
    );
  const roles = listed.map((raw, i) => readRole(r, raw, i, { ids, accountByKey, prefix }));
  checkChains(r, roles);
  return { profilePrefix: prefix, accounts, roles };
}

function readAccount(r: CatalogReader, raw: unknown, i: number): CatalogAccount {
  const at = `accounts[${i}]`;
  const a = r.object(at, raw, ACCOUNT);
  const id = r.text(at, 'id', a.id) ?? '';
  if (!/^\d{12}$/.test(id))
    r.refuse(`${at}.id`, `"${id}" is not a 12-digit account id.`, 'Use the account number.');
  const partition = a.partition ?? 'aws';
  if (partition !== 'aws' && partition !== 'aws-cn' && partition !== 'aws-us-gov')
    return r.refuse(
      `${at}.partition`,
      'the partition must be aws, aws-cn or aws-us-gov.',
      'Fix the partition.',
    );
  return {
    id,
    name: r.text(at, 'name', a.name ?? a.alias ?? id) ?? id,
    partition,
    region: r.text(at, 'region', a.region, true),
  };
}

/** One role of the catalog: its fields, its account, its ARN, checked by the one role rule (model.checkRole). */
function readRole(
  r: CatalogReader,
  raw: unknown,
  i: number,
  catalog: { ids: Set<string>; accountByKey: Map<string, CatalogAccount>; prefix: string },
): CatalogRole {
  const at = `roles[${i}]`;
  const o = r.object(at, raw, ROLE);
  const id = r.text(at, 'id', o.id) ?? '';
  if (catalog.ids.has(id))
    r.refuse(`${at}.id`, `the role id "${id}" appears twice.`, 'Give each role its own id.');
  catalog.ids.add(id);
  const accountId = r.text(at, 'account', o.account) ?? '';
  const account = catalog.accountByKey.get(accountId);
  if (!account)
    return r.refuse(`${at}.account`, `no account "${accountId}" in "accounts".`, 'List the account first.');
  if (o.mfa !== undefined && typeof o.mfa !== 'boolean')
    r.refuse(`${at}.mfa`, '"mfa" must be true or false.', 'See catalog.schema.json.');
  if (o.durationSeconds !== undefined && typeof o.durationSeconds !== 'number')
    r.refuse(`${at}.durationSeconds`, '"durationSeconds" must be a number.', 'See catalog.schema.json.');
  const tags = o.tags === undefined ? undefined : readTags(r, `${at}.tags`, o.tags);
  const role: CatalogRole = {
    id,
    account: account.id,
    roleArn: '',
    label: r.text(at, 'label', o.label ?? id) ?? id,
    group: r.text(at, 'group', o.group, true),
    mfa: o.mfa === true,
    externalId: r.text(at, 'externalId', o.externalId, true),
    durationSeconds: typeof o.durationSeconds === 'number' ? o.durationSeconds : undefined,
    sessionName: r.text(at, 'sessionName', o.sessionName, true),
    chainFrom: r.text(at, 'chainFrom', o.chainFrom, true),
    tags,
    description: r.text(at, 'description', o.description, true),
    region: r.text(at, 'region', o.region, true) ?? account.region,
    profileName: r.text(at, 'profileName', o.profileName, true),
  };
  try {
    const arnText = r.text(at, 'roleArn', o.roleArn, true);
    const nameText = r.text(at, 'roleName', o.roleName, true);
    if (!arnText === !nameText)
      throw new RolebarError('invalid-input', 'Give either "roleArn" or "roleName".');
    // Built without a check of its own: checkRole below checks the ARN with the one role ARN rule.
    role.roleArn =
      arnText ?? `arn:${account.partition}:iam::${account.id}:role/${(nameText ?? '').replace(/^\/+/, '')}`;
    // The one rule set for roles (model.checkRole), as for a role the user adds; the shape is kept for asRole.
    const shaped = asRole(role, catalog.prefix, { kind: 'identity', id: 'x' });
    checkRole(shaped);
    // `default` is the user's own: a catalog role there would take it (on a machine that has none, silently).
    if (shaped.profileName === 'default')
      throw new RolebarError(
        'invalid-input',
        'A catalog role may not use the profile "default": it is the user\'s own.',
        { hint: 'Give the role another "profileName" (or label), or set a "profilePrefix".' },
      );
    profiles.set(role, { prefix: catalog.prefix, profile: shaped.profileName ?? '' });
  } catch (error) {
    if (error instanceof RolebarError && error.code !== 'catalog-invalid')
      r.refuse(at, error.message, error.hint ?? 'Fix the role.');
    throw error;
  }
  return role;
}

function readTags(r: CatalogReader, at: string, raw: unknown): SessionTag[] {
  return r.list(at, raw).map((tag, i) => {
    const t = r.object(`${at}[${i}]`, tag, TAG);
    const value = t.value;
    if (typeof value !== 'string')
      return r.refuse(`${at}[${i}]`, 'a tag value must be a string.', 'Fix the tag.');
    return { key: r.text(`${at}[${i}]`, 'key', t.key) ?? '', value };
  });
}

/** Where a role stands in its chain: hops before it, and the role the chain starts from (itself when unchained). */
export interface ChainPlace {
  depth: number;
  root: CatalogRole;
}

// Each parsed role's place in its chain, found once while parsing (checkChains) for the resolution to use.
const places = new WeakMap<CatalogRole, ChainPlace>();

/** A parsed role's place in its chain (parseCatalog found it); a role from elsewhere counts as unchained. */
export function chainPlace(role: CatalogRole): ChainPlace {
  return places.get(role) ?? { depth: 0, root: role };
}

/**
 * Each role's chain leads to roles of this catalog, never back to itself, and takes at most MAX_CHAIN_HOPS hops.
 * Linear: each role is walked up only to the first role whose place is known, at most MAX_CHAIN_HOPS steps.
 */
function checkChains(r: CatalogReader, roles: CatalogRole[]): void {
  const roleById = new Map(roles.map((role) => [role.id, role]));
  roles.forEach((role, i) => {
    const at = `roles[${i}].chainFrom`;
    const tooLong = () =>
      r.refuse(
        at,
        `the chain of "${role.id}" takes more than ${MAX_CHAIN_HOPS} hops; Rolebar follows at most ${MAX_CHAIN_HOPS}.`,
        `Chain "${role.id}" from a role nearer the start of its chain.`,
      );
    // Up the chain to its start or to a role whose place is known; `path` is this role then those above it.
    const path: CatalogRole[] = [];
    let above: ChainPlace | undefined;
    for (let hop: CatalogRole = role; ;) {
      above = places.get(hop);
      if (above) break;
      if (path.includes(hop))
        r.refuse(at, `the chain of "${role.id}" leads back to itself.`, 'Break the loop.');
      path.push(hop);
      if (path.length > MAX_CHAIN_HOPS) tooLong();
      if (hop.chainFrom === undefined) break;
      const parent = roleById.get(hop.chainFrom);
      if (!parent)
        return r.refuse(at, `no role "${hop.chainFrom}" to chain from.`, 'Name a role id of this catalog.');
      hop = parent;
    }
    const root = above?.root ?? path[path.length - 1] ?? role;
    let depth = above ? above.depth + 1 : 0;
    for (const step of path.reverse()) {
      if (depth >= MAX_CHAIN_HOPS) tooLong();
      places.set(step, { depth, root });
      depth += 1;
    }
  });
}

/**
 * What a parsed catalog is kept as beside its copy (copies.ts), so that the next process reads the checked roles
 * instead of checking 5,000 roles again: the catalog with each role's place in its chain (as the index of its
 * root) and its profile name.
 */
export interface CheckedCatalog {
  catalog: Catalog;
  places: Array<[depth: number, root: number]>;
  profiles: string[];
}

export function checkedForm(catalog: Catalog): CheckedCatalog {
  const index = new Map(catalog.roles.map((role, i) => [role, i]));
  return {
    catalog,
    places: catalog.roles.map((role) => {
      const place = chainPlace(role);
      return [place.depth, index.get(place.root) ?? 0];
    }),
    profiles: catalog.roles.map((role) => profiles.get(role)?.profile ?? ''),
  };
}

/** The catalog a checkedForm was made of, its roles placed as parseCatalog placed them; undefined if malformed. */
export function fromCheckedForm(raw: unknown): Catalog | undefined {
  if (!isRecord(raw) || !isRecord(raw.catalog) || !Array.isArray(raw.places) || !Array.isArray(raw.profiles))
    return undefined;
  const catalog = raw.catalog as unknown as Catalog;
  const { roles } = catalog;
  if (!Array.isArray(roles) || !Array.isArray(catalog.accounts) || typeof catalog.profilePrefix !== 'string')
    return undefined;
  if (raw.places.length !== roles.length || raw.profiles.length !== roles.length) return undefined;
  const placed = raw.places as CheckedCatalog['places'];
  const named = raw.profiles as string[];
  // Indexed, no destructuring: run once per command over 5,000 roles, mostly uncompiled.
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i] as CatalogRole;
    const place = placed[i];
    const depth = place?.[0];
    const root = roles[place?.[1] ?? -1];
    const profile = named[i];
    if (typeof depth !== 'number' || !root || typeof profile !== 'string') return undefined;
    // A role that starts its own chain has the place chainPlace gives any role it was not told about.
    if (depth !== 0 || root !== role) places.set(role, { depth, root });
    profiles.set(role, { prefix: catalog.profilePrefix, profile });
  }
  return catalog;
}

/** JSON.parse's objects: any non-null, non-array object is a plain record of its keys. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Each parsed role's profile name, derived once while parsing: loading 5,000 roles would otherwise derive
// every one again.
const profiles = new WeakMap<CatalogRole, { prefix: string; profile: string }>();

/**
 * A catalog role as a Role the session layer switches, under a profile name with the catalog's prefix. Every
 * Role built here has the same fields in the same order (absent ones undefined): one object shape, so that
 * building 5,000 of them stays fast.
 */
export function asRole(role: CatalogRole, prefix: string, source: Role['source'], catalog?: string): Role {
  const known = profiles.get(role);
  const profileName =
    known?.prefix === prefix
      ? known.profile
      : `${prefix}${role.profileName ?? profileNameFromLabel(role.label)}`;
  return {
    id: role.id,
    label: role.label,
    roleArn: role.roleArn,
    source,
    mfa: role.mfa,
    profileName,
    externalId: role.externalId,
    durationSeconds: role.durationSeconds,
    sessionName: role.sessionName,
    tags: role.tags,
    region: role.region,
    catalog,
    catalogGroup: undefined,
  };
}
