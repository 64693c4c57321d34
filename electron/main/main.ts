// The Electron main process: thin glue between Electron and the plain-Node core, service, scheduler and tray
// builders (electron/service/). Everything with logic worth testing lives there; this file only wires it.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, clipboard, dialog, powerMonitor, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { createCore, type RolebarCore } from '../core/index.js';
import { awsHomeOf } from '../core/aws-files/paths.js';
import { cliDirOf, findRolebarEntry } from '../core/features/outputs/credential-process-command.js';
import { DEFAULT_KEYCHAIN_SERVICE } from '../core/platform/keychain/keychain.js';
import { openSecretStore } from '../core/platform/keychain/backend.js';
import { keychainChoice } from '../core/store/keychain-choice.js';
import { utilityProcessHelper } from './keychain-process.js';
import { APP_NAME, settingsDir } from '../core/platform/paths.js';
import { openSettings, type Settings, type SettingsData } from '../core/store/settings.js';
import type { AppInfo, AppState } from '../ipc/contract.js';
import { stateUpdate } from '../ipc/state-update.js';
import { type AboutText, aboutText } from '../service/about.js';
import { realTimers } from '../service/clipboard.js';
import { openConsole } from '../service/console.js';
import { seedDemo } from '../core/features/demo/index.js';
import { type Demo, startDemo, watchDemoMfaCode } from '../service/demo.js';
import { applyLaunchAtLogin, HIDDEN_ARG } from '../service/launch-at-login.js';
import { startCatalogSync } from '../service/catalog-sync.js';
import { createKeyAgeWatch } from '../service/key-age-watch.js';
import { createScheduler, type Scheduler } from '../service/scheduler.js';
import { createSessionCheck, type SessionCheck } from '../service/session-check.js';
import { createRolebarService, type RolebarService } from '../service/service.js';
import { createTrayDispatcher, type TrayDispatch } from '../service/tray-actions.js';
import { registerHandlers, sendEvent } from './ipc.js';
import { type ElectronNotifier, electronNotifier } from './notifications.js';
import { createTray, type RolebarTray } from './tray.js';
import { createMainWindow, type MainWindow } from './window.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pageUrl = pathToFileURL(path.join(outDir, 'renderer/index.html')).href;
const demoMode = process.argv.includes('--demo') || process.env.ROLEBAR_DEMO === '1';
let main: MainWindow | undefined;
let tray: RolebarTray | undefined;
let quitting = false;

app.setName(APP_NAME);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A second launch focuses the first.
  app.on('second-instance', () => main?.show(tray?.tray.getBounds()));

  // No page of ours ever opens a window or navigates away; deny it for every web contents, present and future.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  app.on('before-quit', () => {
    quitting = true;
  });

  void app.whenReady().then(start);

  // A tray app keeps running with its window closed; without a tray, closing the window quits.
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
}

async function start(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  let demo: Demo | undefined;
  if (demoMode) {
    // Before anything reads the environment: settings, AWS files and STS all point into the demo's folder.
    demo = await startDemo();
    Object.assign(process.env, demo.env);
    closeBeforeExit(demo);
  }
  const env = process.env;
  const { settings, core } = openCore(env, demo);
  if (demo) await seedDemo(core);

  const appInfo: AppInfo = {
    name: APP_NAME,
    version: app.getVersion(),
    platform: process.platform,
    demo: !!demo,
    keychain: demo ? "the demo's own memory (never a keychain)" : keychainChoice(settings, env).where,
  };
  const feed = stateFeed();
  // The page saw the network come back; set once the session check exists.
  let networkOnline: () => void = () => undefined;
  const service = openService({ core, settings, env, appInfo, feed, onNetworkOnline: () => networkOnline() });

  // Notification buttons dispatch tray actions, and the dispatcher reports failures as notifications: the
  // notifier is made first and learns its dispatcher once that exists.
  const notifier = electronNotifier();
  const showWindow = () => main?.show(tray?.tray.getBounds());
  const about = aboutText(appInfo, path.dirname(settings.path));
  const dispatch = trayDispatcher({ service, core, env, notifier, showWindow, about });
  notifier.dispatchTo(dispatch);

  const { scheduler, sessionCheck } = startTimedWork({ service, notifier, settings, core, demo, feed });
  networkOnline = () => {
    sessionCheck.wake();
    void scheduler.reschedule();
  };
  if (!demo) followLaunchAtLogin(settings, env, feed);

  registerHandlers(service, (sender) => main !== undefined && sender === main.window.webContents, pageUrl);
  openTrayAndWindow(dispatch, showWindow, feed);
  followPower(scheduler, sessionCheck, feed);
  if (demo) showDemoMfaCode(demo, appInfo, service);

  await service.publish();
}

