// IAM Identity Center as a source of roles: sign in and out, list the accounts and permission sets, and keep one
// Rolebar role per permission set (switching then goes through the session layer like any role).
import type { AssumeContext } from '../../sessions/context.js';
import { RolebarError } from '../../domain/errors.js';
import type { IdentityCenterIdentity, Role } from '../../domain/model.js';
import { cliCacheFile, removeCliCache, writeCliCache } from '../../aws-files/sso-cache.js';
import type { CliCacheChange } from './views.js';
import {
  accessToken,
  listPortalRoles,
  type PortalRole,
  portalDeps,
  portalSignOut,
  withTokenLock,
} from '../../sessions/sso-portal.js';
import { identityCenterTraits } from '../../sessions/sources/identity-center.js';
import { isOfKind } from '../../sessions/sources/source.js';
import { type SignInOptions, type SignInPrompt, signIn } from './sign-in.js';
import { readTokens, signInState, type SsoTokens } from '../../store/sso-tokens.js';

export type { PortalRole } from '../../sessions/sso-portal.js';
export type { SignInOptions, SignInPrompt } from './sign-in.js';
export type { CliCacheChange, CliCacheRemoval } from './views.js';
export type { IdentityCenterIdentity } from '../../aws/sso.js';

/** Whether an Identity Center identity is signed in, never its tokens. */
export interface SignInStatus {
  signedIn: boolean;
  /** When the access token ends (ISO 8601); it is refreshed before then while the sign-in lasts. */
  expiresAt?: string;
  /** False when only a new sign-in can give a token once this one ends. */
  refreshable: boolean;
}

/** Identity Center operations of the core. */
export interface IdentityCenter {
  signIn(identityId: string, prompt: SignInPrompt, options?: SignInOptions): Promise<{ expiresAt: Date }>;
  /** Logs out at the portal (best effort) and removes the tokens from the keychain (and the CLI cache file). */
  signOut(identityId: string): Promise<{ removed: boolean }>;
  status(identityId: string): Promise<SignInStatus>;
  /** Turns the AWS CLI token cache on (written at once when signed in) or off (Rolebar's file removed). */
  setAwsCliCache(identityId: string, on: boolean): Promise<CliCacheChange>;
  /** A live access token, refreshed when needed; `sso-sign-in-required` when only a new sign-in can help. */
  ensureSignedIn(identityId: string): Promise<void>;
  /** Every account and permission set the user may use (all pages). */
  listRoles(identityId: string): Promise<PortalRole[]>;
  /** Lists them and adds a Rolebar role for each one not saved yet; returns the identity's Identity Center roles. */
  syncRoles(identityId: string): Promise<{ roles: Role[]; added: Role[] }>;
}

/** The Identity Center identity with this id or name, or a clear error. */
export function identityCenterOf(
  ctx: Pick<AssumeContext, 'identities'>,
  idOrName: string,
): IdentityCenterIdentity {
  const identity = ctx.identities.find(idOrName);
  if (!identity) {
    throw new RolebarError('identity-not-found', `No identity "${idOrName}".`, {
      hint: 'List identities to see their names.',
    });
  }
  if (!isOfKind(identity, identityCenterTraits)) {
    throw new RolebarError(
      'not-identity-center',
      `"${identity.name}" is not an IAM Identity Center identity.`,
      {
        hint: 'Add one with `rolebar identity add-sso NAME --start-url URL --sso-region REGION`.',
      },
    );
  }
  return identity;
}

/** What an Identity Center role is labelled: the account's portal name and the permission set. */
export function portalRoleLabel(role: PortalRole): string {
  return `${role.accountName}/${role.roleName}`;
}

/**
 * The AWS CLI token cache hook: writes ~/.aws/sso/cache for identities that turned it on. Given to the engine's
 * context (refreshes) and run after each sign-in here.
 */
export function cliCacheWriter(
  ctx: Pick<AssumeContext, 'homedir' | 'identities'>,
): (identity: IdentityCenterIdentity, tokens: SsoTokens) => Promise<void> {
  return async (identity, tokens) => {
    // The setting as it is now, not as it was when the refresh began: it may have been turned off meanwhile.
    const current = ctx.identities.find(identity.id);
    if (isOfKind(current, identityCenterTraits) && current.awsCliCache)
      await writeCliCache(current, tokens, ctx.homedir);
  };
}

