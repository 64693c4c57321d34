import os from 'node:os';
import path from 'node:path';
import { type AssumeContext, type AssumeOptions, type AssumeOutcome, targetFor } from './assume.js';
import { RolebarError } from './errors.js';
import { identityStore, type IdentityStore } from './identities.js';
import { cliCacheWriter, createIdentityCenter, type IdentityCenter } from './identity-center/index.js';
import { keychainServiceOf, openKeychain, type SecretStore } from './keychain.js';
import { settingsDir } from './paths.js';
import { type RoleStore, roleStore } from './roles.js';
import {
  principalKind,
  type PrincipalKind,
  sessionRegistry,
  type SessionRegistry,
  userNameOfArn,
} from './sessions.js';
import { mfaSessionExpiry } from './mfa-session.js';
import type { IdentitySessionOptions } from './identity-session.js';
import { createSessionLayer, type LiveOutcome, type RenewOptions } from './session-layer.js';
import { openSettings, type Settings } from './settings.js';
import { exportSnippet, type SnippetFormat, unsetSnippet } from './snippets.js';
import { sourceCredentials } from './source-credentials.js';
import {
  type AwsCredentials,
  CLOCK_SKEW_WARNING_MS,
  createStsCaller,
  type StsCaller,
  type TemporaryCredentials,
} from './sts/client.js';
import { resolveStsTarget, type StsTarget } from './sts/endpoints.js';

/** Who GetCallerIdentity says a set of credentials is, and how far the local clock is from AWS's. */
export interface WhoAmI {
  account: string;
  arn: string;
  userId: string;
  kind: PrincipalKind;
  clockOffsetMs: number | undefined;
  /** True when the local clock is more than 5 minutes off AWS's. */
  clockSkewed: boolean;
}

/** Whose identity to ask about: a role's live session, an identity's own credentials, or any `~/.aws` profile. */
export type WhoAmITarget = { roleId: string } | { identityId: string } | { profile: string; region?: string };

/** What Rolebar's core needs from the outside world; each can be a real-but-isolated one in tests. */
export interface CoreDeps {
  settings: Settings;
  secrets: SecretStore;
  sts?: StsCaller;
  env?: NodeJS.ProcessEnv;
  homedir?: string;
  now?: () => number;
}

/** Rolebar's engine: identities, roles, switching, sessions. Shared by the main process, the CLI and the tests. */
export interface RolebarCore {
  identities: IdentityStore;
  roles: RoleStore;
  sessions: SessionRegistry;
  /** The settings this core reads and writes (team catalogs keep their subscriptions there). */
  settings: Settings;
  /** The keychain the core keeps secrets in (team catalogs keep their source tokens there too). */
  secrets: SecretStore;
  /** Switches: a new session now (see SessionLayer.switchRole). */
  assumeRole(roleId: string, options?: AssumeOptions): Promise<AssumeOutcome>;
  /** The session if it has more than `marginMs` left, else a new one: one renewal per role at a time, across processes. */
  renew(roleId: string, options: RenewOptions): Promise<LiveOutcome>;
  whoAmI(target: WhoAmITarget): Promise<WhoAmI>;
  /** Removes the role's profile (only what Rolebar wrote) and forgets its session. */
  signOut(roleId: string): Promise<{ removed: boolean }>;
  /** Deletes a role, signing its session out; refused before any change while other roles chain from it. */
  removeRole(roleId: string): Promise<void>;
  /**
   * Deletes an identity and its keychain entry, refused while a role uses it; an Identity Center identity also
   * takes the AWS CLI cache file Rolebar wrote for it (see IdentityCenter.remove).
   */
  removeIdentity(identityId: string): Promise<void>;
  /** A live session's credentials: the latest of memory and the profile Rolebar wrote. Undefined when none. */
  credentialsOf(roleId: string): Promise<TemporaryCredentials | undefined>;
  /** After a revoke: forgets the role's sessions that started before it (see SessionLayer.forgetRevoked). */
  forgetRevoked(roleArn: string, before: Date): Promise<string[]>;
  /** When the identity's MFA session ends, if one is alive. */
  mfaSessionExpiry(identityId: string): Promise<Date | undefined>;
  /** The short session credential-process --identity serves (see SessionLayer.identitySession). SECRET. */
  identitySession(identityId: string, options: IdentitySessionOptions): Promise<TemporaryCredentials>;
  /** The export snippet of a role's live session in a shell's format (main process and CLI only: it holds secrets). */
  exportSnippet(roleId: string, format: SnippetFormat): Promise<string>;
  /** The snippet that returns a shell to the user's own identity. */
  unsetSnippet(format: SnippetFormat): string;
  /** IAM Identity Center: sign-in, sign-out, accounts and permission sets. */
  identityCenter: IdentityCenter;
  /** Closes kept connections; the core stays usable and reconnects on the next call. */
  close(): void;
}

