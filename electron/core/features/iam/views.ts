// What the IAM features hand to a front end as plain data: the window gets it over IPC (the contract derives its
// types from here), the CLI prints it with --json. Types only, and browser-safe: nothing here imports Node.
import type { Role } from '../../domain/model.js';
import type { PolicyPlacement } from './policies.js';
import type { TrustVerdict } from './trust.js';

/** Whose credentials an IAM call uses: an identity's own, or a configured role's live session. */
export type CredentialsFrom = { identityId: string } | { roleId: string };

/** A discovered role, ready to add as it is (the fields of a role that discovery fills in). */
export type RoleDraft = Pick<
  Role,
  'label' | 'roleArn' | 'source' | 'mfa' | 'externalId' | 'sessionName' | 'durationSeconds'
>;

/** One role of a discovered account and what its trust policy says about the would-be assumer. No secrets. */
export interface DiscoveredRoleView extends Pick<
  TrustVerdict,
  'canAssume' | 'reason' | 'needsIdentityPolicy' | 'mfa' | 'otherConditions'
> {
  roleName: string;
  arn: string;
  path: string;
  description?: string;
  maxSessionDuration: number;
  mfaMaxAgeSeconds?: number;
  externalId?: string;
  /** Pass to `role:add` (or `core.roles.add`) as it is; absent when it cannot be assumed. */
  draft?: RoleDraft;
  /** A configured role with the same ARN, if any. */
  existingRoleId?: string;
}

/** What discovery found: the listed account's roles, the assumable ones first. */
export interface DiscoveryView {
  /** The account whose roles were listed. */
  accountId: string;
  /** Who would assume them (a user ARN or an assumed-role ARN). */
  principalArn: string;
  roles: DiscoveredRoleView[];
}

/** The trust policy a role needs and the permission policy its assumer needs, pretty-printed JSON. */
export interface RolePoliciesView {
  trustPolicy: string;
  permissionPolicy: string;
  permissionPolicyName: string;
  crossAccount: boolean;
  placements: PolicyPlacement[];
  /** Several lines: who applies which, where. */
  explanation: string;
}

/** What a revoke did. */
export interface RevokeResult {
  roleArn: string;
  policyName: string;
  /** Sessions issued before this instant (ISO 8601) are denied. */
  revokedBefore: string;
}

/** What a rotation through IAM did to the keys. */
export interface RotateOutcome {
  newKeyId: string;
  oldKeyId: string;
  oldKey: 'deleted' | 'deactivated';
  /** The key deleted first because two were present, if any. */
  removedExtraKeyId?: string | undefined;
}