/** Builds the Identity Center operations over the engine's context. */
export function createIdentityCenter(ctx: AssumeContext): IdentityCenter {
  const deps = () => portalDeps(ctx);
  return {
    async signIn(identityId, prompt, options) {
      const identity = identityCenterOf(ctx, identityId);
      const result = await signIn(deps(), identity, prompt, options);
      const tokens = await readTokens(ctx.secrets, identity.id);
      if (tokens) await ctx.afterSsoTokens?.(identity, tokens);
      return result;
    },
    async signOut(identityId) {
      const identity = identityCenterOf(ctx, identityId);
      // Read before they leave the keychain: they tell Rolebar's cache file from one the AWS CLI wrote.
      const tokens = await readTokens(ctx.secrets, identity.id);
      const removed = await portalSignOut(deps(), identity);
      await removeCliCache(identity, tokens, ctx.homedir);
      return { removed };
    },
    async status(identityId) {
      const identity = identityCenterOf(ctx, identityId);
      const tokens = await readTokens(ctx.secrets, identity.id);
      if (!tokens) return { signedIn: false, refreshable: false };
      const { signedIn, refreshable } = signInState(tokens, ctx.now());
      return { signedIn, expiresAt: tokens.expiresAt, refreshable };
    },
    async setAwsCliCache(identityId, on) {
      const before = identityCenterOf(ctx, identityId);
      const file = cliCacheFile(before.name, ctx.homedir);
      if (!on) {
        // Under the refresh lock: a refresh in another process cannot write the file again after it is removed.
        return withTokenLock(deps(), before, async () => {
          ctx.identities.update(before.id, { awsCliCache: false });
          const identity = identityCenterOf(ctx, before.id);
          const tokens = await readTokens(ctx.secrets, identity.id);
          return { on, file, cache: await removeCliCache(identity, tokens, ctx.homedir) };
        });
      }
      ctx.identities.update(before.id, { awsCliCache: true }); // refused for a name no SDK reads (checkRecord)
      const identity = identityCenterOf(ctx, before.id);
      try {
        // A live token (refreshed when near its end, which also writes the file through afterSsoTokens).
        await accessToken(deps(), identity);
      } catch (error) {
        if (error instanceof RolebarError && error.code === 'sso-sign-in-required')
          return { on, file, cache: 'at-sign-in' };
        throw error;
      }
      const tokens = await readTokens(ctx.secrets, identity.id);
      if (!tokens) return { on, file, cache: 'at-sign-in' };
      await writeCliCache(identity, tokens, ctx.homedir);
      return { on, file, cache: 'written' };
    },
    async ensureSignedIn(identityId) {
      await accessToken(deps(), identityCenterOf(ctx, identityId));
    },
    listRoles: (identityId) => listPortalRoles(deps(), identityCenterOf(ctx, identityId)),
    async syncRoles(identityId) {
      const identity = identityCenterOf(ctx, identityId);
      const found = await listPortalRoles(deps(), identity);
      const mine = () =>
        ctx.roles.list().filter((r) => r.sso && r.source.kind === 'identity' && r.source.id === identity.id);
      const key = (accountId: string, roleName: string) => `${accountId}/${roleName}`;
      const saved = new Set(mine().map((r) => key(r.sso?.accountId ?? '', r.sso?.roleName ?? '')));
      // Another organisation's (or the user's own) role may have the same label: this identity's goes beside it.
      const labels = new Set(ctx.roles.list().map((r) => r.label));
      const freeLabel = (p: PortalRole) => {
        const plain = portalRoleLabel(p);
        const label = labels.has(plain) ? `${identity.name}/${plain}` : plain;
        labels.add(label);
        return label;
      };
      const added = ctx.roles.addAll(
        found
          .filter((p) => !saved.has(key(p.accountId, p.roleName)))
          .map((p) => ({
            label: freeLabel(p),
            source: { kind: 'identity', id: identity.id },
            mfa: false,
            sso: { accountId: p.accountId, roleName: p.roleName, accountName: p.accountName },
          })),
      );
      return { roles: mine(), added };
    },
  };
}
