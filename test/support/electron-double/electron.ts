// The recording Electron double: what `import … from 'electron'` gives the built main process under Node in the
// tests (test/support/electron-double/register.ts points the import here). It implements only what Rolebar uses,
// each piece typed against Electron's own .d.ts, and records every call so a test can see what the app did.
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type * as RealElectron from 'electron';
import type {
  Clipboard as RealClipboard,
  IpcMain as RealIpcMain,
  IpcMainInvokeEvent,
  MessageBoxOptions,
  MessageBoxReturnValue,
  Session as RealSession,
  Shell as RealShell,
  UtilityProcess as RealUtilityProcess,
} from 'electron';
import { AppDouble } from './app.js';
import { type FrameDouble, type WebContentsDouble } from './widgets.js';
import { record } from './recorder.js';
import {
  BrowserWindowDouble,
  MenuDouble,
  nativeImage,
  nativeTheme,
  NotificationDouble,
  screen,
  TrayDouble,
} from './widgets.js';

/** The part of an IpcMainInvokeEvent the double can fill: who sent it, from which frame. */
export interface InvokeEventDouble {
  sender: WebContentsDouble;
  senderFrame: FrameDouble | null;
  processId: number;
  frameId: number;
}

type InvokeHandler = (event: InvokeEventDouble, ...args: unknown[]) => unknown;

class IpcMainDouble extends EventEmitter implements Pick<RealIpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: never[]) => unknown): void {
    record('ipcMain.handle');
    if (this.handlers.has(channel)) {
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    }
    this.handlers.set(channel, (event, ...args) => Reflect.apply(listener, undefined, [event, ...args]));
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does: the handler's value, or a rejection with Electron's wording. */
  async invoke(channel: string, event: InvokeEventDouble, args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': no handler registered`);
    try {
      return await handler(event, ...args);
    } catch (error) {
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`, { cause: error });
    }
  }
}

/** ipcMain: `handle` registrations, invoked by the test as a page (or a stranger) would. */
export const ipcMain = new IpcMainDouble();

class SessionDouble implements Pick<
  RealSession,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler'
> {
  requestHandler: Parameters<RealSession['setPermissionRequestHandler']>[0] = null;
  checkHandler: Parameters<RealSession['setPermissionCheckHandler']>[0] = null;

  setPermissionRequestHandler(handler: Parameters<RealSession['setPermissionRequestHandler']>[0]): void {
    record('session.setPermissionRequestHandler');
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: Parameters<RealSession['setPermissionCheckHandler']>[0]): void {
    record('session.setPermissionCheckHandler');
    this.checkHandler = handler;
  }
  /** Whether a page would be granted notifications (Electron grants everything without a handler). */
  grants(): boolean {
    if (!this.checkHandler) return true;
    return this.checkHandler(null, 'notifications', 'file:///', {
      embeddingOrigin: 'file:///',
      isMainFrame: true,
      requestingUrl: 'file:///',
    });
  }
}

/** session: the default session's permission handlers. */
export const session = { defaultSession: new SessionDouble() };

let clipboardText = '';
/** clipboard: in memory; its text never leaves the process (it may hold a secret snippet). */
export const clipboard = {
  async writeText(text: string) {
    record('clipboard.writeText');
    clipboardText = text;
  },
  async readText() {
    record('clipboard.readText');
    return clipboardText;
  },
} satisfies Pick<RealClipboard, 'writeText' | 'readText'>;

/** shell: records that a URL was opened, never which (a console URL carries a sign-in token). */
export const shell = {
  async openExternal(url: string) {
    record(`shell.openExternal ${new URL(url).host}`);
  },
  async openPath(target: string) {
    record('shell.openPath');
    void target;
    return '';
  },
} satisfies Pick<RealShell, 'openExternal' | 'openPath'>;

/** dialog: a message box is recorded with its title (an About box: never a secret) and answered with its first button. */
export const dialog = {
  async showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> {
    record(`dialog.showMessageBox ${options.title ?? ''}`);
    return { response: 0, checkboxChecked: false };
  },
};

class PowerMonitorDouble extends EventEmitter {
  // Only events: their names are checked where main.ts subscribes, against Electron's own overloads.
}
/** powerMonitor: the test emits 'resume' and friends. */
export const powerMonitor = new PowerMonitorDouble();

/** A utility process: a plain Node child here (the keychain helper speaks both dialects). */
class UtilityProcessDouble extends EventEmitter implements Pick<RealUtilityProcess, 'postMessage' | 'kill'> {
  readonly #child: ReturnType<typeof fork>;
  constructor(modulePath: string, args: string[]) {
    super();
    this.#child = fork(modulePath, args, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    this.#child.on('message', (message) => this.emit('message', message));
    this.#child.once('exit', (code) => this.emit('exit', code ?? 1));
  }
  postMessage(message: unknown): void {
    this.#child.send(message as object);
  }
  kill(): boolean {
    return this.#child.kill('SIGKILL');
  }
}

/** utilityProcess: `fork` starts a Node child and records that it did. */
export const utilityProcess = {
  fork(modulePath: string, args: string[] = []) {
    record('utilityProcess.fork');
    return new UtilityProcessDouble(modulePath, args);
  },
} satisfies Record<
  'fork',
  (modulePath: string, args?: string[]) => Pick<RealUtilityProcess, 'postMessage' | 'kill'>
>;

/** app. */
export const app = new AppDouble();

export {
  BrowserWindowDouble as BrowserWindow,
  MenuDouble as Menu,
  nativeImage,
  nativeTheme,
  NotificationDouble as Notification,
  screen,
  TrayDouble as Tray,
};

/** Every export, by Electron's own names: a name Electron does not export fails to compile here. */
const electron = {
  app,
  BrowserWindow: BrowserWindowDouble,
  clipboard,
  dialog,
  ipcMain,
  Menu: MenuDouble,
  nativeImage,
  nativeTheme,
  Notification: NotificationDouble,
  powerMonitor,
  screen,
  session,
  shell,
  Tray: TrayDouble,
  utilityProcess,
} satisfies Partial<Record<keyof typeof RealElectron, unknown>>;

// Electron is a CommonJS module: bundled libraries (electron-store) import it whole, as the default export.
export { electron as default };
