// The access token (refreshed before it ends, one refresh at a time across processes) and the access portal calls
// made with it: the accounts and permission sets the user may use, role credentials, and sign-out.
import path from 'node:path';
import { withFileLock } from '../platform/lock.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import type { IdentityCenterRole } from '../domain/model.js';
import type { TemporaryCredentials } from '../aws/sts/client.js';
import {
  awsErrorName,
  type IdentityCenterIdentity,
  identityCenterFailure,
  oidcClient,
  portalClient,
  signInRequired,
} from '../aws/sso.js';
import { forgetTokens, keepTokens, readTokens, signInState, type SsoTokens } from '../store/sso-tokens.js';
import { readCliCache } from '../aws-files/sso-cache.js';
import { printable } from '../domain/printable.js';

/** What IAM allows in a role name: a portal's role of any other name is not one to switch to. */
const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
import type { AssumeContext } from './context.js';

/** What the token and portal steps work with. */
export interface PortalDeps {
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** The settings folder: refreshes take turns through a lock file there. Absent: no cross-process lock. */
  lockDir?: string | undefined;
  /** Called with new tokens after a refresh (the AWS CLI token cache, when the user turned it on). */
  afterTokens?: ((identity: IdentityCenterIdentity, tokens: SsoTokens) => Promise<void>) | undefined;
  /** Where the AWS CLI token cache is (~/.aws/sso/cache under it). */
  homedir?: string | undefined;
}

const LOCK = { timeoutMs: 60_000, staleMs: 45_000 } as const;

/** The portal deps of an engine context. */
export function portalDeps(
  ctx: Pick<AssumeContext, 'secrets' | 'env' | 'now' | 'lockDir' | 'afterSsoTokens' | 'homedir'>,
): PortalDeps {
  return {
    secrets: ctx.secrets,
    env: ctx.env,
    now: ctx.now,
    lockDir: ctx.lockDir,
    afterTokens: ctx.afterSsoTokens,
    homedir: ctx.homedir,
  };
}

/**
 * The identity's tokens: the keychain's, or, with the AWS CLI cache shared, the cache file's when they are newer
 * (the user ran `aws sso login` for the same session): then kept in the keychain, to be refreshed from there.
 */
async function newestTokens(
  deps: PortalDeps,
  identity: IdentityCenterIdentity,
): Promise<SsoTokens | undefined> {
  const kept = await readTokens(deps.secrets, identity.id);
  if (!identity.awsCliCache) return kept;
  const cached = await readCliCache(identity, deps.homedir);
  if (!cached || (kept && Date.parse(kept.expiresAt) >= Date.parse(cached.expiresAt))) return kept;
  await keepTokens(deps.secrets, identity.id, cached);
  return cached;
}

/**
 * A live access token: the kept one while it has 10 minutes left, else a refreshed one (kept in the keychain).
 * When it cannot be refreshed (no refresh token, the sign-in ended or was revoked) the user is asked to sign in
 * again with `sso-sign-in-required`; the kept entry, the roles and their sessions stay as they were.
 */
export async function accessToken(deps: PortalDeps, identity: IdentityCenterIdentity): Promise<string> {
  const kept = await newestTokens(deps, identity);
  if (!kept) throw signInRequired(identity, `"${identity.name}" is not signed in to Identity Center.`);
  if (signInState(kept, deps.now()).current) return kept.accessToken;
  const refresh = async (): Promise<string> => {
    // Looked at again under the lock: another process may have refreshed it meanwhile.
    const current = (await readTokens(deps.secrets, identity.id)) ?? kept;
    const { current: fresh, usable, refreshable } = signInState(current, deps.now());
    if (fresh) return current.accessToken;
    if (!refreshable) {
      if (usable) return current.accessToken;
      throw signInRequired(identity, `The Identity Center sign-in of "${identity.name}" has ended.`);
    }
    const next = await refreshTokens(deps, identity, current).catch(async (error: unknown) => {
      // A refresh token Identity Center refused will never work again: forget it (the rest of the entry stays),
      // so the tray and the window can ask for a new sign-in instead of retrying.
      if (awsErrorName(error) === 'InvalidGrantException')
        await keepTokens(deps.secrets, identity.id, { ...current, refreshToken: undefined });
      // A refresh that failed leaves the token it had: use it while it lasts.
      if (usable) return undefined;
      throw identityCenterFailure(identity, 'refresh the sign-in', error);
    });
    if (!next) return current.accessToken;
    await keepTokens(deps.secrets, identity.id, next);
    await deps.afterTokens?.(identity, next);
    return next.accessToken;
  };
  return withTokenLock(deps, identity, refresh);
}

/**
 * Runs `fn` while no other process refreshes this identity's token (or changes what a refresh writes): the lock
 * file in the settings folder. Without a settings folder, `fn` just runs.
 */
export function withTokenLock<T>(
  deps: Pick<PortalDeps, 'lockDir'>,
  identity: IdentityCenterIdentity,
  fn: () => Promise<T>,
): Promise<T> {
  if (!deps.lockDir) return fn();
  return withFileLock(path.join(deps.lockDir, `sso-${identity.id.replace(/[^\w-]/g, '_')}`), fn, LOCK);
}

