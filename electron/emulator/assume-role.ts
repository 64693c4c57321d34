import { toIsoSeconds } from './clock.js';
import {
  type ActionContext,
  credentialsXml,
  inheritedMfaTime,
  packedPolicySize,
  readSessionPolicies,
  validateMfaParams,
  verifyMfa,
} from './common.js';
import { stsErrors } from './errors.js';
import { evaluatePolicies, type PolicyContext, type PrincipalInfo } from './policy.js';
import type { Caller } from './sessions.js';
import type { PolicyDocument } from './types.js';
import { readTags, Validator } from './validation.js';
import { parseRoleArn, type Role, rolePolicies } from './world.js';
import type { XmlObject } from './xml.js';

/** AWS's message when a chained role session asks for more than one hour. */
export const CHAINING_LIMIT_MESSAGE =
  'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';
/** AWS's message when DurationSeconds exceeds the role's MaxSessionDuration. */
export const MAX_SESSION_MESSAGE =
  'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';

/** The message AWS gives for any refused AssumeRole-family action (also for roles that do not exist). */
export function notAuthorizedMessage(callerArn: string, action: string, resource: string): string {
  return `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`;
}

function principalInfo(caller: Caller): PrincipalInfo {
  const arns = [caller.arn];
  if (caller.session?.role) arns.push(caller.session.role.arn);
  return { accountId: caller.accountId, arns };
}

function principalType(caller: Caller): string {
  return { user: 'User', root: 'Account', 'assumed-role': 'AssumedRole', 'federated-user': 'FederatedUser' }[
    caller.type
  ];
}

interface AssumeRequest {
  sessionName: string;
  externalId?: string;
  sourceIdentity?: string;
  tags: Map<string, string>;
  transitive: Set<string>;
  mfaAt?: number;
}

function requestContext(ctx: ActionContext, req: AssumeRequest): PolicyContext {
  const { caller, now } = ctx;
  const c: PolicyContext = new Map<string, string | string[]>([
    ['aws:principalaccount', caller.accountId],
    ['aws:principalarn', caller.session?.role?.arn ?? caller.arn],
    ['aws:principaltype', principalType(caller)],
    ['aws:userid', caller.userId],
    ['aws:currenttime', toIsoSeconds(now)],
    ['aws:epochtime', String(Math.floor(now / 1000))],
    ['aws:requestedregion', ctx.region],
    ['aws:securetransport', 'false'],
    ['sts:rolesessionname', req.sessionName],
  ]);
  if (caller.type === 'user' && caller.user) c.set('aws:username', caller.user.name);
  // Full precision: "revoke older sessions" compares this to a time with milliseconds.
  if (caller.session) c.set('aws:tokenissuetime', new Date(caller.session.issuedAt).toISOString());
  // Long-term keys carry no MFA key at all; temporary credentials say true/false.
  if (req.mfaAt !== undefined) {
    c.set('aws:multifactorauthpresent', 'true');
    c.set('aws:multifactorauthage', String(Math.max(0, Math.floor((now - req.mfaAt) / 1000))));
  } else if (caller.session) {
    c.set('aws:multifactorauthpresent', 'false');
  }
  if (req.externalId !== undefined) c.set('sts:externalid', req.externalId);
  if (req.sourceIdentity !== undefined) c.set('sts:sourceidentity', req.sourceIdentity);
  if (caller.session?.sourceIdentity !== undefined)
    c.set('aws:sourceidentity', caller.session.sourceIdentity);
  for (const [k, val] of caller.session?.tags ?? []) c.set(`aws:principaltag/${k.toLowerCase()}`, val);
  for (const [k, val] of req.tags) c.set(`aws:requesttag/${k.toLowerCase()}`, val);
  if (req.tags.size > 0) c.set('aws:tagkeys', [...req.tags.keys()]);
  if (req.transitive.size > 0) c.set('sts:transitivetagkeys', [...req.transitive]);
  return c;
}

function identityPolicies(caller: Caller): PolicyDocument[] {
  if (caller.session?.role) return rolePolicies(caller.session.role);
  return caller.user?.policies ?? [];
}

/**
 * Decides one action (sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity) on `role` like IAM:
 * explicit Deny anywhere wins; a same-account trust statement naming the exact principal suffices alone;
 * otherwise (account/`*` principal, or cross-account) the caller's identity policy must allow too,
 * within any session policies of the caller's session.
 */
export function authorizeOnRole(caller: Caller, role: Role, action: string, context: PolicyContext): boolean {
  const trust = evaluatePolicies([role.trustPolicy], {
    action,
    resource: role.arn,
    context,
    principal: principalInfo(caller),
  });
  if (trust.denied || !trust.allowed) return false;
  const sameAccount = role.account.id === caller.accountId;
  const identityNeeded = !(sameAccount && trust.allowedByExactPrincipal);
  const request = { action, resource: role.arn, context };
  const identity =
    caller.type === 'root'
      ? { allowed: true, denied: false }
      : evaluatePolicies(identityPolicies(caller), request);
  if (identity.denied) return false;
  const sessionPolicies = caller.session?.sessionPolicies ?? [];
  const session = sessionPolicies.length > 0 ? evaluatePolicies(sessionPolicies, request) : undefined;
  if (session?.denied) return false;
  if (!identityNeeded) return true;
  return identity.allowed && (session === undefined || session.allowed);
}

