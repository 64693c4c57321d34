import { RolebarError } from '../../domain/errors.js';
import type { Partition } from '../../domain/endpoints.js';
import { partitionOfArn } from '../../domain/principal.js';

/** A condition block of an IAM policy: operator → key → value(s). */
export type IamPolicyCondition = Record<string, Record<string, unknown>>;

/** One statement of an IAM policy document, as Rolebar reads and writes them. */
export interface IamPolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: IamPolicyCondition;
}

/** An IAM policy document (trust or permission policy). */
export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: IamPolicyStatement[];
}

/** Who would assume a role, as trust policies name them. */
export interface TrustPrincipal {
  kind: 'user' | 'role' | 'root';
  /** The ARN GetCallerIdentity gives (a user ARN, an assumed-role session ARN, the root ARN). */
  arn: string;
  accountId: string;
  partition: Partition;
  /** For role sessions: the role's ARN (exact when known, else without its path). */
  roleArn?: string | undefined;
  /** The user or role name. */
  name: string;
}

/**
 * Reads a caller ARN (`…:user/…`, `…:assumed-role/NAME/SESSION`, `…:role/…`, `…:root`) as a trust principal.
 * `roleArn` is the exact role ARN of a role session when the caller knows it (the assumed-role ARN drops the path).
 */
export function principalOf(arn: string, roleArn?: string): TrustPrincipal {
  const partition = partitionOfArn(arn);
  const user = /^arn:[\w-]+:iam::(\d{12}):user\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (user) return { kind: 'user', arn, accountId: user[1] ?? '', partition, name: user[2] ?? '' };
  const session = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  const role = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  const asRole = session ?? role;
  if (asRole) {
    const accountId = asRole[1] ?? '';
    const name = asRole[2] ?? '';
    return {
      kind: 'role',
      arn,
      accountId,
      partition,
      name,
      roleArn: roleArn ?? (role ? arn : `arn:${partition}:iam::${accountId}:role/${name}`),
    };
  }
  const root = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(arn);
  if (root) return { kind: 'root', arn, accountId: root[1] ?? '', partition, name: 'root' };
  throw new RolebarError('invalid-input', `"${arn}" is not a user, role or account ARN.`, {
    hint: 'Discovery works for IAM users and role sessions.',
  });
}

/** How a trust policy lets the principal in: by its exact user or role, its account, or everyone (`*`). */
export type TrustMatch = 'user' | 'role' | 'account' | 'any';

/** What a role's trust policy says about one principal. */
export interface TrustVerdict {
  /**
   * `likely`: the trust policy names this principal in the role's own account (enough on its own);
   * `if-allowed`: it names the account or `*`, or the role is in another account, so the principal's own
   * permission policy must allow sts:AssumeRole too; `no`: it does not let this principal in.
   */
  canAssume: 'likely' | 'if-allowed' | 'no';
  matchedBy: TrustMatch | undefined;
  needsIdentityPolicy: boolean;
  /** The trust policy asks for MFA (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`). */
  mfa: boolean;
  /** `aws:MultiFactorAuthAge` limit, when set. */
  mfaMaxAgeSeconds: number | undefined;
  /** The `sts:ExternalId` value the trust policy requires, if any. */
  externalId: string | undefined;
  /** Conditions Rolebar cannot satisfy or check for you (key and operator), e.g. `aws:SourceIp (IpAddress)`. */
  otherConditions: string[];
  /** One sentence in the user's words. */
  reason: string;
}

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function wildcard(pattern: string, value: string): boolean {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i').test(value);
}

function grantsAssume(s: Record<string, unknown>): boolean {
  if (s.Action !== undefined)
    return list(s.Action).some((a) => typeof a === 'string' && wildcard(a, 'sts:AssumeRole'));
  if (s.NotAction !== undefined)
    return !list(s.NotAction).some((a) => typeof a === 'string' && wildcard(a, 'sts:AssumeRole'));
  return false;
}

const RANK: Record<TrustMatch, number> = { user: 0, role: 0, account: 1, any: 2 };

function matchPrincipal(block: unknown, who: TrustPrincipal): TrustMatch | undefined {
  if (block === '*') return 'any';
  if (typeof block !== 'object' || block === null) return undefined;
  let best: TrustMatch | undefined;
  const better = (m: TrustMatch) => {
    if (best === undefined || RANK[m] < RANK[best]) best = m;
  };
  for (const p of list((block as Record<string, unknown>).AWS)) {
    if (typeof p !== 'string') continue;
    if (p === '*') better('any');
    else if (p === who.accountId || p === `arn:${who.partition}:iam::${who.accountId}:root`)
      better('account');
    else if (p === who.arn) better(who.kind === 'role' ? 'role' : 'user');
    else if (who.kind === 'role' && sameRole(p, who)) better('role');
  }
  return best;
}

/** Role names are unique within an account whatever their path, so account and name identify the role. */
function sameRole(p: string, who: TrustPrincipal): boolean {
  const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p);
  return m?.[1] === who.accountId && m[2] === who.name;
}

interface Requirements {
  mfa: boolean;
  mfaMaxAgeSeconds: number | undefined;
  externalId: string | undefined;
  other: string[];
}

