// What the session layer, the credential sources and the hops of a chain all work with: the stores, the STS
// caller, the environment and the clock, plus where the AWS files and the STS endpoint of an identity are.
import type { AwsLocationOptions } from '../aws-files/index.js';
import type { IdentityStore } from '../store/identities.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import type { Identity, Role } from '../domain/model.js';
import type { PortalDeps } from './sso-portal.js';
import type { RoleStore } from '../store/roles.js';
import { partitionOfArn, type SessionRegistry } from '../store/sessions.js';
import type { StsCaller, TemporaryCredentials } from '../aws/sts/client.js';
import { resolveStsTarget, type StsTarget } from '../domain/endpoints.js';

/** Everything the role engine works with; the CLI, the main process and the tests each build one. */
export interface AssumeContext {
  identities: IdentityStore;
  roles: RoleStore;
  sessions: SessionRegistry;
  secrets: SecretStore;
  sts: StsCaller;
  env: NodeJS.ProcessEnv;
  homedir?: string | undefined;
  now: () => number;
  /** Credentials of live sessions, in main-process (or CLI-process) memory only. */
  memory: Map<string, TemporaryCredentials>;
  /** The settings folder, where cross-process locks live (Identity Center token refreshes). */
  lockDir?: string | undefined;
  /** Runs after Identity Center tokens change (the AWS CLI token cache, when it is on). */
  afterSsoTokens?: PortalDeps['afterTokens'];
}

/** Where the files are, for the profile writer. */
export function location(ctx: Pick<AssumeContext, 'env' | 'homedir'>): AwsLocationOptions {
  return { env: ctx.env, ...(ctx.homedir ? { homedir: ctx.homedir } : {}) };
}

/** The STS endpoint and region for a hop: the role's region, else the identity's; the identity's endpoint override. */
export function targetFor(
  ctx: Pick<AssumeContext, 'env'>,
  identity: Pick<Identity, 'region' | 'endpoint'>,
  role?: Role,
): StsTarget {
  return resolveStsTarget(
    {
      region: role?.region ?? identity.region,
      endpointOverride: identity.endpoint,
      partition: role?.roleArn ? partitionOfArn(role.roleArn) : undefined,
    },
    ctx.env,
  );
}
