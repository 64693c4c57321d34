// The Electron main process: thin glue between Electron and the plain-Node core, service, scheduler and tray
// builders (electron/service/). Everything with logic worth testing lives there; this file only wires it.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, clipboard, powerMonitor, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { createCore } from '../core/core.js';
import { DEFAULT_KEYCHAIN_SERVICE, openKeychain } from '../core/keychain.js';
import { utilityProcessHelper } from './keychain-process.js';
import { APP_NAME, settingsDir } from '../core/paths.js';
import { openSettings, type SettingsData } from '../core/settings.js';
import type { AppInfo, AppState } from '../ipc/contract.js';
import { realTimers } from '../service/clipboard.js';
import { openConsole } from '../service/console.js';
import { type Demo, seedDemo, startDemo, watchDemoMfaCode } from '../service/demo.js';
import { applyLaunchAtLogin, HIDDEN_ARG } from '../service/launch-at-login.js';
import { createScheduler } from '../service/scheduler.js';
import { createRolebarService } from '../service/service.js';
import { createTrayDispatcher } from '../service/tray-actions.js';
import { trayLabel, trayMenu } from '../service/tray-menu.js';
import { registerHandlers, sendEvent } from './ipc.js';
import { electronNotifier } from './notifications.js';
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
    app.on('will-quit', () => void demo?.close());
  }
  const env = process.env;
  // The same folder the CLI uses (ROLEBAR_HOME, else userData), through electron-store.
  const settings = openSettings({
    dir: settingsDir(),
    createStore: (options) => new ElectronStore<SettingsData>(options),
  });
  const core = createCore({
    settings,
    // The demo keeps its fake keys in memory: it never touches the user's keychain.
    secrets:
      demo?.secrets ??
      openKeychain({
        service: env.ROLEBAR_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE,
        startHelper: utilityProcessHelper,
      }),
    env,
    homedir: os.homedir(),
  });
  if (demo) await seedDemo(core);

  const appInfo: AppInfo = {
    name: APP_NAME,
    version: app.getVersion(),
    platform: process.platform,
    demo: !!demo,
  };
  let lastState: AppState | undefined;
  let launchAtLogin = settings.preferences().launchAtLogin;
  const service = createRolebarService({
    core,
    settings,
    clipboard,
    app: appInfo,
    location: { env, homedir: os.homedir() },
    onStateChanged: (state) => {
      lastState = state;
      if (main) sendEvent(main.window.webContents, 'state:changed', state);
      tray?.update(state);
      void scheduler.reschedule();
      if (state.preferences.launchAtLogin !== launchAtLogin && !demo) {
        launchAtLogin = state.preferences.launchAtLogin;
        applyLaunchAtLogin(launchAtLogin, {
          platform: process.platform,
          setLoginItemSettings: (s) => app.setLoginItemSettings(s),
          execPath: env.APPIMAGE || process.execPath,
          env,
          homedir: os.homedir(),
        });
      }
    },
  });

  const showWindow = () => main?.show(tray?.tray.getBounds());
  const dispatch = createTrayDispatcher({
    service,
    notifier: { notify: (n) => notifier.notify(n) },
    showWindow,
    promptMfa(roleId) {
      showWindow();
      if (main) sendEvent(main.window.webContents, 'ui:prompt-mfa', { roleId });
    },
    openConsole: (roleId) =>
      openConsole({ core, env, openExternal: (url) => shell.openExternal(url) }, roleId),
    quit: () => app.quit(),
  });
  const notifier = electronNotifier(dispatch);
  const scheduler = createScheduler({
    service,
    notifier,
    timers: realTimers,
    snippetFormat: process.platform === 'win32' ? 'powershell' : 'bash',
  });

  registerHandlers(service, (sender) => main !== undefined && sender === main.window.webContents, pageUrl);

  try {
    tray = createTray({ dispatch, onClick: (bounds) => main?.show(bounds), consoleAvailable: true });
  } catch {
    // Some Linux desktops have no tray at all: the window is then a normal one and closing it quits.
    tray = undefined;
  }
  main = createMainWindow(outDir, { popover: tray !== undefined && process.platform !== 'linux' });
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

  // After sleep or unlock, timers may have slept too: recompute countdowns and alerts, run due refreshes.
  const resume = () => {
    void scheduler.reschedule();
    if (lastState) tray?.update(lastState);
  };
  powerMonitor.on('resume', resume);
  powerMonitor.on('unlock-screen', resume);

  if (demo) {
    const running = demo;
    watchDemoMfaCode(
      running,
      (code) => {
        appInfo.demoMfaHint = code;
        console.log(`Rolebar demo: the MFA code for "prod admin" is ${code}`);
        void service.publish();
      },
      { now: Date.now, timers: realTimers },
    );
  }
  if (env.ROLEBAR_E2E === '1') exposeTestHooks(() => lastState);

  await service.publish();
}

/** Test-only (ROLEBAR_E2E=1): lets the Playwright smoke test read the tray as a user would see it. */
function exposeTestHooks(state: () => AppState | undefined): void {
  const hooks = globalThis as Record<string, unknown>;
  hooks.__rolebarTrayTemplate = () => {
    const current = state();
    return current ? trayMenu(current, Date.now(), { consoleAvailable: true }) : [];
  };
  hooks.__rolebarTrayLabel = () => {
    const current = state();
    return current ? trayLabel(current, Date.now()) : undefined;
  };
}
