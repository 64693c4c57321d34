/**
 * What the window sees of the IAM features: access keys (age, rotation), who a session is, role discovery, the
 * policies a role needs, and revoking older sessions. Part of the IPC contract (re-exported by contract.ts): plain
 * types only, never a secret.
 */
import type { RequestArgs } from './contract.js';

/** An IAM user's access key as IAM describes it (age, last use); what IAM would not say is `unknown`, with why. */
export interface KeyInfoView {
  identityId: string;
  accessKeyId: string;
  createDate?: string;
  lastUsedDate?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
  lastUseKnown: boolean;
  unknown?: string;
  /** Age and last use in words ("created 2024-01-01 (91 days ago), never used"). */
  summary?: string;
}

/** An access key past the age threshold: the window and the tray offer "Rotate now". */
export interface KeyAgeWarningView {
  identityId: string;
  name: string;
  accessKeyId: string;
  ageDays: number;
}

/** What a rotation through IAM did. */
export interface RotateOutcomeView {
  newKeyId: string;
  oldKeyId: string;
  oldKey: 'deleted' | 'deactivated';
  removedExtraKeyId?: string;
}

/** Who a session is, from GetCallerIdentity. */
export interface WhoAmIView {
  account: string;
  arn: string;
  userId: string;
  kind: 'iam-user' | 'assumed-role' | 'root' | 'federated-user' | 'unknown';
  clockSkewed: boolean;
  clockOffsetMs?: number;
}

/** Whose credentials an IAM call uses: an identity's own keys, or a role's live session. */
export type CredentialsFromView = { identityId: string } | { roleId: string };

/** A discovered role, ready to add: exactly what `role:add` takes. */
export type RoleDraft = RequestArgs<'role:add'>[0];

/** One role of a discovered account and what its trust policy says about the would-be assumer. No secrets. */
export interface DiscoveredRoleView {
  roleName: string;
  arn: string;
  path: string;
  description?: string;
  maxSessionDuration: number;
  /** `likely`: the trust policy names you; `if-allowed`: your own permissions must allow it too; `no`. */
  canAssume: 'likely' | 'if-allowed' | 'no';
  /** One sentence in the user's words. */
  reason: string;
  needsIdentityPolicy: boolean;
  mfa: boolean;
  mfaMaxAgeSeconds?: number;
  externalId?: string;
  /** Conditions Rolebar cannot satisfy or check for you, e.g. `aws:SourceIp (IpAddress)`. */
  otherConditions: string[];
  /** Pass to `role:add` as it is (absent when it cannot be assumed). */
  draft?: RoleDraft;
  /** A configured role with the same ARN, if any. */
  existingRoleId?: string;
}

/** What `iam:discover` found: the listed account's roles, the assumable ones first. */
export interface DiscoveryView {
  /** The account whose roles were listed. */
  accountId: string;
  /** Who would assume them (a user ARN or an assumed-role ARN). */
  principalArn: string;
  roles: DiscoveredRoleView[];
}

/** Where one of the two policies goes and who applies it. */
export interface PolicyPlacementView {
  document: 'trust' | 'permission';
  attachTo: string;
  accountId: string;
  /** False when the other document alone already grants access (same account, exact principal). */
  required: boolean;
  instruction: string;
  /** The AWS CLI command an administrator runs (the document saved as trust-policy.json / permission-policy.json). */
  command: string;
}

/** The trust policy a role needs and the permission policy its assumer needs, pretty-printed JSON. */
export interface RolePoliciesView {
  trustPolicy: string;
  permissionPolicy: string;
  permissionPolicyName: string;
  crossAccount: boolean;
  placements: PolicyPlacementView[];
  /** Several lines: who applies which, where. */
  explanation: string;
}

/** What the window shows before a revoke, word for word. */
export interface RevokePreviewView {
  roleArn: string;
  text: string;
}

/** What a revoke did. */
export interface RevokeOutcomeView {
  roleArn: string;
  policyName: string;
  /** Sessions issued before this instant (ISO 8601) are denied. */
  revokedBefore: string;
}
