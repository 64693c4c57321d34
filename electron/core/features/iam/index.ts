/**
 * Finding roles and setting them up: list an account's roles and classify their trust policies (discover),
 * generate the trust and permission policies a role needs (policies), and revoke a role's older sessions
 * (revoke). Plain Node: the CLI, the main process and the tests share it.
 */
import type { Engine } from '../../sessions/engine.js';
import { RolebarError } from '../../domain/errors.js';
import { checkExternalId, parseRoleArn, roleArnFromName, type RoleSource } from '../../domain/model.js';
import { sourceOf } from '../../sessions/sources/registry.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import { createIamCaller, type IamCaller, type IamRoleInfo } from '../../aws/iam/client.js';
import { discoverRoles, type DiscoveryResult } from './discover.js';
import { partitionOfArn, userNameOfArn } from '../../domain/principal.js';
import { resolveIamTarget } from '../../aws/iam/endpoints.js';
import { type RolePolicies, type RolePolicyOptions, rolePoliciesFor } from './policies.js';
import { revokeOlderSessions } from './revoke.js';
import { type RotateOptions, type RotateResult, rotateAccessKey } from './rotate.js';
import type { KeyInfo } from './key-info.js';
import { readKeyInfo } from './read-key-info.js';
import { principalOf, type TrustPrincipal } from './trust.js';
import type { CredentialsFrom, RevokeResult } from './views.js';
import type { AwsLocationOptions } from '../../aws-files/index.js';
import type { Role } from '../../domain/model.js';

export {
  createIamCaller,
  decodePolicy,
  IAM_API_VERSION,
  type IamCaller,
  type IamCallerOptions,
  type IamRoleInfo,
  type ListRolesInput,
  type ListRolesPage,
} from '../../aws/iam/client.js';
export {
  type DiscoveredRole,
  type DiscoverOptions,
  type DiscoveryResult,
  discoverRoles,
  discoveryView,
  draftFor,
  listAllRoles,
} from './discover.js';
export { IAM_ENDPOINTS, type IamTarget, resolveIamTarget } from '../../aws/iam/endpoints.js';
export { partitionOfArn } from '../../domain/principal.js';
export {
  type IamAction,
  type IamCallContext,
  IamError,
  type IamFailure,
  toIamError,
} from '../../aws/iam/errors.js';
export {
  type PolicyPlacement,
  type RolePolicies,
  type RolePolicyOptions,
  rolePoliciesFor,
  rolePoliciesView,
} from './policies.js';
export {
  confirmRevokeText,
  REVOKE_POLICY_NAME,
  type RevokeOptions,
  revokeOlderSessions,
  revokePolicy,
} from './revoke.js';
export {
  ageDays,
  DEFAULT_KEY_AGE_WARNING_DAYS,
  daysText,
  describeKeyInfo,
  type KeyInfo,
  keyAgeOverThreshold,
} from './key-info.js';
export { readKeyInfo, readKeyInfos } from './read-key-info.js';
export type {
  CredentialsFrom,
  DiscoveredRoleView,
  DiscoveryView,
  RevokeResult,
  RoleDraft,
  RolePoliciesView,
  RotateOutcome,
} from './views.js';
export {
  DEFAULT_VERIFY_TIMEOUT_MS,
  describeKey,
  type KeyWithUse,
  type RotateOptions,
  type RotateResult,
  rotatePolicy,
} from './rotate.js';
export {
  classifyTrust,
  type IamPolicyDocument,
  type IamPolicyStatement,
  principalOf,
  type TrustMatch,
  type TrustPrincipal,
  type TrustVerdict,
} from './trust.js';

/** What {@link createIamTools} needs: the core, and the environment the AWS files and endpoints come from. */
export interface IamToolsDeps {
  core: Engine;
  env?: NodeJS.ProcessEnv;
  homedir?: string | undefined;
  /** Default: a fresh {@link createIamCaller}. */
  iam?: IamCaller;
  now?: () => number;
  /** Bound on waiting for a new key to work; default ROLEBAR_ROTATE_VERIFY_SECONDS, else 60 s. */
  verifyTimeoutMs?: number;
}

/** The IAM engine over a core: what the CLI (`rolebar role discover`, `policy`, `revoke`) and the window call. */
export interface IamTools {
  /**
   * Lists the roles of the account `listWith` belongs to (IAM is per account: to list another account's roles,
   * list with a role session there) and classifies them for `assumeAs` (default: `listWith`). The drafts'
   * source is `assumeAs`.
   */
  discover(options: {
    listWith: CredentialsFrom;
    assumeAs?: CredentialsFrom;
    pathPrefix?: string;
    pageSize?: number;
  }): Promise<DiscoveryResult>;
  /** GetRole in the credentials' own account: the how-to's "look up a role's ARN by its name". */
  findRole(from: CredentialsFrom, roleName: string): Promise<IamRoleInfo>;
  /** The trust and permission policies `assumeAs` needs to reach `roleArn` (one STS call to learn who it is). */
  policiesFor(
    options: { roleArn: string; assumeAs: CredentialsFrom } & Omit<
      RolePolicyOptions,
      'roleArn' | 'principal'
    >,
  ): Promise<RolePolicies>;
  /**
   * "Revoke active sessions" of `roleArn`, with credentials of its account that allow iam:PutRolePolicy; then
   * forgets Rolebar's own sessions of it from before the revoke (`forgotten`: their role ids), so the next use of
   * those roles assumes a fresh session instead of handing out a revoked one.
   */
  revokeOlderSessions(options: {
    roleArn: string;
    using: CredentialsFrom;
    now?: Date;
  }): Promise<RevokeResult & { forgotten: string[] }>;
  /** The identity's key age and last use (undefined for identities without a key); never fails (key-info.ts). */
  keyInfo(identityId: string): Promise<KeyInfo | undefined>;
  /** Rotates an IAM user identity's access key through IAM (see rotate.ts). */
  rotate(options: RotateOptions): Promise<RotateResult>;
  /** Closes kept connections. */
  close(): void;
}

