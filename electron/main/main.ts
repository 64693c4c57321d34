// The Electron main process: thin glue between Electron and the plain-Node core in electron/core.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, session } from 'electron';
import { APP_NAME } from '../core/paths.js';
import { handle } from './ipc.js';
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

    const isTrustedSender = (sender: Electron.WebContents) =>
      mainWindow !== undefined && sender === mainWindow.webContents;
    handle('app:get-info', isTrustedSender, () => ({
      name: APP_NAME,
      version: app.getVersion(),
      platform: process.platform,
      demo,
    }));

    mainWindow = createMainWindow(outDir);
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