/** AssumeRole: validates, authorizes (trust + identity policies, MFA, ExternalId), enforces durations, issues credentials. */
export function assumeRole(ctx: ActionContext): XmlObject {
  const { params, caller, now } = ctx;
  const v = new Validator();
  const roleArn = v.required('roleArn', params.get('RoleArn'));
  v.length('roleArn', roleArn, 20, 2048);
  const sessionName = v.required('roleSessionName', params.get('RoleSessionName'));
  v.length('roleSessionName', sessionName, 2, 64);
  v.pattern('roleSessionName', sessionName, 'sessionName');
  const duration = v.integer('durationSeconds', params.get('DurationSeconds'), 900, 43200);
  const externalId = params.get('ExternalId');
  v.length('externalId', externalId, 2, 1224);
  v.pattern('externalId', externalId, 'externalId');
  const sourceIdentity = params.get('SourceIdentity');
  v.length('sourceIdentity', sourceIdentity, 2, 64);
  v.pattern('sourceIdentity', sourceIdentity, 'sessionName');
  const { serial, code } = validateMfaParams(v, params);
  v.done();
  if (roleArn === undefined || sessionName === undefined) return {}; // unreachable: done() threw
  if (!parseRoleArn(roleArn)) throw stsErrors.validationMessage(`${roleArn} is invalid`);
  const { policyText, policyArns, documents } = readSessionPolicies(ctx, v);
  const { tags, transitive } = readTags(params, v);

  if (caller.type === 'federated-user')
    throw stsErrors.accessDenied(notAuthorizedMessage(caller.arn, 'sts:AssumeRole', roleArn));
  const mfaNow = verifyMfa(ctx, serial, code);
  const mfaAt = inheritedMfaTime(ctx, mfaNow);

  // Transitive tags of a chained session travel to the next session.
  const parent = caller.session;
  const allTags = new Map(tags);
  const allTransitive = new Set(transitive);
  for (const [k, val] of parent?.tags ?? []) {
    if (!parent?.transitiveTagKeys.has(k.toLowerCase())) continue;
    if ([...tags.keys()].some((t) => t.toLowerCase() === k.toLowerCase())) {
      throw stsErrors.accessDenied(`Cannot override transitive tag key ${k} set by a previous session.`);
    }
    allTags.set(k, val);
    allTransitive.add(k.toLowerCase());
  }
  const effectiveSourceIdentity = parent?.sourceIdentity ?? sourceIdentity;
  if (
    parent?.sourceIdentity !== undefined &&
    sourceIdentity !== undefined &&
    sourceIdentity !== parent.sourceIdentity
  ) {
    throw stsErrors.accessDenied('Cannot change the source identity of a session that already has one.');
  }

  const request: AssumeRequest = {
    sessionName,
    tags,
    transitive,
    ...(externalId === undefined ? {} : { externalId }),
    ...(effectiveSourceIdentity === undefined ? {} : { sourceIdentity: effectiveSourceIdentity }),
    ...(mfaAt === undefined ? {} : { mfaAt }),
  };
  const context = requestContext(ctx, request);
  const role = ctx.world.roleByArn(roleArn);
  const actions = ['sts:AssumeRole'];
  if (tags.size > 0 || transitive.size > 0) actions.push('sts:TagSession');
  if (effectiveSourceIdentity !== undefined) actions.push('sts:SetSourceIdentity');
  for (const action of actions) {
    if (!role || !authorizeOnRole(caller, role, action, context)) {
      throw stsErrors.accessDenied(notAuthorizedMessage(caller.arn, action, roleArn));
    }
  }
  if (!role) return {}; // unreachable: refused above

  // Any temporary credentials count: AWS caps roles assumed from a GetSessionToken session at 1 hour too.
  const chained = caller.session !== undefined;
  if (chained && duration !== undefined && duration > 3600)
    throw stsErrors.validationMessage(CHAINING_LIMIT_MESSAGE);
  if (duration !== undefined && duration > role.maxSessionDuration)
    throw stsErrors.validationMessage(MAX_SESSION_MESSAGE);
  const seconds = duration ?? 3600;
  const size =
    policyText !== undefined || policyArns.length > 0 || tags.size > 0
      ? packedPolicySize(policyText, policyArns, tags)
      : undefined;

  const session = ctx.sessions.issue({
    kind: 'assumed-role',
    issuedAt: now,
    expiresAt: now + seconds * 1000,
    accountId: role.account.id,
    arn: `arn:aws:sts::${role.account.id}:assumed-role/${role.name}/${sessionName}`,
    userId: `${role.roleId}:${sessionName}`,
    role,
    sessionName,
    ...(mfaAt === undefined ? {} : { mfaAuthenticatedAt: mfaAt }),
    chained,
    ...(effectiveSourceIdentity === undefined ? {} : { sourceIdentity: effectiveSourceIdentity }),
    tags: allTags,
    transitiveTagKeys: allTransitive,
    sessionPolicies: documents,
  });
  return {
    Credentials: credentialsXml(session),
    AssumedRoleUser: { AssumedRoleId: session.userId, Arn: session.arn },
    PackedPolicySize: size,
    SourceIdentity: sourceIdentity,
  };
}
