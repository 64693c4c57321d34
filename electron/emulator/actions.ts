import { assumeRole } from './assume-role.js';
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
import { evaluatePolicies } from './policy.js';
import { readTags, Validator } from './validation.js';
import type { XmlObject } from './xml.js';

/** An STS action: returns the `<…Result>` content or throws an StsError. */
export type ActionHandler = (ctx: ActionContext) => XmlObject;

function requireLongTermCredentials(ctx: ActionContext, action: string): void {
  if (ctx.caller.session) throw stsErrors.accessDenied(`Cannot call ${action} with session credentials`);
}

/** GetCallerIdentity: who am I (any valid credentials, no permission needed). */
export function getCallerIdentity(ctx: ActionContext): XmlObject {
  return { Arn: ctx.caller.arn, UserId: ctx.caller.userId, Account: ctx.caller.accountId };
}

/** GetSessionToken: long-term keys only; 900..129600 s (root: ..3600), default 43200 (root: 3600); optional MFA. */
export function getSessionToken(ctx: ActionContext): XmlObject {
  const v = new Validator();
  const isRoot = ctx.caller.type === 'root';
  const duration = v.integer(
    'durationSeconds',
    ctx.params.get('DurationSeconds'),
    900,
    isRoot ? 3600 : 129600,
  );
  const { serial, code } = validateMfaParams(v, ctx.params);
  v.done();
  requireLongTermCredentials(ctx, 'GetSessionToken');
  const mfa = verifyMfa(ctx, serial, code);
  const seconds = duration ?? (isRoot ? 3600 : 43200);
  const mfaAt = inheritedMfaTime(ctx, mfa);
  const session = ctx.sessions.issue({
    kind: 'session-token',
    issuedAt: ctx.now,
    expiresAt: ctx.now + seconds * 1000,
    accountId: ctx.caller.accountId,
    arn: ctx.caller.arn,
    userId: ctx.caller.userId,
    ...(ctx.caller.user ? { user: ctx.caller.user } : {}),
    ...(mfaAt === undefined ? {} : { mfaAuthenticatedAt: mfaAt }),
    chained: false,
    tags: new Map(),
    transitiveTagKeys: new Set(),
    sessionPolicies: [],
  });
  return { Credentials: credentialsXml(session) };
}

/** GetFederationToken: long-term IAM user (or root) keys only; Name 2–32; 900..129600 s (root: ..3600), default 43200. */
export function getFederationToken(ctx: ActionContext): XmlObject {
  const v = new Validator();
  const isRoot = ctx.caller.type === 'root';
  const name = v.required('name', ctx.params.get('Name'));
  v.length('name', name, 2, 32);
  v.pattern('name', name, 'sessionName');
  const duration = v.integer(
    'durationSeconds',
    ctx.params.get('DurationSeconds'),
    900,
    isRoot ? 3600 : 129600,
  );
  v.done();
  const { policyText, policyArns, documents } = readSessionPolicies(ctx, v);
  const { tags } = readTags(ctx.params, v);
  requireLongTermCredentials(ctx, 'GetFederationToken');
  const federatedArn = `arn:aws:sts::${ctx.caller.accountId}:federated-user/${name ?? ''}`;
  if (!isRoot) {
    const outcome = evaluatePolicies(ctx.caller.user?.policies ?? [], {
      action: 'sts:GetFederationToken',
      resource: federatedArn,
      context: new Map([['aws:principalaccount', ctx.caller.accountId]]),
    });
    if (outcome.denied || !outcome.allowed) {
      throw stsErrors.accessDenied(
        `User: ${ctx.caller.arn} is not authorized to perform: sts:GetFederationToken on resource: ${federatedArn}`,
      );
    }
  }
  const size =
    policyText !== undefined || policyArns.length > 0 || tags.size > 0
      ? packedPolicySize(policyText, policyArns, tags)
      : undefined;
  const seconds = duration ?? (isRoot ? 3600 : 43200);
  const session = ctx.sessions.issue({
    kind: 'federated',
    issuedAt: ctx.now,
    expiresAt: ctx.now + seconds * 1000,
    accountId: ctx.caller.accountId,
    arn: federatedArn,
    userId: `${ctx.caller.accountId}:${name ?? ''}`,
    ...(ctx.caller.user ? { user: ctx.caller.user } : {}),
    sessionName: name ?? '',
    chained: false,
    tags,
    transitiveTagKeys: new Set(),
    sessionPolicies: documents,
  });
  return {
    Credentials: credentialsXml(session),
    FederatedUser: { FederatedUserId: session.userId, Arn: federatedArn },
    PackedPolicySize: size,
  };
}

/** The STS actions the emulator implements, by Action name. */
export const ACTIONS: ReadonlyMap<string, ActionHandler> = new Map<string, ActionHandler>([
  ['AssumeRole', assumeRole],
  ['GetCallerIdentity', getCallerIdentity],
  ['GetSessionToken', getSessionToken],
  ['GetFederationToken', getFederationToken],
]);
