// The catalog format (version 1; the JSON Schema is catalog.schema.json beside this file). A catalog lists
// accounts and roles and nothing that is secret or runs code: such fields are refused with the file and line.
import { RolebarError } from '../../domain/errors.js';
import { checkRole, type Role, type SessionTag } from '../../domain/model.js';
import { profileNameFromLabel } from '../../domain/fields.js';
import type { Partition } from '../../domain/endpoints.js';
import { parseJsonWithLines } from './json-lines.js';

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

/**
 * Parses a catalog's text. Refuses, naming the file, the line and the reason: a secret or code-running field, an
 * unknown field, a wrong type, a rule broken (the same rules as a user's own roles: model.checkRole).
 */
export function parseCatalog(text: string, file: string): Catalog {
  const doc = parseJsonWithLines(text, file);
  const refuse = (at: string, reason: string, hint: string): never => {
    throw new RolebarError('catalog-invalid', `${file}, line ${doc.lineOf(at)}: ${reason}`, {
      hint,
      context: { file, line: String(doc.lineOf(at)) },
    });
  };
  const object = (at: string, value: unknown, known: Set<string>): Record<string, unknown> => {
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
  };
  // The field's path (`roles[3].label`) is spelled out only when it is refused: 5,000 roles, 15 fields each.
  const text_ = (at: string, key: string, value: unknown, optional = false): string | undefined => {
    if (value === undefined && optional) return undefined;
    const trimmed = typeof value === 'string' ? value.trim() : '';
    if (trimmed !== '') return trimmed;
    const where = at === '' ? key : `${at}.${key}`;
    return refuse(where, `"${where}" must be a non-empty string.`, 'See catalog.schema.json.');
  };
  const list = (at: string, value: unknown): unknown[] =>
    Array.isArray(value) ? value : refuse(at, `"${at}" must be a list.`, 'See catalog.schema.json.');

  const top = object('', doc.value, TOP);
  if (top.rolebarCatalog !== CATALOG_FORMAT)
    refuse(
      'rolebarCatalog',
      `"rolebarCatalog" must be ${CATALOG_FORMAT} (the format version).`,
      'Start the file with "rolebarCatalog": 1, or update Rolebar for a newer format.',
    );
  const accounts = list('accounts', top.accounts).map((raw, i): CatalogAccount => {
    const at = `accounts[${i}]`;
    const a = object(at, raw, ACCOUNT);
    const id = text_(at, 'id', a.id) ?? '';
    if (!/^\d{12}$/.test(id))
      refuse(`${at}.id`, `"${id}" is not a 12-digit account id.`, 'Use the account number.');
    const partition = a.partition ?? 'aws';
    if (partition !== 'aws' && partition !== 'aws-cn' && partition !== 'aws-us-gov')
      return refuse(
        `${at}.partition`,
        'the partition must be aws, aws-cn or aws-us-gov.',
        'Fix the partition.',
      );
    return {
      id,
      name: text_(at, 'name', a.name ?? a.alias ?? id) ?? id,
      partition,
      region: text_(at, 'region', a.region, true),
    };
  });
  const prefix = text_('', 'profilePrefix', top.profilePrefix, true) ?? '';
  const ids = new Set<string>();
  const accountByKey = new Map<string, CatalogAccount>();
  for (const a of [...accounts].reverse()) accountByKey.set(a.name, a);
  for (const a of [...accounts].reverse()) accountByKey.set(a.id, a);
  const roles = list('roles', top.roles).map((raw, i): CatalogRole => {
    const at = `roles[${i}]`;
    const r = object(at, raw, ROLE);
    const id = text_(at, 'id', r.id) ?? '';
    if (ids.has(id)) refuse(`${at}.id`, `the role id "${id}" appears twice.`, 'Give each role its own id.');
    ids.add(id);
    const accountId = text_(at, 'account', r.account) ?? '';
    const account = accountByKey.get(accountId);
    if (!account)
      return refuse(`${at}.account`, `no account "${accountId}" in "accounts".`, 'List the account first.');
    if (r.mfa !== undefined && typeof r.mfa !== 'boolean')
      refuse(`${at}.mfa`, '"mfa" must be true or false.', 'See catalog.schema.json.');
    if (r.durationSeconds !== undefined && typeof r.durationSeconds !== 'number')
      refuse(`${at}.durationSeconds`, '"durationSeconds" must be a number.', 'See catalog.schema.json.');
    const tags = r.tags === undefined ? undefined : parseTags(`${at}.tags`, r.tags);
    const role: CatalogRole = {
      id,
      account: account.id,
      roleArn: '',
      label: text_(at, 'label', r.label ?? id) ?? id,
      group: text_(at, 'group', r.group, true),
      mfa: r.mfa === true,
      externalId: text_(at, 'externalId', r.externalId, true),
      durationSeconds: typeof r.durationSeconds === 'number' ? r.durationSeconds : undefined,
      sessionName: text_(at, 'sessionName', r.sessionName, true),
      chainFrom: text_(at, 'chainFrom', r.chainFrom, true),
      tags,
      description: text_(at, 'description', r.description, true),
      region: text_(at, 'region', r.region, true) ?? account.region,
      profileName: text_(at, 'profileName', r.profileName, true),
    };
    try {
      const arnText = text_(at, 'roleArn', r.roleArn, true);
      const nameText = text_(at, 'roleName', r.roleName, true);
      if (!arnText === !nameText)
        throw new RolebarError('invalid-input', 'Give either "roleArn" or "roleName".');
      // Built without a check of its own: checkRole below checks the ARN with the one role ARN rule.
      role.roleArn =
        arnText ?? `arn:${account.partition}:iam::${account.id}:role/${(nameText ?? '').replace(/^\/+/, '')}`;
      // The one rule set for roles (model.checkRole), as for a role the user adds; the shape is kept for asRole.
      const shaped = asRole(role, prefix, { kind: 'identity', id: 'x' });
      checkRole(shaped);
      profiles.set(role, { prefix, profile: shaped.profileName ?? '' });
    } catch (error) {
      if (error instanceof RolebarError && error.code !== 'catalog-invalid')
        refuse(at, error.message, error.hint ?? 'Fix the role.');
      throw error;
    }
    return role;
  });
  function parseTags(at: string, raw: unknown): SessionTag[] {
    return list(at, raw).map((tag, i) => {
      const t = object(`${at}[${i}]`, tag, TAG);
      const value = t.value;
      if (typeof value !== 'string')
        return refuse(`${at}[${i}]`, 'a tag value must be a string.', 'Fix the tag.');
      return { key: text_(`${at}[${i}]`, 'key', t.key) ?? '', value };
    });
  }
  const roleById = new Map(roles.map((r) => [r.id, r]));
  roles.forEach((role, i) => {
    const seen = new Set([role.id]);
    for (let hop = role.chainFrom; hop !== undefined;) {
      const from = hop;
      const parent = roleById.get(from);
      if (!parent)
        refuse(
          `roles[${i}].chainFrom`,
          `no role "${from}" to chain from.`,
          'Name a role id of this catalog.',
        );
      if (seen.has(from))
        refuse(`roles[${i}].chainFrom`, `the chain of "${role.id}" leads back to itself.`, 'Break the loop.');
      seen.add(from);
      hop = parent?.chainFrom;
    }
  });
  return { profilePrefix: prefix, accounts, roles };
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
