import { createHash } from 'node:crypto';
import { buildIdentityCenter, type IdentityCenter } from './sso-world.js';
import { base32Decode, base32Encode } from './totp.js';
import type { AccessKeySpec, PolicyDocument, WorldSpec } from './types.js';

/** An account of the indexed world. */
export interface Account {
  id: string;
  alias: string | undefined;
  rootArn: string;
  users: Map<string, User>;
  roles: Map<string, Role>;
}

/** An IAM user of the indexed world. */
export interface User {
  kind: 'user';
  account: Account;
  name: string;
  path: string;
  arn: string;
  userId: string;
  policies: PolicyDocument[];
  mfaDevices: MfaDevice[];
}

/** An IAM role of the indexed world. */
export interface Role {
  kind: 'role';
  account: Account;
  name: string;
  path: string;
  arn: string;
  roleId: string;
  maxSessionDuration: number;
  trustPolicy: PolicyDocument;
  policies: PolicyDocument[];
  description: string | undefined;
  /** ISO 8601 creation time. */
  createDate: string;
  /** Inline policies by name (PutRolePolicy replaces one of the same name). */
  inlinePolicies: Map<string, PolicyDocument>;
}

/** Every identity policy of a role: attached ones and inline ones (what its sessions are held to). */
export function rolePolicies(role: Role): PolicyDocument[] {
  return [...role.policies, ...role.inlinePolicies.values()];
}

/** A virtual MFA device and its replay-protection state. */
export interface MfaDevice {
  serial: string;
  secretBase32: string;
  user: User;
  /** Highest TOTP step already accepted: codes of this step or older are refused. */
  lastUsedStep: number | undefined;
}

/** Who owns a long-term access key. */
export type KeyOwner = { kind: 'user'; user: User } | { kind: 'root'; account: Account };

/** A long-term access key of the indexed world. */
export interface LongTermKey {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  owner: KeyOwner;
  /** ISO 8601 creation time. */
  createDate: string;
  /** Epoch ms before which AWS does not accept the key yet (IAM's propagation delay for new keys). */
  usableFrom?: number;
  /** The last request the key signed (GetAccessKeyLastUsed). */
  lastUsed?: { date: string; service: string; region: string };
}

/** Pattern every committed key id must follow, so no fixture looks like a real key. */
export const FAKE_KEY_ID_PATTERN = /^AKIA[A-Z0-9]{16}$/;
/** Words one of which every fake key id must contain. */
export const FAKE_KEY_MARKERS = /EXAMPLE|FAKE|TEST/;
const ROLE_ARN_PATTERN = /^arn:aws:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/;

/** Splits a role ARN into account, path and name; undefined if it is not one. */
export function parseRoleArn(arn: string): { accountId: string; path: string; name: string } | undefined {
  const m = ROLE_ARN_PATTERN.exec(arn);
  if (!m) return undefined;
  return { accountId: m[1] ?? '', path: `/${m[2] ?? ''}`, name: m[3] ?? '' };
}

/** A stable, fake-looking unique id (`AIDA…`, `AROA…`): prefix + 17 base32 characters derived from `seed`. */
export function derivedId(prefix: string, seed: string): string {
  return prefix + base32Encode(createHash('sha256').update(seed).digest()).slice(0, 17);
}

function normalizePath(path: string | undefined, where: string): string {
  const p = path ?? '/';
  if (!/^\/(?:[\w+=,.@-]+\/)*$/.test(p))
    throw new Error(`world: invalid IAM path ${JSON.stringify(p)} for ${where}`);
  return p;
}

function checkName(name: string, where: string): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(name))
    throw new Error(`world: invalid name ${JSON.stringify(name)} for ${where}`);
}

function checkPolicy(doc: PolicyDocument, where: string): PolicyDocument {
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  if (statements.length === 0) throw new Error(`world: empty policy for ${where}`);
  for (const s of statements) {
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
      throw new Error(`world: statement without Effect in ${where}`);
    if (s.Action === undefined && s.NotAction === undefined)
      throw new Error(`world: statement without Action in ${where}`);
  }
  return structuredClone(doc);
}

