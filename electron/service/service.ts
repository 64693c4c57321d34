// The service layer: the main process's IPC handlers over the core, plain Node. This file wires the handler
// groups (setup, sessions, Identity Center sign-in, IAM tools, keys) and builds the state they publish.
import type {
  AppInfo,
  AppState,
  KeyAgeWarningView,
  RequestHandlers,
  Result,
  SwitchOutcome,
} from '../ipc/contract.js';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import type { RolebarCore } from '../core/index.js';
import { activeSessionOf } from '../core/domain/session-live.js';
import { namesById, type Role } from '../core/domain/model.js';
import type { Settings } from '../core/store/settings.js';
import type { RolebarEntry } from '../core/features/outputs/credential-process-command.js';
import { type ClipboardLike, createSecretClipboard, realTimers, type Timers } from './clipboard.js';
import { createAppEndpoint } from './app-endpoint.js';
import { attemptWith } from './attempt.js';
import { iamHandlers } from './iam.js';
import { catalogViews } from './catalog-views.js';
import { keyService } from './keys.js';
import { sessionHandlers } from './session-handlers.js';
import { sessionProblems } from './session-problem.js';
import { setupHandlers } from './setup-handlers.js';
import { ssoHandlers } from './sso-handlers.js';
import { identityView, roleView, sessionView } from './views.js';
import { describeIdentity } from '../core/sessions/sources/registry.js';

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

/** Builds the service over the core. Secrets go only to the clipboard and the credentials file, never out of here. */
export function createRolebarService(deps: ServiceDeps): RolebarService {
  const { core, settings } = deps;
  const now = deps.now ?? Date.now;
  const clipboard = createSecretClipboard(deps.clipboard, deps.timers ?? realTimers);
  /** The credentials endpoint for the active role; it follows each published state. */
  const endpoint = createAppEndpoint(core);
  const attempt = attemptWith(publish);
  const problems = sessionProblems({ core, now, publish });
  const keys = keyService({ core, settings, location: deps.location, now, attempt });
  const sso = ssoHandlers({
    core,
    clipboard: deps.clipboard,
    openExternal: deps.openExternal,
    now,
    attempt,
    publish,
  });
  const sessions = sessionHandlers({
    core,
    clipboard,
    clearSeconds: () => settings.preferences().clipboardClearSeconds,
    endpoint,
    attempt,
    userActed: problems.userActed,
  });

  async function state(): Promise<AppState> {
    // One read of settings for the preferences and the catalogs (the stores' reads of the same text reuse it).
    const data = settings.read();
    const identities = core.identities.list();
    const roles = core.roles.list();
    const sessions = core.sessions.list();
    const names = namesById(identities, roles);
    // Each role's session found by id, not by a search of the sessions per role (5,000 catalog roles).
    const sessionOf = new Map(sessions.map((s) => [s.roleId, s]));
    const active = activeSessionOf(sessions, now());
    const view: AppState = {
      app: deps.app,
      identities: await Promise.all(
        identities.map(async (i) =>
          identityView(
            i,
            await core.mfaSessionExpiry(i.id),
            describeIdentity(i).can.signIn && signInNeed(await core.identityCenter.status(i.id)),
            sso.deviceCode(i.id),
          ),
        ),
      ),
      roles: roles.map((r: Role) => roleView(r, sessionOf.get(r.id), names.get(r.source.id) ?? '?')),
      sessions: sessions.map(sessionView),
      preferences: data.preferences,
    };
    if (active) view.activeRoleId = active.roleId;
    if (data.catalogs?.length) {
      const own = roles.filter((r) => r.catalog === undefined);
      view.catalogs = catalogViews(data, settings.path, own);
    }
    const warnings = keys.warnings();
    if (warnings.length > 0) view.keyAgeWarnings = warnings;
    const problem = problems.current();
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
  const stopWatching = deps.onStateChanged ? watchBoth() : () => undefined;
  function watchBoth(): () => void {
    const changed = () => void publish().catch(() => undefined);
    const stops = [settings.watch(changed), core.sessions.watch(changed)];
    return () => stops.forEach((stop) => stop());
  }

  return {
    state,
    publish,
    close() {
      stopWatching();
      void endpoint.close();
    },
    verifyActive: problems.verifyActive,
    renew: sessions.renew,
    'app:get-info': () => deps.app,
    'state:get': state,
    ...setupHandlers({ core, settings, location: deps.location, rolebarEntry: deps.rolebarEntry, attempt }),
    ...sessions.handlers,
    ...sso.handlers,
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

/** Whether an Identity Center identity asks for a sign-in: 'first' when it never had one (no tokens at all). */
function signInNeed(status: { signedIn: boolean; expiresAt?: string | undefined }): boolean | 'first' {
  if (status.signedIn) return false;
  return status.expiresAt === undefined ? 'first' : true;
}