/** Builds the core over the given stores. */
export function createCore(deps: CoreDeps): RolebarCore {
  const env = deps.env ?? process.env;
  const identities = identityStore(deps.settings, deps.secrets);
  const roles = roleStore(deps.settings, identities);
  const sessions = sessionRegistry(deps.settings);
  const now = deps.now ?? Date.now;
  const ctx: AssumeContext = {
    identities,
    roles,
    sessions,
    secrets: deps.secrets,
    sts: deps.sts ?? createStsCaller({ now }),
    env,
    homedir: deps.homedir,
    now,
    memory: new Map(),
    lockDir: path.dirname(deps.settings.path),
  };
  ctx.afterSsoTokens = cliCacheWriter(ctx);

  const layer = createSessionLayer(ctx, path.dirname(deps.settings.path));
  const identityCenter = createIdentityCenter(ctx);
  const { credentialsOf } = layer;

  async function whoAmI(target: WhoAmITarget): Promise<WhoAmI> {
    let credentials: AwsCredentials | undefined;
    let stsTarget: StsTarget;
    let label: string;
    if ('roleId' in target) {
      const { identity, hops } = roles.chain(target.roleId);
      const role = hops[hops.length - 1];
      label = role?.label ?? target.roleId;
      credentials = await credentialsOf(target.roleId);
      if (!credentials) {
        throw new RolebarError('no-session', `"${label}" has no active session.`, {
          hint: 'Switch to it first.',
        });
      }
      stsTarget = targetFor(ctx, identity, role);
    } else if ('identityId' in target) {
      const identity = identities.get(target.identityId);
      label = identity.name;
      credentials = await sourceCredentials(identity, { identities, env, homedir: deps.homedir });
      stsTarget = targetFor(ctx, identity);
    } else {
      label = target.profile;
      credentials = await sourceCredentials(
        {
          id: `profile:${target.profile}`,
          kind: 'aws-profile',
          name: target.profile,
          profile: target.profile,
        },
        { identities, env, homedir: deps.homedir },
      );
      stsTarget = resolveStsTarget({ region: target.region }, env);
    }
    const answer = await ctx.sts.getCallerIdentity(stsTarget, credentials, {
      action: 'GetCallerIdentity',
      accessKeyId: credentials.accessKeyId,
      source: label,
    });
    const { account, arn, userId } = answer.value;
    if ('identityId' in target) {
      const identity = identities.get(target.identityId);
      const userName = userNameOfArn(arn);
      if (userName && identity.userName !== userName) identities.update(identity.id, { userName });
    }
    return {
      account,
      arn,
      userId,
      kind: principalKind(arn),
      clockOffsetMs: answer.clockOffsetMs,
      clockSkewed:
        answer.clockOffsetMs !== undefined && Math.abs(answer.clockOffsetMs) > CLOCK_SKEW_WARNING_MS,
    };
  }

  return {
    identities,
    roles,
    settings: deps.settings,
    secrets: deps.secrets,
    sessions,
    assumeRole: layer.switchRole,
    renew: layer.renew,
    whoAmI,
    signOut: layer.signOut,
    removeRole: layer.removeRole,
    removeIdentity: (identityId) =>
      identities.get(identityId).kind === 'identity-center'
        ? identityCenter.remove(identityId)
        : identities.remove(identityId),
    credentialsOf,
    forgetRevoked: layer.forgetRevoked,
    mfaSessionExpiry: (identityId) => mfaSessionExpiry(ctx, identityId),
    identitySession: (identityId, options) => layer.identitySession(identityId, options),
    async exportSnippet(roleId, format) {
      const credentials = await credentialsOf(roleId);
      if (!credentials) {
        const role = roles.get(roleId);
        throw new RolebarError('no-session', `"${role.label}" has no active session to export.`, {
          hint: 'Switch to it first.',
        });
      }
      const region = sessions.get(roleId)?.region;
      return exportSnippet(format, { credentials, ...(region ? { region } : {}) });
    },
    unsetSnippet,
    identityCenter,
    close: () => ctx.sts.close(),
  };
}

/**
 * Opens the core the way the CLI does: settings from ROLEBAR_HOME (or the app's folder), the OS keychain under
 * ROLEBAR_KEYCHAIN_SERVICE (default "Rolebar"), the AWS files from AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE.
 */
export function openCore(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<CoreDeps> = {},
): RolebarCore {
  const homedir = env.HOME || os.homedir();
  return createCore({
    settings:
      overrides.settings ?? openSettings({ dir: settingsDir({ env, platform: process.platform, homedir }) }),
    secrets: overrides.secrets ?? openKeychain({ service: keychainServiceOf(env), env }),
    env,
    homedir,
    ...(overrides.sts ? { sts: overrides.sts } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}
