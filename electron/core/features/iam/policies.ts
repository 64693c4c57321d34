import { RolebarError } from '../../domain/errors.js';
import { checkExternalId, parseRoleArn } from '../../domain/model.js';
import type { IamPolicyCondition, IamPolicyDocument, TrustPrincipal } from './trust.js';
import type { RolePoliciesView } from './views.js';

/** What to generate the two policies for. */
export interface RolePolicyOptions {
  /** The role to reach. */
  roleArn: string;
  /** Who will assume it: an IAM user, or a role whose sessions chain into it (see `principalOf`). */
  principal: TrustPrincipal;
  /** Trust the user's whole account (its root) instead of the exact user; its admins then decide who may. Users only. */
  trustAccount?: boolean | undefined;
  /** Require MFA in the trust policy (and, with `mfaMaxAgeSeconds`, a recent one). */
  mfa?: boolean | undefined;
  mfaMaxAgeSeconds?: number | undefined;
  /** Require this external ID in the trust policy. */
  externalId?: string | undefined;
  /** Also allow session tags (`sts:TagSession`) and a source identity (`sts:SetSourceIdentity`). */
  tags?: boolean | undefined;
  sourceIdentity?: boolean | undefined;
}

/** Where one of the two documents goes, who applies it, and how. */
export interface PolicyPlacement {
  document: 'trust' | 'permission';
  /** The ARN of the role or user that carries it. */
  attachTo: string;
  /** The account whose administrator applies it. */
  accountId: string;
  /** False when the other document alone already grants access (same account, exact principal). */
  required: boolean;
  /** One sentence: who does what, where. */
  instruction: string;
  /** The AWS CLI command an administrator runs (the document saved as the named file). */
  command: string;
}

/** The two JSON documents the how-to pages write by hand, with who applies which. */
export interface RolePolicies {
  trustPolicy: IamPolicyDocument;
  /** `trustPolicy`, pretty-printed (2 spaces), ready for `file://trust-policy.json`. */
  trustPolicyJson: string;
  permissionPolicy: IamPolicyDocument;
  /** `permissionPolicy`, pretty-printed, ready for `file://permission-policy.json`. */
  permissionPolicyJson: string;
  /** A suggested name for the inline permission policy. */
  permissionPolicyName: string;
  crossAccount: boolean;
  placements: [PolicyPlacement, PolicyPlacement];
  /** Several lines for a terminal or a dialog. */
  explanation: string;
}

/** The actions the two policies grant: sts:AssumeRole, plus tagging and source identity when asked. */
function actions(options: RolePolicyOptions): string | string[] {
  const all = ['sts:AssumeRole'];
  if (options.tags) all.push('sts:TagSession');
  if (options.sourceIdentity) all.push('sts:SetSourceIdentity');
  return all.length === 1 ? 'sts:AssumeRole' : all;
}

function trustedArn(options: RolePolicyOptions): string {
  const { principal } = options;
  if (principal.kind === 'root') {
    throw new RolebarError('invalid-input', 'The root user cannot assume roles.', {
      hint: 'Use an IAM user or a role of that account.',
    });
  }
  if (principal.kind === 'role') {
    if (options.trustAccount)
      throw new RolebarError('invalid-input', 'Only a user’s account can be trusted as a whole.', {
        hint: 'A role source is always trusted by its own role ARN.',
      });
    return principal.roleArn ?? principal.arn;
  }
  return options.trustAccount ? `arn:${principal.partition}:iam::${principal.accountId}:root` : principal.arn;
}