async function refreshTokens(
  deps: PortalDeps,
  identity: IdentityCenterIdentity,
  current: SsoTokens,
): Promise<SsoTokens> {
  const client = await oidcClient(identity, deps.env);
  try {
    const { CreateTokenCommand } = await import('@aws-sdk/client-sso-oidc');
    const answer = await client.send(
      new CreateTokenCommand({
        clientId: current.clientId,
        clientSecret: current.clientSecret,
        grantType: 'refresh_token',
        refreshToken: current.refreshToken,
      }),
    );
    if (!answer.accessToken || answer.expiresIn === undefined) throw new Error('no token in the answer');
    return {
      ...current,
      accessToken: answer.accessToken,
      expiresAt: new Date(deps.now() + answer.expiresIn * 1000).toISOString(),
      ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
    };
  } finally {
    client.destroy();
  }
}

/** An account and permission set the user may use, as the access portal lists them. */
export type PortalRole = Required<IdentityCenterRole>;

/** Runs `task` over `items`, at most `limit` at a time, keeping the order of `items`. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Every account and permission set the user may use (all pages of ListAccounts and of each ListAccountRoles). */
export async function listPortalRoles(
  deps: PortalDeps,
  identity: IdentityCenterIdentity,
): Promise<PortalRole[]> {
  const token = await accessToken(deps, identity);
  const client = await portalClient(identity, deps.env);
  try {
    const { paginateListAccounts, paginateListAccountRoles } = await import('@aws-sdk/client-sso');
    const accounts: Array<{ accountId: string; accountName: string }> = [];
    for await (const page of paginateListAccounts({ client, pageSize: 100 }, { accessToken: token })) {
      for (const a of page.accountList ?? []) {
        // What the portal says is shown as it is: an id that is not one is skipped, a name never printed raw.
        if (a.accountId && /^\d{12}$/.test(a.accountId))
          accounts.push({ accountId: a.accountId, accountName: printable(a.accountName ?? a.accountId) });
      }
    }
    // Hundreds of accounts are normal: a few at a time, so the portal's throttling is not tripped.
    const perAccount = await mapLimited(accounts, 6, async (account) => {
      const roles: PortalRole[] = [];
      const pages = paginateListAccountRoles(
        { client, pageSize: 100 },
        { accessToken: token, accountId: account.accountId },
      );
      for await (const page of pages) {
        for (const r of page.roleList ?? [])
          if (r.roleName && IAM_ROLE_NAME.test(r.roleName)) roles.push({ ...account, roleName: r.roleName });
      }
      return roles;
    });
    return perAccount.flat();
  } catch (error) {
    throw identityCenterFailure(identity, 'list your accounts', error);
  } finally {
    client.destroy();
  }
}

/** Role credentials for a permission set in an account (GetRoleCredentials). SECRET. */
export async function portalRoleCredentials(
  deps: PortalDeps,
  identity: IdentityCenterIdentity,
  role: IdentityCenterRole,
): Promise<TemporaryCredentials> {
  const token = await accessToken(deps, identity);
  const client = await portalClient(identity, deps.env);
  try {
    const { GetRoleCredentialsCommand } = await import('@aws-sdk/client-sso');
    const answer = await client.send(
      new GetRoleCredentialsCommand({
        accessToken: token,
        accountId: role.accountId,
        roleName: role.roleName,
      }),
    );
    const c = answer.roleCredentials;
    if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || c.expiration === undefined)
      throw new Error('no credentials in the answer');
    return {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: new Date(c.expiration),
    };
  } catch (error) {
    throw identityCenterFailure(identity, `get credentials for ${role.roleName} in ${role.accountId}`, error);
  } finally {
    client.destroy();
  }
}

/**
 * Signs out: tells the portal (best effort: offline, the tokens still go), then removes the tokens from the
 * keychain. Returns whether there were tokens.
 */
export async function portalSignOut(deps: PortalDeps, identity: IdentityCenterIdentity): Promise<boolean> {
  await endPortalSignIn(deps, identity, await readTokens(deps.secrets, identity.id));
  return forgetTokens(deps.secrets, identity.id);
}

/**
 * Ends the sign-in of `tokens` at the portal (Logout), best effort: offline or already ended, nothing is thrown.
 * An access token that has expired is refreshed first when it can be (the new tokens are not kept): its refresh
 * token would otherwise keep the sign-in alive at AWS after Rolebar forgot it.
 */
export async function endPortalSignIn(
  deps: PortalDeps,
  identity: IdentityCenterIdentity,
  tokens: SsoTokens | undefined,
): Promise<void> {
  const state = signInState(tokens, deps.now());
  if (!tokens || !state.signedIn) return;
  try {
    const token = state.current
      ? tokens.accessToken
      : (await refreshTokens(deps, identity, tokens)).accessToken;
    const client = await portalClient(identity, deps.env);
    try {
      const { LogoutCommand } = await import('@aws-sdk/client-sso');
      await client.send(new LogoutCommand({ accessToken: token }));
    } finally {
      client.destroy();
    }
  } catch {
    // Offline, or already ended on the portal's side: the tokens still leave this computer.
  }
}
