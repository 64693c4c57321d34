// Starts the BUILT main process (out/main/main.js, what `npm start` gives Electron) under Node, with `electron`
// replaced by the recording double, and drives it from the test: snapshots of what it did, tray clicks,
// notification buttons, IPC from any sender, power events, clock moves and quitting.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSandbox, type Sandbox } from '../sandbox.js';
import {
  type Command,
  type CopiedEndpointUse,
  type ExitReport,
  type IpcSender,
  PLATFORM_VARIABLE,
  type Reply,
  type Snapshot,
} from './protocol.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
/** The bundle `npm start` runs; `npm test` builds it before the tests. */
export const MAIN_BUNDLE = path.join(root, 'out/main/main.js');

/** How long to wait for the app to reach a state before failing (a hang guard, not a speed check). */
const WAIT_MS = 60_000;

/** A running app under the double. */
export interface DoubleApp {
  sandbox: Sandbox;
  snapshot(): Promise<Snapshot>;
  /** Waits until `predicate` holds for a snapshot; fails with the last snapshot and the app's output. */
  until(what: string, predicate: (snapshot: Snapshot) => boolean): Promise<Snapshot>;
  clickTrayItem(label: string): Promise<void>;
  trayEvent(event: 'click' | 'right-click'): Promise<void>;
  pressNotificationButton(notification: number, button: string): Promise<void>;
  /** Invokes an IPC channel as `from`; resolves to the handler's value, rejects with Electron's error. */
  invoke(channel: string, args: unknown[], from?: IpcSender): Promise<unknown>;
  power(event: 'resume' | 'unlock-screen' | 'suspend'): Promise<void>;
  /** Uses the endpoint lines on the app's clipboard inside the app's process (the token stays there). */
  useCopiedEndpoint(): Promise<CopiedEndpointUse>;
  /** Moves the app's clock forward awake (due timers fire) or asleep (no timer runs until moved awake again). */
  advanceClock(ms: number, options?: { asleep?: boolean }): Promise<void>;
  /** Quits as the app's own Quit does; resolves with the double's report once the process has exited. */
  quit(): Promise<ExitReport>;
  /** Waits for the process to exit (failing, with its output, if it never does); the double's report if sent. */
  waitForExit(): Promise<{ code: number | null; report: ExitReport | undefined }>;
  /** What the app printed (stdout and stderr). */
  output(): string;
  /** Kills the process if it still runs, removes the sandbox (unless shared with another instance). */
  dispose(): Promise<void>;
}

/** Options for launchApp. */
export interface LaunchOptions {
  args?: string[];
  /** Run as on this OS (process.platform inside the app). */
  platform?: NodeJS.Platform;
  /** Share a sandbox (HOME, settings) with another instance; the first owner removes it. */
  sandbox?: Sandbox;
  /** Wait for a ready app with a tray (default); false returns at once (e.g. a second instance that quits). */
  waitUntilReady?: boolean;
}