function requirementsOf(condition: unknown): Requirements {
  const req: Requirements = { mfa: false, mfaMaxAgeSeconds: undefined, externalId: undefined, other: [] };
  if (typeof condition !== 'object' || condition === null) return req;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    const op = operator.replace(/^For(?:Any|All)Values?:/, '').replace(/IfExists$/, '');
    if (typeof block !== 'object' || block === null) continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      const k = key.toLowerCase();
      const first = list(values).map(String)[0];
      if (k === 'aws:multifactorauthpresent' && op === 'Bool' && first?.toLowerCase() === 'true')
        req.mfa = true;
      else if (k === 'aws:multifactorauthage' && op.startsWith('NumericLessThan')) {
        req.mfa = true;
        req.mfaMaxAgeSeconds = Number(first);
      } else if (k === 'sts:externalid' && /^String(Equals|Like)$/.test(op) && first !== undefined) {
        req.externalId = first;
      } else req.other.push(`${key} (${operator})`);
    }
  }
  return req;
}

/** A Deny whose only condition is "MFA absent" is the usual way to require MFA; anything else is noted. */
function denyEffect(condition: unknown): 'mfa' | 'always' | string[] {
  if (condition === undefined) return 'always';
  const req = requirementsOf(condition);
  const keys = Object.values(condition as Record<string, Record<string, unknown>>).flatMap((b) =>
    Object.entries(b ?? {}),
  );
  const mfaOnly =
    keys.length > 0 &&
    keys.every(
      ([k, v]) =>
        k.toLowerCase() === 'aws:multifactorauthpresent' && String(list(v)[0]).toLowerCase() === 'false',
    );
  return mfaOnly ? 'mfa' : [...req.other, ...(req.externalId ? ['sts:ExternalId'] : [])];
}

/**
 * Classifies a role's trust policy for one principal: whether it lets the principal in (and how), and which
 * conditions (MFA, ExternalId, others) it sets. Pure: no network. `roleArn` tells whether the role is in
 * another account (then the principal's own permission policy must allow sts:AssumeRole too).
 */
export function classifyTrust(
  trustPolicy: unknown,
  principal: TrustPrincipal,
  roleArn?: string,
): TrustVerdict {
  const verdict = (
    canAssume: TrustVerdict['canAssume'],
    reason: string,
    extra: Partial<TrustVerdict> = {},
  ) => ({
    canAssume,
    matchedBy: undefined,
    needsIdentityPolicy: false,
    mfa: false,
    mfaMaxAgeSeconds: undefined,
    externalId: undefined,
    otherConditions: [],
    reason,
    ...extra,
  });
  if (typeof trustPolicy !== 'object' || trustPolicy === null) {
    return verdict('no', 'Its trust policy could not be read.');
  }
  const statements = list((trustPolicy as { Statement?: unknown }).Statement).filter(
    (s): s is Record<string, unknown> => typeof s === 'object' && s !== null,
  );
  let mfaByDeny = false;
  const denyNotes: string[] = [];
  let best: { match: TrustMatch; req: Requirements } | undefined;
  for (const s of statements) {
    if (!grantsAssume(s)) continue;
    const match = matchPrincipal(s.Principal, principal);
    if (match === undefined) continue;
    if (s.Effect === 'Deny') {
      const effect = denyEffect(s.Condition);
      if (effect === 'always') return verdict('no', 'Its trust policy explicitly denies you.');
      if (effect === 'mfa') mfaByDeny = true;
      else denyNotes.push(...effect.map((k) => `deny when ${k}`));
      continue;
    }
    if (s.Effect !== 'Allow') continue;
    const req = requirementsOf(s.Condition);
    const cost = (r: Requirements, m: TrustMatch) =>
      r.other.length * 100 + (r.mfa ? 10 : 0) + (r.externalId ? 10 : 0) + RANK[m];
    if (!best || cost(req, match) < cost(best.req, best.match)) best = { match, req };
  }
  if (!best) {
    const servicesOnly =
      statements.length > 0 &&
      statements.every((s) => {
        const p = s.Principal;
        return typeof p === 'object' && p !== null && !('AWS' in p);
      });
    return verdict(
      'no',
      servicesOnly
        ? 'Only AWS services or federated users may assume it.'
        : 'Its trust policy does not name you, your account or the role you come from.',
    );
  }
  const roleAccount = roleArn ? /^arn:[\w-]+:iam::(\d{12}):/.exec(roleArn)?.[1] : undefined;
  const crossAccount = roleAccount !== undefined && roleAccount !== principal.accountId;
  const needsIdentityPolicy = best.match === 'account' || best.match === 'any' || crossAccount;
  const mfa = best.req.mfa || mfaByDeny;
  const otherConditions = [...best.req.other, ...denyNotes];
  const names: Record<TrustMatch, string> = {
    user: 'your user',
    role: 'the role you come from',
    account: `your account (${principal.accountId})`,
    any: 'any AWS principal (*)',
  };
  const asks = [
    ...(mfa ? ['MFA'] : []),
    ...(best.req.externalId !== undefined ? ['an external ID'] : []),
    ...otherConditions,
  ];
  const reason =
    `Its trust policy names ${names[best.match]}` +
    (asks.length > 0 ? ` and asks for ${asks.join(', ')}` : '') +
    (needsIdentityPolicy ? '; your own permissions must also allow sts:AssumeRole on it.' : '.');
  return verdict(needsIdentityPolicy ? 'if-allowed' : 'likely', reason, {
    matchedBy: best.match,
    needsIdentityPolicy,
    mfa,
    mfaMaxAgeSeconds: best.req.mfaMaxAgeSeconds,
    externalId: best.req.externalId,
    otherConditions,
  });
}
