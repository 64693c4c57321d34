import {
  createAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
  getUser,
  listAccessKeys,
  updateAccessKey,
} from './access-keys.js';
import { toIsoSeconds } from './clock.js';
import type { ActionContext } from './common.js';
import { StsError, stsErrors } from './errors.js';
import { evaluatePolicies, type PolicyContext, parsePolicyDocument } from './policy.js';
import type { Caller } from './sessions.js';
import type { PolicyDocument } from './types.js';
import { Validator } from './validation.js';
import { type Role, rolePolicies } from './world.js';
import type { XmlObject } from './xml.js';

/** An IAM action: returns the `<…Result>` content (undefined for none) or throws an StsError. */
export type IamActionHandler = (ctx: ActionContext) => XmlObject | undefined;

/** IAM's limit on a role's inline policies, all together (characters, whitespace excluded). */
export const INLINE_POLICY_BUDGET = 10_240;

/** Factories for the IAM-only errors, with IAM's codes, statuses and texts. */
export const iamErrors = {
  /** A role (or other entity) that does not exist in the caller's account. */
  noSuchRole: (name: string) =>
    new StsError('NoSuchEntity', 404, `The role with name ${name} cannot be found.`),
  /** A policy document that is not JSON or not a policy. */
  malformedPolicy: () => new StsError('MalformedPolicyDocument', 400, 'Syntax errors in policy.'),
  /** Inline policies over the per-role budget. */
  limitExceeded: (roleName: string) =>
    new StsError(
      'LimitExceeded',
      409,
      `Maximum policy size of ${INLINE_POLICY_BUDGET} bytes exceeded for role ${roleName}`,
    ),
} as const;

const ROLE_NAME = /^[\w+=,.@-]+$/;
const PATH_PREFIX = /^\/[\u0021-\u007f]*$/;

function iamContext(ctx: ActionContext): PolicyContext {
  const { caller, now } = ctx;
  const c: PolicyContext = new Map<string, string | string[]>([
    ['aws:principalaccount', caller.accountId],
    ['aws:principalarn', caller.session?.role?.arn ?? caller.arn],
    ['aws:userid', caller.userId],
    ['aws:currenttime', toIsoSeconds(now)],
    ['aws:epochtime', String(Math.floor(now / 1000))],
    ['aws:securetransport', 'false'],
  ]);
  if (caller.type === 'user' && caller.user) c.set('aws:username', caller.user.name);
  const session = caller.session;
  if (session) {
    c.set('aws:tokenissuetime', new Date(session.issuedAt).toISOString());
    if (session.mfaAuthenticatedAt === undefined) c.set('aws:multifactorauthpresent', 'false');
    else {
      c.set('aws:multifactorauthpresent', 'true');
      c.set(
        'aws:multifactorauthage',
        String(Math.max(0, Math.floor((now - session.mfaAuthenticatedAt) / 1000))),
      );
    }
    for (const [k, v] of session.tags) c.set(`aws:principaltag/${k.toLowerCase()}`, v);
  }
  return c;
}

function identityPolicies(caller: Caller): PolicyDocument[] {
  if (caller.session?.role) return rolePolicies(caller.session.role);
  return caller.user?.policies ?? [];
}

/**
 * Authorizes an IAM action in the caller's own account like IAM: the account's root may do anything; anyone
 * else needs an identity policy that allows it, no explicit Deny (a role's inline policies included, so
 * "revoke older sessions" bites), and, for sessions with session policies, one of those allowing it too.
 */
