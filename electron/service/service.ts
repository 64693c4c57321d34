import type {
  AppInfo,
  AppState,
  IdentityView,
  KeyAgeWarningView,
  PreferencesView,
  RequestArgs,
  RequestChannel,
  RequestHandlers,
  Result,
  SessionProblemView,
  SwitchOutcome,
} from '../ipc/contract.js';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import type { RolebarCore } from '../core/index.js';
import { AwsCallError, RolebarError, serializeError } from '../core/domain/errors.js';
import { activeSessionOf } from '../core/domain/session-live.js';
import { SIGN_IN_TIMEOUT_MS } from '../core/features/identity-center/sign-in.js';
import { applyImport, planImport } from '../core/features/import/import.js';
import type { Role } from '../core/domain/model.js';
import type { Preferences, Settings } from '../core/store/settings.js';
import {
  identityProcessCommand,
  type RolebarEntry,
} from '../core/features/outputs/credential-process-command.js';
import { type ClipboardLike, createSecretClipboard, realTimers, type Timers } from './clipboard.js';
import { createAppEndpoint } from './app-endpoint.js';
import { iamHandlers } from './iam.js';
import { mapIdentities } from '../core/features/catalog/store.js';
import { catalogViews } from './catalog-views.js';
import { keyService } from './keys.js';
import { identityView, roleView, sessionView } from './views.js';
import { describeIdentity } from '../core/sessions/sources/registry.js';

// The contract's PreferencesView is browser-safe, so it cannot import settings' Preferences: check they match.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const preferencesInSync: Same<PreferencesView, Preferences> = true;
void preferencesInSync;

/** What the service works with; the main process passes Electron's clipboard, tests a stand-in. */
export interface ServiceDeps {
  core: RolebarCore;
  settings: Settings;
  clipboard: ClipboardLike;
  app: AppInfo;
  location: AwsLocationOptions;
  /** Where credential_process lines find the Rolebar command line (throws a RolebarError when it cannot). */
  rolebarEntry?: () => RolebarEntry;
  now?: () => number;
  timers?: Timers;
  /** Opens a sign-in page in the user's browser (Identity Center); the main process passes shell.openExternal. */
  openExternal?: (url: string) => Promise<void> | void;
  /** Called with the new state after every change (the main process pushes it to the window and the tray). */
  onStateChanged?: (state: AppState) => void;
  /** The page saw the network come back (the main process checks the session at once). */
  onNetworkOnline?: () => void;
}

/** The service layer: every IPC request's handler, plain Node, returning expected failures as values. */
export interface RolebarService extends RequestHandlers {
  /** The current state (also what `state:get` answers). */
  state(): Promise<AppState>;
  /** Recomputes and pushes the state, e.g. after resume from sleep or a change made by the CLI. */
  publish(): Promise<void>;
  /** Stops watching the settings file for other processes' changes, and stops the credentials endpoint. */
  close(): void;
  /**
   * Renews a role's session unless it still has more than `marginMs` left (another process may have renewed it):
   * the scheduler's refresh. One renewal per role at a time, shared with the CLI and credential-process.
   */
  renew(roleId: string, marginMs: number): Promise<Result<SwitchOutcome>>;
  /**
   * Asks AWS who the active session is (GetCallerIdentity). A session AWS refuses becomes the state's
   * `sessionProblem` until the user switches or signs out; `ok` is false then. A network failure proves nothing.
   * When `abandoned()` is true by the time AWS answers (the app is quitting), nothing is recorded or published.
   */
  verifyActive(abandoned?: () => boolean): Promise<{ checked: boolean; ok: boolean }>;
  /** Reads every IAM user's key age through IAM; the keys past the threshold become the state's warnings. */
  checkKeyAges(): Promise<KeyAgeWarningView[]>;
}

/** Failures that mean the session itself no longer works (not the network, not throttling). */
const DEAD_SESSION = new Set(['unknown-key', 'wrong-secret', 'expired-token', 'access-denied']);

