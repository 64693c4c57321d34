import path from 'node:path';
import { BrowserWindow } from 'electron';

/** Creates the main window with Electron's safest settings; the page is our bundled file, never a URL. */
export function createMainWindow(outDir: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 420,
    height: 600,
    show: false,
    title: 'Rolebar',
    webPreferences: {
      preload: path.join(outDir, 'preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(path.join(outDir, 'renderer/index.html'));
  return window;
}
