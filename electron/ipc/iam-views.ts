/**
 * What the window sees of the IAM features: access keys (age, rotation), who a session is, role discovery, the
 * policies a role needs, and revoking older sessions. Part of the IPC contract (re-exported by contract.ts): plain
 * types only, never a secret. What the core's IAM features return is derived from their own (browser-safe) types,
 * not copied: core/features/iam/views.ts and key-info.ts.
 */
import type { RequestArgs } from './contract.js';
import type { WhoAmI } from '../core/domain/principal.js';
import type { KeyInfo } from '../core/features/iam/key-info.js';
import type { PolicyPlacement } from '../core/features/iam/policies.js';
import type { CredentialsFrom, RevokeResult, RoleDraft, RotateOutcome } from '../core/features/iam/views.js';

export type { DiscoveredRoleView, DiscoveryView, RolePoliciesView } from '../core/features/iam/views.js';

/** An IAM user's access key as IAM describes it (age, last use); what IAM would not say is `unknown`, with why. */
export interface KeyInfoView extends KeyInfo {
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
export type RotateOutcomeView = RotateOutcome;

/** Who a session is, from GetCallerIdentity. */
export type WhoAmIView = WhoAmI;

/** Whose credentials an IAM call uses: an identity's own keys, or a role's live session. */
export type CredentialsFromView = CredentialsFrom;

type Holds<T extends true> = T;
type RoleAddArgs = RequestArgs<'role:add'>[0];
/**
 * A discovered role's draft goes to `role:add` as it is: these stop compiling if the two drift apart (a field of
 * the wrong type, or one `role:add` does not take, which its validator would refuse as unknown).
 */
export type RoleDraftFitsRoleAdd = Holds<RoleDraft extends RoleAddArgs ? true : false>;
export type RoleDraftHasNoOtherField = Holds<
  [Exclude<keyof RoleDraft, keyof RoleAddArgs>] extends [never] ? true : false
>;

/** Where one of the two policies goes and who applies it. */
export type PolicyPlacementView = PolicyPlacement;

/** What the window shows before a revoke, word for word. */
export interface RevokePreviewView {
  roleArn: string;
  text: string;
}

/** What a revoke did. */
export type RevokeOutcomeView = RevokeResult;
