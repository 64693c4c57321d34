// The Electron main process: thin glue between Electron and the plain-Node core and service layer.
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, clipboard, session } from 'electron';
import ElectronStore from 'electron-store';
import { createCore } from '../core/core.js';
import { DEFAULT_KEYCHAIN_SERVICE, openKeychain } from '../core/keychain.js';
import { APP_NAME, settingsDir } from '../core/paths.js';
import { openSettings, type SettingsData } from '../core/settings.js';
import { createRolebarService } from '../service/service.js';
import { registerHandlers, sendEvent } from './ipc.js';
import { createMainWindow } from './window.js';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = process.argv.includes('--demo') || process.env.ROLEBAR_DEMO === '1';
let mainWindow: BrowserWindow | undefined;

app.setName(APP_NAME);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    }
  });

  // No page of ours ever opens a window or navigates away; deny it for every web contents, present and future.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);

    const env = process.env;
    // The same folder the CLI uses (ROLEBAR_HOME, else userData), through electron-store.
    const settings = openSettings({
      dir: settingsDir(),
      createStore: (options) => new ElectronStore<SettingsData>(options),
    });
    const core = createCore({
      settings,
      secrets: openKeychain({ service: env.ROLEBAR_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE }),
      env,
      homedir: os.homedir(),
    });
    const service = createRolebarService({
      core,
      settings,
      clipboard,
      app: { name: APP_NAME, version: app.getVersion(), platform: process.platform, demo },
      location: { env, homedir: os.homedir() },
      onStateChanged: (state) => {
        if (mainWindow) sendEvent(mainWindow.webContents, 'state:changed', state);
      },
    });
    registerHandlers(service, (sender) => mainWindow !== undefined && sender === mainWindow.webContents);

    mainWindow = createMainWindow(outDir);
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
