// The Electron double's `app`: ready, quit and the single-instance lock in the order Electron runs them. The lock is
// real across processes (a lock file and a Unix socket in userData), so a second launch reaches the first.
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { App as RealApp, LoginItemSettings } from 'electron';
import type { ExitReport } from './protocol.js';
import { electronEvent, record, recorded } from './recorder.js';
import { windowEvents } from './widgets.js';

/** The app object. */
export class AppDouble
  extends EventEmitter
  implements
    Pick<
      RealApp,
      | 'setName'
      | 'getName'
      | 'getVersion'
      | 'getPath'
      | 'whenReady'
      | 'isReady'
      | 'quit'
      | 'exit'
      | 'requestSingleInstanceLock'
      | 'getLoginItemSettings'
      | 'setLoginItemSettings'
    >
{
  private name = 'Electron';
  private ready = false;
  private quitting = false;
  private readyPromise: Promise<void> | undefined;
  private lock: { file: string; server: net.Server } | undefined;
  /** Work that must finish before the process may exit (a second instance telling the first). */
  private readonly beforeExit: Array<Promise<unknown>> = [];

  constructor() {
    super();
    windowEvents.on('web-contents-created', (contents) =>
      this.emit('web-contents-created', electronEvent({}), contents),
    );
    windowEvents.on('window-all-closed', () => {
      // Without a listener Electron quits; with one, the app decides.
      if (this.listenerCount('window-all-closed') === 0) this.quit();
      else this.emit('window-all-closed');
    });
  }

  /** Electron is ready once the main script's first turn has run: the turn after the app first touches `app`. */
  private becomeReady(): Promise<void> {
    this.readyPromise ??= new Promise((resolve) =>
      setImmediate(() => {
        this.ready = true;
        this.emit('ready', electronEvent({}), {});
        resolve();
      }),
    );
    return this.readyPromise;
  }

  setName(name: string): void {
    record('app.setName');
    void this.becomeReady();
    this.name = name;
  }
  getName(): string {
    return this.name;
  }
  /** Like Electron: the version in the package.json of the app being run (out/main/main.js → the root's). */
  getVersion(): string {
    const script = process.argv[1] ?? '';
    const manifest: unknown = JSON.parse(readFileSync(path.resolve(script, '../../../package.json'), 'utf8'));
    const version =
      typeof manifest === 'object' && manifest !== null && 'version' in manifest && manifest.version;
    return typeof version === 'string' ? version : '0.0.0';
  }
  /** Linux's and macOS's userData; everything else the app asks for is the home folder. */
  getPath(name: Parameters<RealApp['getPath']>[0]): string {
    if (name !== 'userData' && name !== 'appData') return os.homedir();
    const appData =
      process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support')
        : process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
    return name === 'appData' ? appData : path.join(appData, this.name);
  }
  whenReady(): Promise<void> {
    record('app.whenReady');
    return this.becomeReady();
  }
  isReady(): boolean {
    return this.ready;
  }
  getLoginItemSettings(): LoginItemSettings {
    record('app.getLoginItemSettings');
    return {
      openAtLogin: false,
      wasOpenedAtLogin: false,
      status: 'not-registered',
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  }
  setLoginItemSettings(settings: Parameters<RealApp['setLoginItemSettings']>[0]): void {
    record('app.setLoginItemSettings');
    void settings;
  }

  /**
   * True for the first instance, which then hears later launches as 'second-instance'; false for a later one,
   * which has told the first by the time it exits.
   */
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean {
    record('app.requestSingleInstanceLock');
    const dir = this.getPath('userData');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'SingletonDouble.lock');
    const socket = path.join(dir, 'SingletonDouble.sock');
    const holder = lockHolder(file);
    if (holder !== undefined && holder !== process.pid) {
      this.beforeExit.push(
        tellFirstInstance(socket, { argv: process.argv, cwd: process.cwd(), additionalData }),
      );
      return false;
    }
    writeFileSync(file, String(process.pid));
    rmSync(socket, { force: true });
    const server = net.createServer((connection) => {
      let text = '';
      connection.setEncoding('utf8');
      connection.on('data', (chunk) => (text += chunk));
      connection.on('end', () => {
        const launch: unknown = JSON.parse(text);
        const fields = typeof launch === 'object' && launch !== null ? launch : {};
        const argv = 'argv' in fields && Array.isArray(fields.argv) ? fields.argv : [];
        const cwd = 'cwd' in fields && typeof fields.cwd === 'string' ? fields.cwd : '';
        const data = 'additionalData' in fields ? fields.additionalData : undefined;
        this.emit('second-instance', electronEvent({}), argv, cwd, data);
      });
    });
    server.listen(socket);
    this.lock = { file, server };
    return true;
  }

  /** Electron's quit: 'before-quit', close every window, 'will-quit', 'quit', then the process ends. */
  quit(): void {
    record('app.quit');
    if (this.quitting) return;
    this.quitting = true;
    setImmediate(() => void this.runQuit());
  }
  exit(exitCode = 0): void {
    record('app.exit');
    void this.end(exitCode);
  }

  private async runQuit(): Promise<void> {
    try {
      const beforeQuit = electronEvent({});
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return;
      for (const window of recorded.windows) if (!window.tryClose(true)) return;
      const willQuit = electronEvent({});
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) return;
      this.emit('quit', electronEvent({}), 0);
      await this.end(0);
    } finally {
      this.quitting = false;
    }
  }

  /** Ends the process as Electron does: at once, whatever the app still has in flight. */
  private async end(code: number): Promise<void> {
    await Promise.allSettled(this.beforeExit);
    if (this.lock) {
      const { file, server } = this.lock;
      rmSync(file, { force: true });
      await new Promise((resolve) => server.close(resolve));
    }
    const report: ExitReport = { event: 'exit', code, resources: process.getActiveResourcesInfo() };
    if (process.send) await new Promise((resolve) => process.send?.(report, undefined, undefined, resolve));
    process.exit(code);
  }
}

/** The pid holding the lock file, if that process still runs. */
function lockHolder(file: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Sends this launch's argv to the first instance (retrying while its socket is not yet listening). */
async function tellFirstInstance(socket: string, launch: object): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const sent = await new Promise<boolean>((resolve) => {
      const connection = net.connect(socket, () =>
        connection.end(JSON.stringify(launch), () => resolve(true)),
      );
      connection.on('error', () => resolve(false));
    });
    if (sent) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
