import {
  CHAINED_DURATION_CAP_SECONDS,
  defaultSessionName,
  type Role,
  type RoleSource,
} from '../../domain/model.js';
import type { NewRole } from '../../store/roles.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import type { IamCaller, IamRoleInfo } from '../../aws/iam/client.js';
import type { IamTarget } from '../../aws/iam/endpoints.js';
import { classifyTrust, type TrustPrincipal, type TrustVerdict } from './trust.js';
import type { DiscoveredRoleView, DiscoveryView } from './views.js';

export {
  classifyTrust,
  principalOf,
  type TrustMatch,
  type TrustPrincipal,
  type TrustVerdict,
} from './trust.js';

/** One role of the listed account, what its trust policy says about the principal, and a draft to add it. */
export interface DiscoveredRole {
  roleName: string;
  arn: string;
  path: string;
  description: string | undefined;
  maxSessionDuration: number;
  verdict: TrustVerdict;
  /** Ready for `core.roles.add` (undefined when the principal cannot assume it). */
  draft: NewRole | undefined;
  /** The id of a configured role with the same ARN, if one exists. */
  existingRoleId: string | undefined;
}

/** What discovery found. */
export interface DiscoveryResult {
  /** The account whose roles were listed (the listing credentials' own account). */
  accountId: string;
  /** Who would assume the roles. */
  principal: TrustPrincipal;
  /** Every listed role, by name. */
  roles: DiscoveredRole[];
  /** The roles the principal can probably assume (`likely` first, then `if-allowed`). */
  assumable: DiscoveredRole[];
}

/** Inputs of {@link discoverRoles}. */
export interface DiscoverOptions {
  iam: IamCaller;
  target: IamTarget;
  /** Credentials that list (iam:ListRoles in their own account). */
  credentials: AwsCredentials;
  /** The account those credentials belong to. */
  accountId: string;
  /** Who would assume the roles (often the same principal that lists). */
  principal: TrustPrincipal;
  /** The drafts' source: the identity or role Rolebar would assume them from. */
  source: RoleSource;
  /** The IAM user name behind the source, for the suggested session name. */
  userName?: string | undefined;
  /** Roles already configured: marked, and their labels kept free. */
  existingRoles?: readonly Role[] | undefined;
  pathPrefix?: string | undefined;
  /** Roles per ListRoles page (1–1000; default 100). */
  pageSize?: number | undefined;
  /** A label for the listing credentials, for messages. */
  sourceLabel?: string | undefined;
}

/** Safety stop: IAM's quota is 5,000 roles per account (1,000 with the default quota), 100 pages of 100 covers it. */
const MAX_PAGES = 200;

/** Lists every role of an account, all pages, with their trust policies. Throws IamError (`iam-access-denied`…). */
export async function listAllRoles(
  iam: IamCaller,
  target: IamTarget,
  credentials: AwsCredentials,
  options: { accountId?: string; pathPrefix?: string; pageSize?: number; source?: string } = {},
): Promise<IamRoleInfo[]> {
  const roles: IamRoleInfo[] = [];
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await iam.listRoles(
      target,
      credentials,
      { pathPrefix: options.pathPrefix, marker, maxItems: options.pageSize },
      { action: 'ListRoles', accountId: options.accountId, source: options.source },
    );
    roles.push(...answer.roles);
    marker = answer.marker;
    if (marker === undefined) break;
  }
  return roles;
}

/**
 * A role draft for `core.roles.add`: label (the role name, made unique), ARN, MFA and external ID from the trust
 * policy, a session name, and the role's maximum session duration (1 hour when chained from a role).
 */
export function draftFor(
  role: Pick<IamRoleInfo, 'roleName' | 'arn' | 'maxSessionDuration'>,
  verdict: TrustVerdict,
  options: { source: RoleSource; accountId: string; userName?: string | undefined; takenLabels: Set<string> },
): NewRole {
  let label = role.roleName;
  if (options.takenLabels.has(label)) label = `${role.roleName}@${options.accountId}`;
  for (let n = 2; options.takenLabels.has(label); n++) label = `${role.roleName}@${options.accountId}-${n}`;
  options.takenLabels.add(label);
  const max = role.maxSessionDuration;
  const duration = options.source.kind === 'role' ? Math.min(max, CHAINED_DURATION_CAP_SECONDS) : max;
  return {
    label,
    roleArn: role.arn,
    source: options.source,
    mfa: verdict.mfa,
    ...(verdict.externalId !== undefined ? { externalId: verdict.externalId } : {}),
    sessionName: defaultSessionName(options.userName),
    durationSeconds: duration,
  };
}