function checkDate(iso: string, where: string): string {
  if (Number.isNaN(Date.parse(iso))) throw new Error(`world: createDate of ${where} is not an ISO date`);
  return iso;
}

/**
 * The indexed, validated world plus its mutable state (MFA replay steps, key status).
 * Build it with {@link buildWorld}.
 */
export class World {
  readonly accounts = new Map<string, Account>();
  readonly keys = new Map<string, LongTermKey>();
  readonly mfaDevices = new Map<string, MfaDevice>();
  readonly disabledRegions: Set<string>;
  readonly managedPolicies: Map<string, PolicyDocument>;
  /** The IAM Identity Center instance, when the spec has one. */
  readonly identityCenter: IdentityCenter | undefined;
  /** How long a key made by CreateAccessKey takes before AWS accepts it (real IAM: a few seconds). */
  newKeyDelayMs = 0;

  constructor(spec: WorldSpec) {
    this.disabledRegions = new Set(spec.disabledRegions ?? []);
    this.managedPolicies = new Map(
      Object.entries(spec.managedPolicies ?? {}).map(([arn, doc]) => [arn, checkPolicy(doc, arn)]),
    );
    for (const a of spec.accounts) {
      if (!/^\d{12}$/.test(a.id))
        throw new Error(`world: account id must be 12 digits: ${JSON.stringify(a.id)}`);
      if (this.accounts.has(a.id)) throw new Error(`world: duplicate account ${a.id}`);
      const account: Account = {
        id: a.id,
        alias: a.alias,
        rootArn: `arn:aws:iam::${a.id}:root`,
        users: new Map(),
        roles: new Map(),
      };
      this.accounts.set(a.id, account);
      for (const key of a.rootAccessKeys ?? []) this.addKey(key, { kind: 'root', account });
      for (const u of a.users ?? []) {
        checkName(u.name, `user in ${a.id}`);
        const path = normalizePath(u.path, u.name);
        const arn = `arn:aws:iam::${a.id}:user${path}${u.name}`;
        const user: User = {
          kind: 'user',
          account,
          name: u.name,
          path,
          arn,
          userId: u.userId ?? derivedId('AIDA', arn),
          policies: (u.policies ?? []).map((p) => checkPolicy(p, arn)),
          mfaDevices: [],
        };
        if (account.users.has(u.name)) throw new Error(`world: duplicate user ${arn}`);
        account.users.set(u.name, user);
        for (const key of u.accessKeys ?? []) this.addKey(key, { kind: 'user', user });
        for (const d of u.mfaDevices ?? []) {
          checkName(d.name, `MFA device of ${arn}`);
          base32Decode(d.secretBase32);
          const serial = `arn:aws:iam::${a.id}:mfa/${d.name}`;
          if (this.mfaDevices.has(serial)) throw new Error(`world: duplicate MFA device ${serial}`);
          const device: MfaDevice = { serial, secretBase32: d.secretBase32, user, lastUsedStep: undefined };
          user.mfaDevices.push(device);
          this.mfaDevices.set(serial, device);
        }
      }
      for (const r of a.roles ?? []) {
        checkName(r.name, `role in ${a.id}`);
        const path = normalizePath(r.path, r.name);
        const arn = `arn:aws:iam::${a.id}:role${path}${r.name}`;
        const max = r.maxSessionDuration ?? 3600;
        if (!Number.isInteger(max) || max < 3600 || max > 43200) {
          throw new Error(`world: MaxSessionDuration of ${arn} must be 3600..43200`);
        }
        if (account.roles.has(r.name)) throw new Error(`world: duplicate role ${arn}`);
        account.roles.set(r.name, {
          kind: 'role',
          account,
          name: r.name,
          path,
          arn,
          roleId: r.roleId ?? derivedId('AROA', arn),
          maxSessionDuration: max,
          trustPolicy: checkPolicy(r.trustPolicy, `trust policy of ${arn}`),
          policies: (r.policies ?? []).map((p) => checkPolicy(p, arn)),
          description: r.description,
          createDate: checkDate(r.createDate ?? '2024-01-01T00:00:00Z', arn),
          inlinePolicies: new Map(
            Object.entries(r.inlinePolicies ?? {}).map(([name, p]) => [
              name,
              checkPolicy(p, `${arn} ${name}`),
            ]),
          ),
        });
      }
    }
    this.identityCenter = spec.identityCenter && buildIdentityCenter(this.accounts, spec.identityCenter);
  }

