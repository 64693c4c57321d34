import path from 'node:path';
import { BrowserWindow, type Rectangle, screen } from 'electron';
import { windowPlacement } from '../service/window-position.js';

const SIZE = { width: 420, height: 600 };

/** The main window and how to show it by the tray. */
export interface MainWindow {
  window: BrowserWindow;
  /** Shows and focuses the window: by the tray icon when it has bounds, else as a normal window. */
  show(trayBounds?: Rectangle): void;
}

/**
 * Creates the main window with Electron's safest settings; the page is our bundled file, never a URL. Shown by
 * the tray it behaves as a popover (frameless, hidden on blur); without a usable tray it is a normal window.
 */
export function createMainWindow(outDir: string, options: { popover: boolean }): MainWindow {
  const window = new BrowserWindow({
    ...SIZE,
    show: false,
    title: 'Rolebar',
    frame: !options.popover,
    resizable: !options.popover,
    skipTaskbar: options.popover,
    alwaysOnTop: options.popover,
    webPreferences: {
      preload: path.join(outDir, 'preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      // A middle click must not open a link in a new window (electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (options.popover) window.on('blur', () => window.hide());
  void window.loadFile(path.join(outDir, 'renderer/index.html'));
  return {
    window,
    show(trayBounds) {
      const display = trayBounds ? screen.getDisplayMatching(trayBounds) : screen.getPrimaryDisplay();
      const placement = windowPlacement(options.popover ? trayBounds : undefined, SIZE, display.workArea);
      if (placement.mode === 'popover') window.setPosition(placement.x, placement.y, false);
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
  };
}