/** A policy name made of what IAM allows (`[\w+=,.@-]`, up to 128 characters). */
function policyNameFor(roleName: string): string {
  return `assume-${roleName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 128);
}

/**
 * Generates (a) the trust policy the role needs for this principal and (b) the principal's permission policy
 * allowing sts:AssumeRole on the role, both pretty-printed, with where each goes and who applies it.
 */
export function rolePoliciesFor(options: RolePolicyOptions): RolePolicies {
  const role = parseRoleArn(options.roleArn);
  const { principal } = options;
  const trusted = trustedArn(options);
  if (options.externalId !== undefined) checkExternalId(options.externalId);
  const condition: IamPolicyCondition = {};
  if (options.mfa || options.mfaMaxAgeSeconds !== undefined) {
    condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
    if (options.mfaMaxAgeSeconds !== undefined)
      condition.NumericLessThan = { 'aws:MultiFactorAuthAge': String(options.mfaMaxAgeSeconds) };
  }
  if (options.externalId !== undefined) condition.StringEquals = { 'sts:ExternalId': options.externalId };
  const action = actions(options);
  const trustPolicy: IamPolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: trusted },
        Action: action,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    ],
  };
  const permissionPolicy: IamPolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: options.roleArn }],
  };
  const crossAccount = role.accountId !== principal.accountId;
  // Same account and a trust policy naming the exact user or role: IAM needs nothing more.
  const permissionRequired = crossAccount || options.trustAccount === true;
  const permissionPolicyName = policyNameFor(role.name);
  const holder = principal.kind === 'role' ? (principal.roleArn ?? principal.arn) : principal.arn;
  const holderKind = principal.kind === 'role' ? 'role' : 'user';
  const placements: [PolicyPlacement, PolicyPlacement] = [
    {
      document: 'trust',
      attachTo: options.roleArn,
      accountId: role.accountId,
      required: true,
      instruction:
        `Trust policy: on the role ${role.name}, by an administrator of account ${role.accountId} ` +
        `(IAM console → Roles → ${role.name} → Trust relationships → Edit trust policy). ` +
        'This replaces the whole trust policy: if the role already trusts others, add this statement to it instead.',
      command: `aws iam update-assume-role-policy --role-name ${role.name} --policy-document file://trust-policy.json`,
    },
    {
      document: 'permission',
      attachTo: holder,
      accountId: principal.accountId,
      required: permissionRequired,
      instruction:
        `Permission policy: on the ${holderKind} ${principal.name}, by an administrator of account ${principal.accountId} ` +
        `(IAM console → ${holderKind === 'user' ? 'Users' : 'Roles'} → ${principal.name} → Add permissions → Create inline policy).` +
        (permissionRequired
          ? ''
          : ' Optional here: in the same account, a trust policy that names you is enough on its own.'),
      command: `aws iam put-${holderKind}-policy --${holderKind}-name ${principal.name} --policy-name ${permissionPolicyName} --policy-document file://permission-policy.json`,
    },
  ];
  const lines = [
    `To let ${principal.arn} assume ${options.roleArn}:`,
    ...placements.map((p, i) => `${i + 1}. ${p.instruction}\n   ${p.command}`),
    crossAccount
      ? `The role is in another account (${role.accountId}), so both are needed: the trust policy lets account ${principal.accountId} in, the permission policy lets ${principal.name} go.`
      : `Both are in account ${role.accountId}.`,
  ];
  return {
    trustPolicy,
    trustPolicyJson: `${JSON.stringify(trustPolicy, null, 2)}\n`,
    permissionPolicy,
    permissionPolicyJson: `${JSON.stringify(permissionPolicy, null, 2)}\n`,
    permissionPolicyName,
    crossAccount,
    placements,
    explanation: lines.join('\n'),
  };
}

/** The two policies, as the window and `rolebar policy --json` show them. */
export function rolePoliciesView(policies: RolePolicies): RolePoliciesView {
  return {
    trustPolicy: policies.trustPolicyJson,
    permissionPolicy: policies.permissionPolicyJson,
    permissionPolicyName: policies.permissionPolicyName,
    crossAccount: policies.crossAccount,
    placements: policies.placements.map((p) => ({ ...p })),
    explanation: policies.explanation,
  };
}