/** Builds the service over the core. Secrets go only to the clipboard and the credentials file, never out of here. */
export function createRolebarService(deps: ServiceDeps): RolebarService {
  const { core, settings } = deps;
  const now = deps.now ?? Date.now;
  const clipboard = createSecretClipboard(deps.clipboard, deps.timers ?? realTimers);
  /** What the last check found wrong with the active session; only the user's next switch or sign-out clears it. */
  let problem: SessionProblemView | undefined;
  /** The code of each device-code sign-in in progress, by identity id: shown in the window until it ends. */
  const deviceCodes = new Map<string, NonNullable<IdentityView['deviceCode']>>();
  /** The credentials endpoint for the active role; it follows each published state. */
  const endpoint = createAppEndpoint(core);
  const userActed = (roleId: string) => {
    if (problem?.roleId === roleId) problem = undefined;
  };
  const keys = keyService({ core, settings, location: deps.location, now, attempt });

  async function verifyActive(abandoned = () => false): Promise<{ checked: boolean; ok: boolean }> {
    const active = activeSessionOf(core.sessions.list(), now());
    if (!active) return { checked: false, ok: true };
    try {
      await core.whoAmI({ roleId: active.roleId });
      return { checked: true, ok: true };
    } catch (error) {
      if (abandoned() || !(error instanceof AwsCallError) || !DEAD_SESSION.has(error.failure)) {
        return { checked: false, ok: true };
      }
      problem = {
        roleId: active.roleId,
        message: `AWS no longer accepts this session: ${error.message}`,
        hint: 'It was revoked, its key deleted or its account closed. Switch to the role again.',
        at: new Date(now()).toISOString(),
      };
      await publish();
      return { checked: true, ok: false };
    }
  }

  async function state(): Promise<AppState> {
    const identities = core.identities.list();
    const roles = core.roles.list();
    const sessions = core.sessions.list();
    const names = new Map<string, string>([
      ...identities.map((i) => [i.id, i.name] as const),
      ...roles.map((r) => [r.id, r.label] as const),
    ]);
    const active = activeSessionOf(sessions, now());
    const view: AppState = {
      app: deps.app,
      identities: await Promise.all(
        identities.map(async (i) =>
          identityView(
            i,
            await core.mfaSessionExpiry(i.id),
            describeIdentity(i).can.signIn && !(await core.identityCenter.status(i.id)).signedIn,
            deviceCodes.get(i.id),
          ),
        ),
      ),
      roles: roles.map((r: Role) =>
        roleView(
          r,
          sessions.find((s) => s.roleId === r.id),
          names.get(r.source.id) ?? '?',
        ),
      ),
      sessions: sessions.map(sessionView),
      preferences: settings.preferences(),
    };
    if (active) view.activeRoleId = active.roleId;
    const data = settings.read();
    if (data.catalogs?.length) {
      const own = roles.filter((r) => r.catalog === undefined);
      view.catalogs = catalogViews(data, settings.path, own);
    }
    const warnings = keys.warnings();
    if (warnings.length > 0) view.keyAgeWarnings = warnings;
    if (problem && sessions.some((x) => x.roleId === problem?.roleId)) view.sessionProblem = problem;
    showEndpoint(view);
    return view;
  }

  function showEndpoint(view: AppState): void {
    const served = endpoint.view();
    if (served) view.endpoint = served;
    else delete view.endpoint;
  }

  async function publish(): Promise<void> {
    const current = await state();
    const wanted = { enabled: current.preferences.serveEndpoint, roleId: current.activeRoleId };
    // Following the state changes only the endpoint's own part of it: that part is looked at again, instead of
    // building the whole state (settings, keychain) a second time.
    if (await endpoint.follow(wanted)) showEndpoint(current);
    deps.onStateChanged?.(current);
  }

  // A change another process made (the CLI beside the app) reaches the window and the tray as ours do.
  const stopWatching = deps.onStateChanged
    ? settings.watch(() => void publish().catch(() => undefined))
    : () => undefined;

  /** Runs an operation, turning expected failures into `{ ok: false }` and publishing the state after changes. */
  async function attempt<T>(operation: () => Promise<T> | T, changes: boolean): Promise<Result<T>> {
    try {
      const value = await operation();
      if (changes) await publish();
      return { ok: true, value };
    } catch (error) {
      // An Identity Center sign-in that just ended: the tray and the window show its sign-in prompt at once.
      if (error instanceof RolebarError && error.code === 'sso-sign-in-required')
        await publish().catch(() => undefined);
      return { ok: false, error: serializeError(error) };
    }
  }

  type Arg<C extends RequestChannel> = RequestArgs<C>[0];
  const clearSeconds = () => settings.preferences().clipboardClearSeconds;

  return {
    state,
    publish,
    close() {
      stopWatching();
      void endpoint.close();
    },
    verifyActive,
    renew: (roleId, marginMs) =>
      attempt(async () => {
        const outcome = await core.renew(roleId, { marginMs });
        if (outcome.renewed) userActed(roleId);
        return { session: sessionView(outcome.session), notices: outcome.notices };
      }, true),
    'app:get-info': () => deps.app,
    'state:get': state,
    'identity:add': (input: Arg<'identity:add'>) =>
      attempt(
        async () => identityView((await core.addIdentity({ kind: 'iam-user', ...input })).identity),
        true,
      ),
    'identity:update': ({ id, ...changes }: Arg<'identity:update'>) =>
      attempt(() => identityView(core.identities.update(id, changes)), true),
    'identity:rotate-keys': ({ id, ...keys }: Arg<'identity:rotate-keys'>) =>
      attempt(async () => identityView(await core.identities.rotateKeys(id, keys)), true),
    'identity:remove': ({ id }: Arg<'identity:remove'>) =>
      attempt(async () => {
        await core.removeIdentity(id);
        return null;
      }, true),
    'identity:whoami': ({ id }: Arg<'identity:whoami'>) =>
      attempt(() => core.whoAmI({ identityId: id }), false),
    'role:add': (input: Arg<'role:add'>) =>
      attempt(() => {
        const role = core.roles.add(input);
        return roleView(role, undefined, '');
      }, true),
    'role:update': ({ id, changes }: Arg<'role:update'>) =>
      attempt(() => roleView(core.roles.update(id, changes), core.sessions.get(id), ''), true),
    'role:remove': ({ id }: Arg<'role:remove'>) =>
      attempt(async () => {
        // The session layer refuses before signing out when other roles chain from this one.
        await core.removeRole(id);
        return null;
      }, true),
    'catalog:map': ({ name, identityId }: Arg<'catalog:map'>) =>
      attempt(() => {
        core.identities.get(identityId);
        mapIdentities(settings, name, { '*': identityId });
        return null;
      }, true),
    'sso:sign-in': ({ id, deviceCode }: Arg<'sso:sign-in'>) =>
      attempt(async () => {
        const openExternal = deps.openExternal;
        if (!openExternal && !deviceCode)
          throw new RolebarError('sso-no-browser', 'No browser to sign in with.', {
            hint: 'Sign in with a code, or run `rolebar sso login NAME --use-device-code` in a terminal.',
          });
        try {
          await core.identityCenter.signIn(
            id,
            {
              // The code flow is for machines whose browser cannot be used: the window shows the code instead.
              openBrowser: deviceCode || !openExternal ? () => undefined : openExternal,
              showDeviceCode: ({ userCode, verificationUri }) => {
                const expiresAt = new Date(now() + SIGN_IN_TIMEOUT_MS).toISOString();
                deviceCodes.set(id, { userCode, verificationUri, expiresAt });
                void publish().catch(() => undefined);
              },
            },
            { useDeviceCode: deviceCode },
          );
        } finally {
          if (deviceCodes.delete(id)) await publish().catch(() => undefined);
        }
        return { roles: (await core.identityCenter.syncRoles(id)).roles.length };
      }, true),
    'sso:copy-code': ({ id }: Arg<'sso:copy-code'>) =>
      attempt(async () => {
        const code = deviceCodes.get(id);
        if (!code)
          throw new RolebarError('sso-no-code', 'No sign-in code is waiting.', {
            hint: 'Choose "Sign in with a code" again.',
          });
        // Not a secret: copied as is, without the clearing timer of session snippets.
        await deps.clipboard.writeText(code.userCode);
        return null;
      }, false),
    'sso:set-cli-cache': ({ id, on }: Arg<'sso:set-cli-cache'>) =>
      attempt(() => core.identityCenter.setAwsCliCache(id, on), true),
    'role:switch': ({ roleId, mfaCode, force }: Arg<'role:switch'>) =>
      attempt(async () => {
        const outcome = await core.assumeRole(roleId, { mfaCode, force });
        userActed(roleId);
        return { session: sessionView(outcome.session), notices: outcome.notices };
      }, true),
    'session:sign-out': ({ roleId }: Arg<'session:sign-out'>) =>
      attempt(async () => {
        await core.signOut(roleId);
        userActed(roleId);
        return null;
      }, true),
    'session:whoami': ({ roleId }: Arg<'session:whoami'>) => attempt(() => core.whoAmI({ roleId }), false),
    'snippet:copy': ({ roleId, format }: Arg<'snippet:copy'>) =>
      attempt(
        async () => ({
          clearsInSeconds: await clipboard.copy(await core.exportSnippet(roleId, format), clearSeconds()),
        }),
        false,
      ),
    'snippet:copy-unset': ({ format }: Arg<'snippet:copy-unset'>) =>
      attempt(
        async () => ({ clearsInSeconds: await clipboard.copy(core.unsetSnippet(format), clearSeconds()) }),
        false,
      ),
    'import:preview': () => attempt(async () => (await planImport(core, deps.location)).items, false),
    'import:apply': ({ removePlaintextKeys }: Arg<'import:apply'>) =>
      attempt(async () => {
        // Found before anything changes: a removed key pair needs its credential_process line in the same write.
        const at = removePlaintextKeys ? deps.rolebarEntry?.() : undefined;
        const identityProcess = at && ((name: string) => identityProcessCommand(name, at));
        const result = await applyImport(core, deps.location, { removePlaintextKeys, identityProcess });
        return {
          identities: result.identities.length,
          roles: result.roles.length,
          keysRemovedFrom: result.keysRemovedFrom,
        };
      }, true),
    'preferences:set': (patch: Arg<'preferences:set'>) => attempt(() => settings.setPreferences(patch), true),
    'endpoint:copy': () =>
      attempt(async () => {
        const lines = endpoint.exportLines();
        if (lines === undefined) {
          throw new RolebarError('endpoint-off', 'The credentials endpoint is not running.', {
            hint: 'Turn on "Serve credentials to programs" in Settings, then switch to a role.',
          });
        }
        return { clearsInSeconds: await clipboard.copy(lines, clearSeconds()) };
      }, false),
    'network:online': () => {
      deps.onNetworkOnline?.();
      return null;
    },
    ...iamHandlers({ core, location: deps.location, now, attempt }),
    'identity:key-info': keys['identity:key-info'],
    'identity:rotate': keys['identity:rotate'],
    checkKeyAges: keys.checkKeyAges,
  };
}