/** Starts the app in demo mode (by default) under the double. */
export async function launchApp(options: LaunchOptions = {}): Promise<DoubleApp> {
  if (!existsSync(MAIN_BUNDLE)) {
    throw new Error(`${path.relative(root, MAIN_BUNDLE)} is missing: run \`npm run build\` (npm test does).`);
  }
  const owned = options.sandbox === undefined;
  const sandbox = options.sandbox ?? makeSandbox('electron-double');
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ROLEBAR_DEMO: '1' };
  delete env.ROLEBAR_HOME; // demo mode makes its own folder, as `npm start -- --demo` does
  // userData (and with it the single-instance lock) inside the sandbox: apps of other tests never meet.
  env.XDG_CONFIG_HOME = path.join(sandbox.dir, '.config');
  if (options.platform) env[PLATFORM_VARIABLE] = options.platform;
  const child = fork(MAIN_BUNDLE, options.args ?? ['--demo'], {
    cwd: root,
    env,
    execArgv: ['--import', 'tsx', '--import', path.join(here, 'register.ts')],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  let report: ExitReport | undefined;
  const waiting = new Map<number, (reply: Reply) => void>();
  const exited = new Promise<{ code: number | null; report: ExitReport | undefined }>((resolve) =>
    child.on('exit', (code) => {
      for (const answer of waiting.values()) answer({ id: -1, ok: false, error: 'the app exited' });
      resolve({ code, report });
    }),
  );
  child.on('message', (message: unknown) => {
    const exit = parseExitReport(message);
    if (exit) report = exit;
    const reply = parseReply(message);
    if (reply) waiting.get(reply.id)?.(reply);
  });

  let nextId = 1;
  const send = (command: Command): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (reply) => {
        waiting.delete(id);
        if (reply.ok) resolve(reply.value);
        else reject(new Error(reply.error));
      });
      if (!child.connected) return waiting.get(id)?.({ id, ok: false, error: 'the app is not running' });
      child.send({ id, ...command });
    });

  const snapshot = async (): Promise<Snapshot> => parseSnapshot(await send({ op: 'snapshot' }));
  const app: DoubleApp = {
    sandbox,
    snapshot,
    async until(what, predicate) {
      const deadline = Date.now() + WAIT_MS;
      let last: Snapshot | undefined;
      while (Date.now() < deadline && child.exitCode === null) {
        last = await snapshot().catch(() => last);
        if (last && predicate(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(
        `the app never reached: ${what}\nlast snapshot: ${describe(last)}\napp output:\n${printed}`,
      );
    },
    clickTrayItem: async (label) => void (await send({ op: 'click-tray-item', label })),
    trayEvent: async (event) => void (await send({ op: 'tray-event', event })),
    pressNotificationButton: async (notification, action) =>
      void (await send({ op: 'notification-action', notification, action })),
    invoke: (channel, args, from = 'window') => send({ op: 'invoke', channel, args, from }),
    power: async (event) => void (await send({ op: 'power', event })),
    useCopiedEndpoint: async () => parseEndpointUse(await send({ op: 'use-copied-endpoint', logs: printed })),
    advanceClock: async (ms, { asleep = false } = {}) =>
      void (await send({ op: 'advance-clock', ms, asleep })),
    async quit() {
      await send({ op: 'quit' });
      const { code, report: sent } = await app.waitForExit();
      if (!sent)
        throw new Error(`the app exited (code ${code}) without quitting through app.quit\n${printed}`);
      return sent;
    },
    waitForExit: () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the app never exited\napp output:\n${printed}`)), WAIT_MS);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    output: () => printed,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (owned) sandbox.cleanup();
    },
  };
  if (options.waitUntilReady !== false) {
    try {
      await app.until('app.whenReady() resolved and the tray is built', (s) => s.ready && s.trays.length > 0);
    } catch (error) {
      await app.dispose();
      throw error;
    }
  }
  return app;
}

/** Runs `body` with a launched app, and always disposes of it. */
export async function withApp<T>(options: LaunchOptions, body: (app: DoubleApp) => Promise<T>): Promise<T> {
  const app = await launchApp(options);
  try {
    return await body(app);
  } finally {
    await app.dispose();
  }
}

function describe(snapshot: Snapshot | undefined): string {
  if (!snapshot) return 'none';
  const { calls, windows, ...rest } = snapshot;
  const brief = windows.map(({ sent, ...w }) => ({ ...w, sent: sent.map((e) => e.channel) }));
  return JSON.stringify({ ...rest, windows: brief, calls: calls.slice(-20) }, null, 1);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function parseReply(message: unknown): Reply | undefined {
  if (!isObject(message) || !('id' in message) || typeof message.id !== 'number' || !('ok' in message)) {
    return undefined;
  }
  if (message.ok === true)
    return { id: message.id, ok: true, value: 'value' in message ? message.value : null };
  const error = 'error' in message && typeof message.error === 'string' ? message.error : 'unknown error';
  return { id: message.id, ok: false, error };
}

function parseExitReport(message: unknown): ExitReport | undefined {
  if (!isObject(message) || !('event' in message) || message.event !== 'exit') return undefined;
  const code = 'code' in message && typeof message.code === 'number' ? message.code : -1;
  const resources = 'resources' in message && Array.isArray(message.resources) ? message.resources : [];
  return { event: 'exit', code, resources: resources.map(String) };
}

/** The snapshot is structured-cloned data the double built from protocol.ts's type: its outline is checked. */
function isSnapshot(value: unknown): value is Snapshot {
  return (
    isObject(value) &&
    'ready' in value &&
    'trays' in value &&
    Array.isArray(value.trays) &&
    'windows' in value &&
    Array.isArray(value.windows) &&
    'notifications' in value &&
    Array.isArray(value.notifications)
  );
}

function parseEndpointUse(value: unknown): CopiedEndpointUse {
  if (
    typeof value !== 'object' ||
    value === null ||
    !('status' in value) ||
    typeof value.status !== 'number' ||
    !('tokenSeenIn' in value) ||
    !Array.isArray(value.tokenSeenIn)
  ) {
    throw new TypeError('the double sent a malformed endpoint answer');
  }
  const key = 'accessKeyId' in value && typeof value.accessKeyId === 'string' ? value.accessKeyId : undefined;
  return {
    status: value.status,
    ...(key ? { accessKeyId: key } : {}),
    tokenSeenIn: value.tokenSeenIn.map(String),
  };
}

function parseSnapshot(value: unknown): Snapshot {
  if (!isSnapshot(value)) throw new TypeError('the double sent a malformed snapshot');
  return value;
}
