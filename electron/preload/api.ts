import type { Invoke, RequestArgs, Subscribe } from '../ipc/contract.js';

type Arg<C extends Parameters<Invoke>[0]> = RequestArgs<C>[0];

/**
 * The object the page sees as `window.rolebar`: one named function per operation, never a generic
 * `invoke(channel)`. Built from an `invoke` and a `subscribe` so that the preload (over ipcRenderer) and the
 * browser tests (over Playwright's exposeBinding) expose exactly the same API.
 */
export function createRolebarApi(invoke: Invoke, subscribe: Subscribe) {
  return {
    getAppInfo: () => invoke('app:get-info'),
    getState: () => invoke('state:get'),
    onStateChanged: (listener: Parameters<typeof subscribe<'state:changed'>>[1]) =>
      subscribe('state:changed', listener),
    /** The tray asks the window to prompt for an MFA code, then switch to `roleId`. */
    onPromptMfa: (listener: Parameters<typeof subscribe<'ui:prompt-mfa'>>[1]) =>
      subscribe('ui:prompt-mfa', listener),
    addIdentity: (input: Arg<'identity:add'>) => invoke('identity:add', input),
    updateIdentity: (input: Arg<'identity:update'>) => invoke('identity:update', input),
    rotateIdentityKeys: (input: Arg<'identity:rotate-keys'>) => invoke('identity:rotate-keys', input),
    /** The identity's key age and last use, as IAM says them (null: it keeps no key). */
    keyInfo: (input: Arg<'identity:key-info'>) => invoke('identity:key-info', input),
    /** Rotates the identity's access key through IAM: new key stored and checked, old one deleted. */
    rotateIdentity: (input: Arg<'identity:rotate'>) => invoke('identity:rotate', input),
    removeIdentity: (input: Arg<'identity:remove'>) => invoke('identity:remove', input),
    whoAmIIdentity: (input: Arg<'identity:whoami'>) => invoke('identity:whoami', input),
    addRole: (input: Arg<'role:add'>) => invoke('role:add', input),
    updateRole: (input: Arg<'role:update'>) => invoke('role:update', input),
    removeRole: (input: Arg<'role:remove'>) => invoke('role:remove', input),
    /** Maps every account of a team catalog to one of the user's identities. */
    mapCatalog: (input: Arg<'catalog:map'>) => invoke('catalog:map', input),
    switchRole: (input: Arg<'role:switch'>) => invoke('role:switch', input),
    /** Signs in to an Identity Center identity in the browser, then keeps its accounts and permission sets as roles. */
    signInIdentityCenter: (input: Arg<'sso:sign-in'>) => invoke('sso:sign-in', input),
    copySignInCode: (input: Arg<'sso:copy-code'>) => invoke('sso:copy-code', input),
    /** Adds an Identity Center identity (its portal URL and region); signing in is a separate step. */
    addIdentityCenter: (input: Arg<'sso:add'>) => invoke('sso:add', input),
    /** Turns an Identity Center identity's AWS CLI token cache on or off. */
    setAwsCliCache: (input: Arg<'sso:set-cli-cache'>) => invoke('sso:set-cli-cache', input),
    signOut: (input: Arg<'session:sign-out'>) => invoke('session:sign-out', input),
    whoAmI: (input: Arg<'session:whoami'>) => invoke('session:whoami', input),
    copySnippet: (input: Arg<'snippet:copy'>) => invoke('snippet:copy', input),
    copyUnsetSnippet: (input: Arg<'snippet:copy-unset'>) => invoke('snippet:copy-unset', input),
    previewImport: () => invoke('import:preview'),
    applyImport: (input: Arg<'import:apply'>) => invoke('import:apply', input),
    /** Puts a `rolebar` launcher for the command line the app ships in the user's bin folder (~/.local/bin). */
    installCommandLine: () => invoke('cli:install'),
    setPreferences: (input: Arg<'preferences:set'>) => invoke('preferences:set', input),
    /** Copies the credentials endpoint's two export lines (the token only ever reaches the clipboard). */
    copyEndpointLines: () => invoke('endpoint:copy'),
    /** Tells the main process the network came back (the page's `online` event). */
    networkOnline: () => invoke('network:online'),
    /** Lists the roles of an account and which ones this identity or role can probably assume (with drafts for addRole). */
    discoverRoles: (input: Arg<'iam:discover'>) => invoke('iam:discover', input),
    /** The trust and permission policies a role needs for an identity or role, with who applies which. */
    rolePolicies: (input: Arg<'iam:policies'>) => invoke('iam:policies', input),
    /** The exact text to show before revoking a role's older sessions. */
    previewRevoke: (input: Arg<'iam:revoke-preview'>) => invoke('iam:revoke-preview', input),
    /** Revokes every session of a role issued before now (the IAM console's "Revoke active sessions"). */
    revokeOlderSessions: (input: Arg<'iam:revoke'>) => invoke('iam:revoke', input),
  };
}

/** The renderer's type for `window.rolebar`, derived from the object above. */
export type RolebarApi = ReturnType<typeof createRolebarApi>;
