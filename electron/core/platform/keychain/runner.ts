/*
 * Runs keytar in a helper process (helper.ts) that can be killed: a keychain call that hangs (a
 * D-Bus that accepts and never answers, an unlock prompt nobody sees) then costs a killed child, never a
 * process that cannot exit. The helper is started on first use, reused while busy, let go when idle, and
 * never keeps its parent alive.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type HelperRequest, type HelperResponse, isHelperReady, parseHelperResponse } from './protocol.js';
import type { KeytarLike } from './keychain.js';

/** A started helper, whatever started it (Node's fork here; Electron's utilityProcess in the app). */
export interface HelperProcess {
  send(request: HelperRequest): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: () => void): void;
  kill(): void;
  /** Whether the helper may keep the parent's event loop alive: only while a call waits on it. */
  hold(busy: boolean): void;
}

/** Starts the helper program at `modulePath`. */
export type StartHelper = (modulePath: string) => HelperProcess;

/**
 * A keytar whose calls run in the helper; `ready` starts the helper and resolves once it listens (it rejects when
 * the helper stops first), `reset` kills the helper (after a timeout), `close` lets it go.
 */
export interface HelperKeytar extends KeytarLike {
  ready(): Promise<void>;
  reset(): void;
  close(): void;
}

/** An idle helper is stopped after this long, so processes that open many stores do not collect children. */
const IDLE_MS = 10_000;

/** The helper's program: the source file under tsx, or the bundled `out/keychain-helper.mjs`. */
export function helperModulePath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'helper.ts'), path.join(here, '..', 'keychain-helper.mjs')];
  return candidates.find((file) => existsSync(file)) ?? candidates[1] ?? '';
}

/** This process's module loaders (tsx under tests), without `-e` scripts or other flags a helper must not get. */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] ?? '';
    const next = execArgv[i + 1];
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) out.push(arg);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(arg) && next !== undefined) {
      out.push(arg, next);
      i++;
    }
  }
  return out;
}

/** Starts the helper with Node's fork: IPC only, no stdio (its output is not ours to show). */
export const forkHelper: StartHelper = (modulePath) => {
  // Required here, not imported with the module: most commands never start a helper.
  const { fork } = process.getBuiltinModule('node:child_process');
  const child: ChildProcess = fork(modulePath, [], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    execArgv: loaderArgs(process.execArgv),
  });
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild); // never leave a helper behind, stuck or not
  child.once('exit', () => process.removeListener('exit', killChild));
  return {
    send: (request) => void child.send(request),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', listener),
    kill: killChild,
    hold: (busy) => {
      if (busy) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
  };
};

/** Makes a keytar that runs each call in a helper started with `start`. */
export function helperKeytar(start: StartHelper = forkHelper): HelperKeytar {
  let helper: HelperProcess | undefined;
  let helperReady: Promise<void> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve(r: HelperResponse): void; reject(e: Error): void }>();

  const stop = (why: string) => {
    const current = helper;
    helper = undefined;
    helperReady = undefined;
    clearTimeout(idle);
    current?.kill();
    for (const waiter of pending.values()) waiter.reject(new Error(why));
    pending.clear();
  };

  const started = (): HelperProcess => {
    if (helper) return helper;
    const child = start(helperModulePath());
    let signalReady = () => {};
    let failReady: (error: Error) => void = () => {};
    helperReady = new Promise<void>((resolve, reject) => {
      signalReady = resolve;
      failReady = reject;
    });
    helperReady.catch(() => {}); // a helper that stops before anyone waits is not an unhandled rejection
    child.onMessage((message) => {
      if (isHelperReady(message)) return signalReady();
      const response = parseHelperResponse(message);
      const waiter = response && pending.get(response.id);
      if (!response || !waiter) return;
      pending.delete(response.id);
      waiter.resolve(response);
      settle();
    });
    child.onExit(() => {
      failReady(new Error('The keychain helper process stopped before it was ready.'));
      if (helper === child) stop('The keychain helper process stopped unexpectedly.');
    });
    helper = child;
    return child;
  };

  /** Lets the helper go quiet: no hold on the parent, and stopped after a while without calls. */
  const settle = () => {
    if (pending.size > 0 || !helper) return;
    helper.hold(false);
    clearTimeout(idle);
    idle = setTimeout(() => stop('idle'), IDLE_MS);
    idle.unref();
  };

  const request = async (build: (id: number) => HelperRequest) => {
    const child = started();
    clearTimeout(idle);
    const id = nextId++;
    const response = new Promise<HelperResponse>((resolve, reject) => pending.set(id, { resolve, reject }));
    child.hold(true);
    child.send(build(id));
    const answer = await response;
    if (!answer.ok) {
      const error = new Error(answer.message);
      if (answer.notInstalled) error.name = 'KeytarNotInstalled';
      throw error;
    }
    return answer.value;
  };

  return {
    async ready() {
      started();
      // A helper that was just stopped (idle, reset) is started again by `started()`, so this is always set.
      await helperReady;
    },
    async getPassword(service, account) {
      const value = await request((id) => ({ id, op: 'get', service, account }));
      return typeof value === 'string' ? value : null;
    },
    async setPassword(service, account, password) {
      await request((id) => ({ id, op: 'set', service, account, secret: password }));
    },
    async deletePassword(service, account) {
      return (await request((id) => ({ id, op: 'delete', service, account }))) === true;
    },
    async findCredentials(service) {
      const value = await request((id) => ({ id, op: 'list', service }));
      // Only the names cross the channel: listing never reads secrets out.
      return Array.isArray(value) ? value.map((account) => ({ account, password: '' })) : [];
    },
    reset: () => stop('The keychain call was stopped.'),
    close: () => stop('closed'),
  };
}