export function authorizeIam(ctx: ActionContext, action: string, resource: string): void {
  const { caller } = ctx;
  if (caller.type === 'root') return;
  const request = { action, resource, context: iamContext(ctx) };
  const refused = (why: string): StsError =>
    stsErrors.accessDenied(
      `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
    );
  const identity = evaluatePolicies(identityPolicies(caller), request);
  if (identity.denied) throw refused('with an explicit deny in an identity-based policy');
  const sessionPolicies = caller.session?.sessionPolicies ?? [];
  const session = sessionPolicies.length > 0 ? evaluatePolicies(sessionPolicies, request) : undefined;
  if (session?.denied) throw refused('with an explicit deny in a session policy');
  if (!identity.allowed) throw refused(`because no identity-based policy allows the ${action} action`);
  if (session && !session.allowed) throw refused(`because no session policy allows the ${action} action`);
}

/** A role as ListRoles and GetRole show it; the trust policy URL-encoded, as AWS sends it. */
export function roleXml(role: Role): XmlObject {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createDate,
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.trustPolicy)),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
  };
}

function validateRoleName(v: Validator, value: string | undefined): string | undefined {
  const name = v.required('roleName', value);
  v.length('roleName', name, 1, 64);
  return name;
}

function checkPattern(field: string, value: string | undefined, re: RegExp, shown: string): void {
  if (value !== undefined && !re.test(value)) {
    throw stsErrors.validation([
      `Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`,
    ]);
  }
}

/** The role named `name` in the caller's account, after authorizing `action` on it (AWS checks first). */
function authorizedRole(ctx: ActionContext, action: string, name: string): Role {
  const role = ctx.world.account(ctx.caller.accountId)?.roles.get(name);
  authorizeIam(ctx, action, role?.arn ?? `arn:aws:iam::${ctx.caller.accountId}:role/${name}`);
  if (!role) throw iamErrors.noSuchRole(name);
  return role;
}

/** An opaque marker: the lower-cased name of the last role given (role names are unique ignoring case). */
function encodeMarker(key: string): string {
  return Buffer.from(key).toString('base64url');
}

/** ListRoles: the caller's account's roles, sorted by name, `MaxItems` (1–1000, default 100) at a time. */
export function listRoles(ctx: ActionContext): XmlObject {
  const v = new Validator();
  const pathPrefix = ctx.params.get('PathPrefix');
  v.length('pathPrefix', pathPrefix, 1, 512);
  const maxItems = v.integer('maxItems', ctx.params.get('MaxItems'), 1, 1000);
  const marker = ctx.params.get('Marker');
  v.length('marker', marker, 1, 320);
  v.done();
  checkPattern('pathPrefix', pathPrefix, PATH_PREFIX, '\\u002F[\\u0021-\\u007F]*');
  const prefix = pathPrefix ?? '/';
  authorizeIam(ctx, 'iam:ListRoles', `arn:aws:iam::${ctx.caller.accountId}:role${prefix}`);
  let after: string | undefined;
  if (marker !== undefined) {
    after = Buffer.from(marker, 'base64url').toString('utf8');
    if (after === '' || encodeMarker(after) !== marker) throw stsErrors.validationMessage('Invalid Marker.');
  }
  const all = [...(ctx.world.account(ctx.caller.accountId)?.roles.values() ?? [])]
    .filter((r) => r.path.startsWith(prefix))
    .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const rest = after === undefined ? all : all.filter((r) => r.name.toLowerCase() > (after ?? ''));
  const page = rest.slice(0, maxItems ?? 100);
  const truncated = rest.length > page.length;
  const last = page[page.length - 1];
  return {
    Roles: { member: page.map(roleXml) },
    IsTruncated: truncated ? 'true' : 'false',
    Marker: truncated && last ? encodeMarker(last.name.toLowerCase()) : undefined,
  };
}

/** GetRole: one role of the caller's account by name. */
export function getRole(ctx: ActionContext): XmlObject {
  const v = new Validator();
  const name = validateRoleName(v, ctx.params.get('RoleName'));
  v.done();
  checkPattern('roleName', name, ROLE_NAME, '[\\w+=,.@-]+');
  return { Role: roleXml(authorizedRole(ctx, 'iam:GetRole', name ?? '')) };
}

/** PutRolePolicy: adds or replaces an inline policy of a role of the caller's account (enforced at once). */
export function putRolePolicy(ctx: ActionContext): undefined {
  const v = new Validator();
  const name = validateRoleName(v, ctx.params.get('RoleName'));
  const policyName = v.required('policyName', ctx.params.get('PolicyName'));
  v.length('policyName', policyName, 1, 128);
  const text = v.required('policyDocument', ctx.params.get('PolicyDocument'));
  v.length('policyDocument', text, 1, 131072);
  v.done();
  checkPattern('roleName', name, ROLE_NAME, '[\\w+=,.@-]+');
  checkPattern('policyName', policyName, ROLE_NAME, '[\\w+=,.@-]+');
  const role = authorizedRole(ctx, 'iam:PutRolePolicy', name ?? '');
  const doc = parsePolicyDocument(text ?? '');
  if (!doc) throw iamErrors.malformedPolicy();
  const next = new Map(role.inlinePolicies);
  next.set(policyName ?? '', doc);
  const size = [...next.values()].reduce((n, d) => n + JSON.stringify(d).length, 0);
  if (size > INLINE_POLICY_BUDGET) throw iamErrors.limitExceeded(role.name);
  role.inlinePolicies.set(policyName ?? '', doc);
  return undefined;
}

/** The IAM actions the emulator implements, by Action name. */
export const IAM_ACTIONS: ReadonlyMap<string, IamActionHandler> = new Map<string, IamActionHandler>([
  ['ListRoles', listRoles],
  ['GetRole', getRole],
  ['PutRolePolicy', putRolePolicy],
  ['CreateAccessKey', createAccessKey],
  ['DeleteAccessKey', deleteAccessKey],
  ['UpdateAccessKey', updateAccessKey],
  ['ListAccessKeys', listAccessKeys],
  ['GetAccessKeyLastUsed', getAccessKeyLastUsed],
  ['GetUser', getUser],
]);
