// The window's IAM requests (finding roles, generating their policies, revoking older sessions), over the core's
// IAM engine. Plain Node; the CLI shares the views and the role ARN lookup.
import type {
  DiscoveredRoleView,
  DiscoveryView,
  RequestArgs,
  RequestHandlers,
  Result,
  RolePoliciesView,
} from '../ipc/contract.js';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import type { RolebarCore } from '../core/index.js';
import { RolebarError } from '../core/domain/errors.js';
import {
  confirmRevokeText,
  createIamCaller,
  createIamTools,
  type DiscoveredRole,
  type DiscoveryResult,
  type IamTools,
  type KeyInfo,
  type RolePolicies,
} from '../core/features/iam/index.js';
import { roleArnFromName, type Role } from '../core/domain/model.js';
import { partitionOfArn } from '../core/store/sessions.js';
import { accessKeyIdOf } from '../core/sessions/sources/registry.js';

/** Opens the IAM engine for one piece of work and closes its connections afterwards (IAM calls are rare). */
export async function withIamTools<T>(
  core: RolebarCore,
  location: AwsLocationOptions,
  work: (tools: IamTools) => Promise<T>,
): Promise<T> {
  const tools = createIamTools({ core, env: location.env ?? process.env, homedir: location.homedir });
  try {
    return await work(tools);
  } finally {
    tools.close();
  }
}

/** Key age and last use of every IAM user identity (or `only` that one), read in parallel; unknowns say why (never throws). */
export async function readKeyInfos(
  core: RolebarCore,
  location: AwsLocationOptions,
  only?: string,
): Promise<Map<string, KeyInfo>> {
  const users = core.identities
    .list()
    .filter((i) => accessKeyIdOf(i) !== undefined && (only === undefined || i.id === only));
  if (users.length === 0) return new Map();
  // One quick attempt: status and lists must not hang on an unreachable IAM; the age is then "unknown".
  const iam = createIamCaller({ maxAttempts: 1, requestTimeoutMs: 4_000 });
  const tools = createIamTools({ core, env: location.env ?? process.env, homedir: location.homedir, iam });
  try {
    const infos = await Promise.all(users.map((i) => tools.keyInfo(i.id)));
    return new Map(infos.flatMap((info) => (info ? [[info.identityId, info] as const] : [])));
  } finally {
    tools.close();
  }
}

/** A configured role's ARN: its own, else its name in the account its last session ran in. */
export function roleArnOf(core: RolebarCore, role: Role): string {
  if (role.roleArn) return role.roleArn;
  const session = core.sessions.get(role.id);
  if (session && role.roleName)
    return roleArnFromName(partitionOfArn(session.principalArn), session.accountId, role.roleName);
  throw new RolebarError(
    'role-arn-unknown',
    `"${role.label}" has only a role name, so its account is not known.`,
    {
      hint: 'Switch to it once (or give it its role ARN), then try again.',
    },
  );
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

type IamChannel = 'iam:discover' | 'iam:policies' | 'iam:revoke-preview' | 'iam:revoke';
type Arg<C extends IamChannel> = RequestArgs<C>[0];

/** What the IAM handlers need from the service. */
export interface IamHandlerDeps {
  core: RolebarCore;
  location: AwsLocationOptions;
  now: () => number;
  /** The service's wrapper: expected failures become `{ ok: false }`. */
  attempt: <T>(operation: () => Promise<T>, changes: boolean) => Promise<Result<T>>;
}

/** The `iam:*` request handlers. None of them changes local state, so none publishes. */
export function iamHandlers(deps: IamHandlerDeps): Pick<RequestHandlers, IamChannel> {
  const { core, location, attempt } = deps;
  const tools = <T>(work: (t: IamTools) => Promise<T>) => withIamTools(core, location, work);
  const targetArn = (input: { roleId?: string | undefined; roleArn?: string | undefined }): string => {
    if ((input.roleId === undefined) === (input.roleArn === undefined)) {
      throw new RolebarError('invalid-input', 'Name the role by its id or by its ARN, not both.', {
        hint: 'Pass roleId or roleArn.',
      });
    }
    return input.roleArn ?? roleArnOf(core, core.roles.get(input.roleId ?? ''));
  };
  return {
    'iam:discover': ({ using, assumeAs }: Arg<'iam:discover'>) =>
      attempt(
        () =>
          tools(async (t) =>
            discoveryView(await t.discover({ listWith: using, ...(assumeAs ? { assumeAs } : {}) })),
          ),
        false,
      ),
    'iam:policies': ({ roleArn, forSource, mfa, externalId }: Arg<'iam:policies'>) =>
      attempt(
        () =>
          tools(async (t) =>
            rolePoliciesView(await t.policiesFor({ roleArn, assumeAs: forSource, mfa, externalId })),
          ),
        false,
      ),
    'iam:revoke-preview': (input: Arg<'iam:revoke-preview'>) =>
      attempt(async () => {
        const roleArn = targetArn(input);
        return { roleArn, text: confirmRevokeText(roleArn, new Date(deps.now())) };
      }, false),
    // `confirm` is checked by the contract: it can only be `true` here.
    'iam:revoke': ({ using, roleId, roleArn: arn }: Arg<'iam:revoke'>) =>
      attempt(
        () =>
          tools(async (t) => {
            const { roleArn, policyName, revokedBefore } = await t.revokeOlderSessions({
              roleArn: targetArn({ roleId, roleArn: arn }),
              using,
              now: new Date(deps.now()),
            });
            return { roleArn, policyName, revokedBefore };
          }),
        false,
      ),
  };
}