interface Resolved {
  credentials: AwsCredentials;
  accountId: string;
  principal: TrustPrincipal;
  source: RoleSource;
  label: string;
  userName: string | undefined;
}

/** Builds the IAM engine over a core. */
export function createIamTools(deps: IamToolsDeps): IamTools {
  const { core } = deps;
  const env = deps.env ?? process.env;
  const now = deps.now ?? Date.now;
  const iam = deps.iam ?? createIamCaller({ now });

  async function resolve(from: CredentialsFrom): Promise<Resolved> {
    if ('identityId' in from) {
      const identity = core.identities.get(from.identityId);
      const credentials = await sourceOf(identity).ownCredentials(identity, {
        ...core.context,
        env,
        homedir: deps.homedir,
      });
      const who = await core.whoAmI({ identityId: identity.id });
      return {
        credentials,
        accountId: who.account,
        principal: principalOf(who.arn),
        source: { kind: 'identity', id: identity.id },
        label: identity.name,
        userName: core.identities.get(identity.id).userName ?? userNameOfArn(who.arn),
      };
    }
    const role = core.roles.get(from.roleId);
    const credentials = await core.credentialsOf(role.id);
    if (!credentials) {
      throw new RolebarError('no-session', `"${role.label}" has no active session.`, {
        hint: 'Switch to it first, then try again.',
      });
    }
    const who = await core.whoAmI({ roleId: role.id });
    const roleArn =
      role.roleArn ?? roleArnFromName(partitionOfArn(who.arn), who.account, role.roleName ?? '');
    return {
      credentials,
      accountId: who.account,
      principal: principalOf(who.arn, roleArn),
      source: { kind: 'role', id: role.id },
      label: role.label,
      userName: core.roles.chain(role.id).identity.userName,
    };
  }

  const targetOf = (r: Resolved) => resolveIamTarget(r.principal.partition, env);

  return {
    async discover(options) {
      const lister = await resolve(options.listWith);
      const assumer = options.assumeAs ? await resolve(options.assumeAs) : lister;
      return discoverRoles({
        iam,
        target: targetOf(lister),
        credentials: lister.credentials,
        accountId: lister.accountId,
        principal: assumer.principal,
        source: assumer.source,
        userName: assumer.userName,
        existingRoles: core.roles.list(),
        pathPrefix: options.pathPrefix,
        pageSize: options.pageSize,
        sourceLabel: lister.label,
      });
    },
    async findRole(from, roleName) {
      const r = await resolve(from);
      const name = roleName.split('/').filter(Boolean).pop() ?? roleName;
      return iam.getRole(targetOf(r), r.credentials, name, {
        action: 'GetRole',
        accountId: r.accountId,
        source: r.label,
      });
    },
    async policiesFor(options) {
      const { assumeAs, ...rest } = options;
      // Every input is checked before any AWS call.
      const roleArn = rest.roleArn.trim();
      parseRoleArn(roleArn);
      const externalId = rest.externalId === undefined ? undefined : checkExternalId(rest.externalId);
      const r = await resolve(assumeAs);
      return rolePoliciesFor({ ...rest, roleArn, externalId, principal: r.principal });
    },
    async revokeOlderSessions(options) {
      parseRoleArn(options.roleArn);
      const r = await resolve(options.using);
      const at = options.now ?? new Date(now());
      const result = await revokeOlderSessions({
        iam,
        target: targetOf(r),
        credentials: r.credentials,
        roleArn: options.roleArn,
        callerAccountId: r.accountId,
        now: at,
        source: r.label,
      });
      return { ...result, forgotten: await core.forgetRevoked(options.roleArn, at) };
    },
    keyInfo: (identityId) => readKeyInfo(core, iam, env, identityId),
    rotate(options) {
      const seconds = Number(env.ROLEBAR_ROTATE_VERIFY_SECONDS);
      const verifyTimeoutMs =
        deps.verifyTimeoutMs ?? (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
      return rotateAccessKey(
        { core, iam, env, now, ...(verifyTimeoutMs ? { verifyTimeoutMs } : {}) },
        options,
      );
    },
    close: () => iam.close(),
  };
}

/** Opens the IAM engine for one piece of work and closes its connections afterwards (IAM calls are rare). */
export async function withIamTools<T>(
  core: Engine,
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

/** A configured role's ARN: its own, else its name in the account its last session ran in. */
export function roleArnOf(core: Engine, role: Role): string {
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
