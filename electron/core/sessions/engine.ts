// The engine: the stores, the session layer and who-am-I over one context. Features (import, IAM tools, the
// credentials endpoint) work on it; core/index.ts adds them around it as the facade the CLI and the service call.
import path from 'node:path';
import type { AssumeOptions, AssumeOutcome } from './assume.js';
import { type AssumeContext, targetFor } from './context.js';
import { RolebarError } from '../domain/errors.js';
import type { IdentityStore } from '../store/identities.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import type { ReadOnlyRoles, RoleStore } from '../store/roles.js';
import { principalKind, type SessionRegistry, userNameOfArn } from '../store/sessions.js';
import { openStores } from './stores.js';
import { mfaSessionExpiry } from './mfa-session.js';
import { identityLongTermKey, type IdentitySessionOptions } from './identity-session.js';
import { createSessionLayer, type LiveOutcome, type RenewOptions } from './layer.js';
import type { Settings, SettingsData } from '../store/settings.js';
import type { Identity } from '../domain/model.js';
import { type NewIdentity, sourceOf } from './sources/registry.js';
import { profileCredentials } from './sources/aws-profile.js';
import {
  type AddedIdentity,
  type AddIdentityOptions,
  addIdentities,
  addIdentity,
  removeIdentity,
} from './identities.js';
import {
  type AwsCredentials,
  CLOCK_SKEW_WARNING_MS,
  createStsCaller,
  type StsCaller,
  type TemporaryCredentials,
} from '../aws/sts/client.js';
import { resolveStsTarget, type StsTarget } from '../domain/endpoints.js';
import type { WhoAmI } from '../domain/principal.js';

export type { WhoAmI } from '../domain/principal.js';

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
export interface Engine {
  /** What the session layer works with (the features built around the engine take it too). */
  readonly context: AssumeContext;
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
  /**
   * Adds an identity of any kind (`input.kind`): its source checks every field and, unless `verify` is false,
   * asks AWS about it (IAM user keys: GetCallerIdentity) before anything is saved.
   */
  addIdentity(input: NewIdentity, options?: AddIdentityOptions): Promise<AddedIdentity>;
  /** Adds many identities with the ids given, all or none, offline (an import); `alongside` joins their write. */
  addIdentities(
    inputs: ReadonlyArray<{ id: string; input: NewIdentity }>,
    alongside?: (data: SettingsData) => void,
  ): Promise<Identity[]>;
  /** Removes the role's profile (only what Rolebar wrote) and forgets its session. */
  signOut(roleId: string): Promise<{ removed: boolean }>;
  /** Deletes a role, signing its session out; refused before any change while other roles chain from it. */
  removeRole(roleId: string): Promise<void>;
  /**
   * Deletes an identity and its keychain entries, refused while a role uses it; its credential source removes
   * what else it wrote (Identity Center: the AWS CLI cache file, when Rolebar wrote it).
   */
  removeIdentity(identityId: string): Promise<void>;
  /** A live session's credentials: the latest of memory and the profile Rolebar wrote. Undefined when none. */
  credentialsOf(roleId: string): Promise<TemporaryCredentials | undefined>;
  /** After a revoke: forgets the role's sessions that started before it (see SessionLayer.forgetRevoked). */
  forgetRevoked(roleArn: string, before: Date): Promise<string[]>;
  /** When the identity's MFA session ends, if one is alive. */
  mfaSessionExpiry(identityId: string): Promise<Date | undefined>;
  /** The long-term key pair credential-process --identity serves, as the plaintext keys did. SECRET. */
  identityLongTermKey(identityId: string): Promise<AwsCredentials>;
  /** The short session credential-process --identity --session serves (see SessionLayer.identitySession). SECRET. */
  identitySession(identityId: string, options: IdentitySessionOptions): Promise<TemporaryCredentials>;
  /** Closes kept connections; the core stays usable and reconnects on the next call. */
  close(): void;
}

/**
 * Builds the engine over the given stores; `readOnlyRoles` are listed beside the user's own roles (the facade
 * passes the team catalogs', which live above the engine).
 */
export function createEngine(deps: CoreDeps, readOnlyRoles: ReadOnlyRoles): Engine {
  const env = deps.env ?? process.env;
  const { identities, roles, sessions } = openStores(deps.settings, deps.secrets, readOnlyRoles);
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
  const layer = createSessionLayer(ctx, path.dirname(deps.settings.path));
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
      credentials = await sourceOf(identity).ownCredentials(identity, ctx);
      stsTarget = targetFor(ctx, identity);
    } else {
      label = target.profile;
      credentials = await profileCredentials(target.profile, ctx, { name: target.profile });
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
    context: ctx,
    identities,
    roles,
    settings: deps.settings,
    secrets: deps.secrets,
    sessions,
    assumeRole: layer.switchRole,
    renew: layer.renew,
    whoAmI,
    addIdentity: (input, options) => addIdentity(ctx, input, options),
    addIdentities: (inputs, alongside) => addIdentities(ctx, inputs, alongside),
    signOut: layer.signOut,
    removeRole: layer.removeRole,
    removeIdentity: (identityId) => removeIdentity(ctx, identityId),
    credentialsOf,
    forgetRevoked: layer.forgetRevoked,
    mfaSessionExpiry: (identityId) => mfaSessionExpiry(ctx, identityId),
    identityLongTermKey: (identityId) => identityLongTermKey(ctx, identityId),
    identitySession: (identityId, options) => layer.identitySession(identityId, options),
    close: () => ctx.sts.close(),
  };
}