/** The settings (the same folder the CLI uses) and the core over them; the core closes on the way out. */
function openCore(env: NodeJS.ProcessEnv, demo: Demo | undefined): { settings: Settings; core: RolebarCore } {
  // The same folder the CLI uses (ROLEBAR_HOME, else userData), through electron-store.
  const settings = openSettings({
    dir: settingsDir(),
    // electron-store names its file after `name` (default "config") and overwrites conf's configName with it: pass
    // the same name, so the app and the CLI share one settings.json under one lock.
    createStore: (options) => new ElectronStore<SettingsData>({ ...options, name: options.configName }),
  });
  const core = createCore({
    settings,
    // The demo keeps its fake keys in memory: it never touches the user's keychain.
    // The keychain the CLI uses too (ROLEBAR_KEYCHAIN, else the stored choice): the window cannot ask for the
    // keychain file's passphrase, so a locked file reads through the unlock agent (`rolebar keychain unlock`).
    secrets:
      demo?.secrets ??
      openSecretStore({
        env,
        backend: keychainChoice(settings, env).backend,
        settingsFolder: path.dirname(settings.path),
        service: env.ROLEBAR_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE,
        startHelper: utilityProcessHelper,
      }),
    env,
    // The demo's own AWS home (demo.env sets it), else the user's: the rule the CLI follows too.
    homedir: awsHomeOf(env, os.homedir()),
  });
  // Close the SDK's connections on the way out, so that nothing is left talking to a server that is stopping.
  app.on('will-quit', () => core.close());
  return { settings, core };
}

/** The published states, fanned out to the parts that follow them. */
interface StateFeed {
  /** Every part subscribes once it exists, so no part is called before it is declared. */
  listen(listener: (state: AppState) => void): void;
  /** The last state published, if any. */
  last(): AppState | undefined;
  /** The service's onStateChanged. */
  publish(state: AppState): void;
}

function stateFeed(): StateFeed {
  const listeners: Array<(state: AppState) => void> = [];
  let last: AppState | undefined;
  return {
    listen: (listener) => void listeners.push(listener),
    last: () => last,
    publish(state) {
      last = state;
      for (const listener of listeners) listener(state);
    },
  };
}

/** The service over the core, publishing to `feed`; it stops watching the settings on the way out. */
function openService(parts: {
  core: RolebarCore;
  settings: Settings;
  env: NodeJS.ProcessEnv;
  appInfo: AppInfo;
  feed: StateFeed;
  onNetworkOnline: () => void;
}): RolebarService {
  const { env } = parts;
  const service = createRolebarService({
    core: parts.core,
    settings: parts.settings,
    clipboard,
    app: parts.appInfo,
    location: { env, homedir: os.homedir() },
    // Identity Center's sign-in page: the URL is built by the core from the identity's region (or the endpoint
    // setting), never from a page's content.
    openExternal: (url) => shell.openExternal(url),
    rolebarEntry: () =>
      findRolebarEntry({
        cliDir: cliDirOf({ outDir, packaged: app.isPackaged, resourcesPath: process.resourcesPath }),
        execPath: process.execPath,
        runsOnNode: process.versions.electron === undefined,
        env,
      }),
    onStateChanged: parts.feed.publish,
    onNetworkOnline: parts.onNetworkOnline,
  });
  // Stop watching settings for the CLI's changes on the way out.
  app.on('will-quit', () => service.close());
  return service;
}

/** What the tray menu's and the notifications' buttons do. */
function trayDispatcher(parts: {
  service: RolebarService;
  core: RolebarCore;
  env: NodeJS.ProcessEnv;
  notifier: ElectronNotifier;
  showWindow: () => void;
  about: AboutText;
}): TrayDispatch {
  const { service, core, env, notifier, showWindow, about } = parts;
  return createTrayDispatcher({
    service,
    notifier,
    showWindow,
    promptMfa(roleId) {
      showWindow();
      if (main) sendEvent(main.window.webContents, 'ui:prompt-mfa', { roleId });
    },
    openSettings() {
      showWindow();
      if (main) sendEvent(main.window.webContents, 'ui:open-settings', {});
    },
    showAbout: () => void dialog.showMessageBox({ type: 'info', buttons: ['OK'], ...about }),
    openConsole: (roleId) =>
      openConsole({ core, env, openExternal: (url) => shell.openExternal(url) }, roleId),
    quit: () => app.quit(),
  });
}

/**
 * The work that runs on timers: the scheduler (alerts, refreshes and the session check on one timer), the
 * key-age watch and, outside the demo, the catalog sync. Each stops as the quit begins.
 */