const ORDER: Record<TrustVerdict['canAssume'], number> = { likely: 0, 'if-allowed': 1, no: 2 };

/**
 * Lists the account's roles (every page), reads each trust policy and classifies it for `principal`,
 * returning pre-filled drafts for the ones it can probably assume. Without iam:ListRoles it throws an IamError
 * (`iam-access-denied`) whose hint says to type the role ARN or name instead.
 */
export async function discoverRoles(options: DiscoverOptions): Promise<DiscoveryResult> {
  const listed = await listAllRoles(options.iam, options.target, options.credentials, {
    accountId: options.accountId,
    ...(options.pathPrefix !== undefined ? { pathPrefix: options.pathPrefix } : {}),
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.sourceLabel !== undefined ? { source: options.sourceLabel } : {}),
  });
  const existing = options.existingRoles ?? [];
  const takenLabels = new Set(existing.map((r) => r.label));
  const roles = listed
    .sort((a, b) => a.roleName.localeCompare(b.roleName))
    .map((role): DiscoveredRole => {
      const verdict = classifyTrust(role.trustPolicy, options.principal, role.arn);
      // A principal never needs to assume itself.
      const self = options.principal.kind === 'role' && options.principal.roleArn === role.arn;
      const usable = verdict.canAssume !== 'no' && !self;
      return {
        roleName: role.roleName,
        arn: role.arn,
        path: role.path,
        description: role.description,
        maxSessionDuration: role.maxSessionDuration,
        verdict,
        draft: usable
          ? draftFor(role, verdict, {
              source: options.source,
              accountId: options.accountId,
              userName: options.userName,
              takenLabels,
            })
          : undefined,
        existingRoleId: existing.find((r) => r.roleArn === role.arn)?.id,
      };
    });
  const assumable = roles
    .filter((r) => r.draft !== undefined)
    .sort((a, b) => ORDER[a.verdict.canAssume] - ORDER[b.verdict.canAssume]);
  return { accountId: options.accountId, principal: options.principal, roles, assumable };
}

function discoveredRoleView(role: DiscoveredRole): DiscoveredRoleView {
  const { verdict } = role;
  const view: DiscoveredRoleView = {
    roleName: role.roleName,
    arn: role.arn,
    path: role.path,
    maxSessionDuration: role.maxSessionDuration,
    canAssume: verdict.canAssume,
    reason: verdict.reason,
    needsIdentityPolicy: verdict.needsIdentityPolicy,
    mfa: verdict.mfa,
    otherConditions: verdict.otherConditions,
  };
  if (role.description !== undefined) view.description = role.description;
  if (verdict.mfaMaxAgeSeconds !== undefined) view.mfaMaxAgeSeconds = verdict.mfaMaxAgeSeconds;
  if (verdict.externalId !== undefined) view.externalId = verdict.externalId;
  if (role.existingRoleId !== undefined) view.existingRoleId = role.existingRoleId;
  if (role.draft) {
    const { label, roleArn, source, mfa, externalId, sessionName, durationSeconds } = role.draft;
    view.draft = {
      label,
      source: { kind: source.kind, id: source.id },
      mfa,
      ...(roleArn !== undefined ? { roleArn } : {}),
      ...(externalId !== undefined ? { externalId } : {}),
      ...(sessionName !== undefined ? { sessionName } : {}),
      ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    };
  }
  return view;
}

/** What discovery found, as the window and `rolebar role discover --json` show it: the assumable roles first. */
export function discoveryView(result: DiscoveryResult): DiscoveryView {
  const assumable = new Set(result.assumable.map((r) => r.arn));
  return {
    accountId: result.accountId,
    principalArn: result.principal.arn,
    roles: [...result.assumable, ...result.roles.filter((r) => !assumable.has(r.arn))].map(
      discoveredRoleView,
    ),
  };
}