  private addKey(key: AccessKeySpec, owner: KeyOwner): void {
    if (!FAKE_KEY_ID_PATTERN.test(key.accessKeyId) || !FAKE_KEY_MARKERS.test(key.accessKeyId)) {
      throw new Error(
        `world: access key id ${key.accessKeyId} must match AKIA[A-Z0-9]{16} and contain EXAMPLE, FAKE or TEST`,
      );
    }
    if (key.secretAccessKey.length !== 40)
      throw new Error(`world: secret of ${key.accessKeyId} must be 40 characters`);
    if (this.keys.has(key.accessKeyId)) throw new Error(`world: duplicate access key ${key.accessKeyId}`);
    const createDate = checkDate(key.createDate ?? '2024-01-01T00:00:00Z', key.accessKeyId);
    this.keys.set(key.accessKeyId, { ...key, owner, createDate });
  }

  /** The long-term keys of a user, oldest first. */
  keysOf(user: User): LongTermKey[] {
    return [...this.keys.values()]
      .filter((key) => key.owner.kind === 'user' && key.owner.user === user)
      .sort((a, b) => a.createDate.localeCompare(b.createDate));
  }

  /** Adds a new key for `user` (CreateAccessKey), usable after {@link newKeyDelayMs}. */
  createKey(
    user: User,
    now: number,
    make: () => { accessKeyId: string; secretAccessKey: string },
  ): LongTermKey {
    let made = make();
    while (this.keys.has(made.accessKeyId)) made = make();
    const key: LongTermKey = {
      ...made,
      status: 'Active',
      owner: { kind: 'user', user },
      createDate: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      usableFrom: now + this.newKeyDelayMs,
    };
    this.keys.set(key.accessKeyId, key);
    return key;
  }

  /** The account with this id, if any. */
  account(id: string): Account | undefined {
    return this.accounts.get(id);
  }

  /** The role with exactly this ARN (path included), if any. */
  roleByArn(arn: string): Role | undefined {
    const parsed = parseRoleArn(arn);
    if (!parsed) return undefined;
    const role = this.accounts.get(parsed.accountId)?.roles.get(parsed.name);
    return role?.arn === arn ? role : undefined;
  }

  /** The user with this ARN, if any. */
  userByArn(arn: string): User | undefined {
    const m = /^arn:aws:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn);
    const user = m ? this.accounts.get(m[1] ?? '')?.users.get(m[2] ?? '') : undefined;
    return user?.arn === arn ? user : undefined;
  }

  /** Activates or deactivates a long-term key (as `aws iam update-access-key` would). */
  setAccessKeyStatus(accessKeyId: string, status: 'Active' | 'Inactive'): void {
    const key = this.keys.get(accessKeyId);
    if (!key) throw new Error(`world: no access key ${accessKeyId}`);
    key.status = status;
  }
}

/** Validates and indexes a world description. Throws an Error naming the first problem (never a secret). */
export function buildWorld(spec: WorldSpec): World {
  return new World(structuredClone(spec));
}

/** Parses a world from JSON text (same shape as {@link WorldSpec}) and validates it. */
export function parseWorldJson(json: string): World {
  const data: unknown = JSON.parse(json);
  if (
    typeof data !== 'object' ||
    data === null ||
    !Array.isArray((data as { accounts?: unknown }).accounts)
  ) {
    throw new Error('world: JSON must be an object with an "accounts" array');
  }
  return buildWorld(data as WorldSpec);
}