function startTimedWork(parts: {
  service: RolebarService;
  notifier: ElectronNotifier;
  settings: Settings;
  core: RolebarCore;
  demo: Demo | undefined;
  feed: StateFeed;
}): { scheduler: Scheduler; sessionCheck: SessionCheck } {
  const { service, notifier } = parts;
  // Is the active session still accepted? Due at launch, then every 15 minutes on the scheduler's one timer.
  const sessionCheck = createSessionCheck({ service });
  const scheduler = createScheduler({
    service,
    notifier,
    timers: realTimers,
    snippetFormat: process.platform === 'win32' ? 'powershell' : 'bash',
    sessionCheck,
  });
  parts.feed.listen(() => void scheduler.reschedule());
  // Stopped as the quit begins, so no check starts (or publishes) while the demo's servers close.
  app.on('before-quit', () => scheduler.stop());
  // Access keys past the age threshold: checked through IAM at start and daily, shown once a day.
  const keyAgeWatch = createKeyAgeWatch({ service, notifier, timers: realTimers });
  void keyAgeWatch.check();
  app.on('before-quit', () => keyAgeWatch.stop());
  // Team catalogs: synced on start and every few hours; their roles reach the window through the settings watch.
  if (!parts.demo) {
    const catalogSync = startCatalogSync({ settings: parts.settings, secrets: parts.core.secrets });
    app.on('will-quit', () => catalogSync.stop());
  }
  return { scheduler, sessionCheck };
}

/** Applies the launch-at-login preference whenever it changes. */
function followLaunchAtLogin(settings: Settings, env: NodeJS.ProcessEnv, feed: StateFeed): void {
  let launchAtLogin = settings.preferences().launchAtLogin;
  feed.listen((state) => {
    if (state.preferences.launchAtLogin === launchAtLogin) return;
    launchAtLogin = state.preferences.launchAtLogin;
    applyLaunchAtLogin(launchAtLogin, {
      platform: process.platform,
      setLoginItemSettings: (s) => app.setLoginItemSettings(s),
      execPath: env.APPIMAGE || process.execPath,
      env,
      homedir: os.homedir(),
    });
  });
}

/** The tray (when the desktop has one) and the window, both following the state. */
function openTrayAndWindow(dispatch: TrayDispatch, showWindow: () => void, feed: StateFeed): void {
  try {
    tray = createTray({ dispatch, onClick: (bounds) => main?.show(bounds), consoleAvailable: true });
  } catch {
    // Some Linux desktops have no tray at all: the window is then a normal one and closing it quits.
    tray = undefined;
  }
  feed.listen((state) => tray?.update(state));
  main = createMainWindow(outDir, { popover: tray !== undefined && process.platform !== 'linux' });
  // The roles go to the window only when they changed (state-update.ts): the list it was sent last.
  let sentRoles: AppState['roles'] | undefined;
  feed.listen((state) => {
    if (!main) return;
    sendEvent(main.window.webContents, 'state:changed', stateUpdate(state, sentRoles));
    sentRoles = state.roles;
  });
  // Started at login: stay in the tray. Otherwise show the window once it has something to show.
  const atLogin = process.argv.includes(HIDDEN_ARG) || app.getLoginItemSettings().wasOpenedAtLogin;
  if (!atLogin || !tray) main.window.once('ready-to-show', showWindow);
  main.window.on('close', (event) => {
    if (tray && !quitting) {
      event.preventDefault();
      main?.window.hide();
    }
  });
  main.window.on('closed', () => {
    main = undefined;
  });
}

/**
 * After sleep or unlock, timers may have slept too: recompute countdowns and alerts, run due refreshes.
 * An unlock also ends a suspend whose 'resume' went unreported, so alerts never stay off.
 */
function followPower(scheduler: Scheduler, sessionCheck: SessionCheck, feed: StateFeed): void {
  const resume = () => {
    void scheduler.resume();
    const last = feed.last();
    if (last) tray?.update(last);
  };
  powerMonitor.on('resume', () => {
    sessionCheck.wake();
    resume();
  });
  powerMonitor.on('unlock-screen', resume);
  powerMonitor.on('suspend', () => {
    sessionCheck.pause();
    scheduler.suspend();
  });
}

/** Demo mode: the fake MFA device's current code, in the window, the tray and the terminal. */
function showDemoMfaCode(demo: Demo, appInfo: AppInfo, service: RolebarService): void {
  watchDemoMfaCode(
    demo,
    (code) => {
      appInfo.demoMfaHint = code;
      console.log(`Rolebar demo: the MFA code for "prod admin" is ${code}`);
      void service.publish();
    },
    { now: Date.now, timers: realTimers },
  );
}

/**
 * Electron ends the process right after 'will-quit', whatever is still in flight: hold the quit until the demo's
 * emulator has stopped and its folder is gone, then quit again.
 */
function closeBeforeExit(demo: Demo): void {
  let closing: Promise<void> | undefined;
  let closed = false;
  // A write still in flight when the folder went (a settings save re-creates its folder) would leave it behind:
  // at exit nothing runs any more, so the folder is removed once more then.
  process.once('exit', () => rmSync(demo.dir, { recursive: true, force: true }));
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    closing ??= demo
      .close()
      .catch((error: unknown) => console.error('Rolebar demo: could not clean up:', error))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
}
