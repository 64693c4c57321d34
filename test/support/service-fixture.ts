import path from 'node:path';
import { keychainChoice } from '../../electron/core/store/keychain-choice.js';
import { location } from '../../electron/core/sessions/assume.js';
import { findRolebarEntry } from '../../electron/core/features/outputs/credential-process-command.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import type { AppState } from '../../electron/ipc/contract.js';
import type { ClipboardLike, Timers } from '../../electron/service/clipboard.js';
import { CLI } from '../cli/helpers.js';
import { type CoreFixture, startCoreFixture } from './core-fixture.js';
import type { WorldSpec } from '../../electron/emulator/index.js';

/** A clipboard that lives in memory: the one stand-in the service needs outside Electron. */
export function memoryClipboard(): ClipboardLike & { text: string } {
  const board = {
    text: '',
    writeText(value: string) {
      board.text = value;
    },
    readText() {
      return board.text;
    },
  };
  return board;
}

/** Timers the test fires by hand. */
export function manualTimers(): Timers & { fireAll(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => {
      timers.set(next, fn);
      return next++;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    fireAll: () => {
      const due = [...timers.values()];
      timers.clear();
      for (const fn of due) fn();
    },
    pending: () => timers.size,
  };
}

/** The real service layer over a core fixture (emulator, isolated keychain, temp files). */
export interface ServiceFixture extends CoreFixture {
  service: RolebarService;
  clipboard: ClipboardLike & { text: string };
  timers: ReturnType<typeof manualTimers>;
  /** Every state the service pushed, newest last. */
  pushed: AppState[];
}

/** Starts the emulator and the service the IPC handlers call, with a memory clipboard and manual timers. */
export async function startServiceFixture(
  label: string,
  options: { demo?: boolean; world?: WorldSpec; openExternal?: (url: string) => Promise<void> } = {},
): Promise<ServiceFixture> {
  const core = await startCoreFixture(label, options.world);
  const clipboard = memoryClipboard();
  const timers = manualTimers();
  const pushed: AppState[] = [];
  const service = createRolebarService({
    core: core.core,
    settings: core.settings,
    clipboard,
    timers,
    app: {
      name: 'Rolebar',
      version: '0.1.0',
      platform: 'linux',
      demo: options.demo ?? false,
      keychain: keychainChoice(core.settings, core.sandbox.env).where,
    },
    location: location({ env: core.sandbox.env, homedir: core.sandbox.dir }),
    // As the main process finds it: the built CLI beside the bundle, run by this Node.
    rolebarEntry: () =>
      findRolebarEntry({
        cliDir: path.dirname(CLI),
        execPath: process.execPath,
        runsOnNode: true,
        env: core.sandbox.env,
      }),
    onStateChanged: (state) => pushed.push(state),
    ...(options.openExternal ? { openExternal: options.openExternal } : {}),
  });
  const close = async () => {
    service.close();
    await core.close();
  };
  return { ...core, service, clipboard, timers, pushed, close };
}
