// Bundled into an init script by test/support/browser.ts: the page gets the same `window.rolebar` the
// Electron preload builds, with each call crossing to Node through Playwright's exposeBinding.
import type { Invoke } from '../../electron/ipc/contract.js';
import { createRolebarApi, type RolebarApi } from '../../electron/preload/api.js';

declare global {
  interface Window {
    rolebar: RolebarApi;
    __rolebarInvoke: (channel: string, args: unknown[]) => Promise<unknown>;
  }
}

const invoke = ((channel: string, ...args: unknown[]) => window.__rolebarInvoke(channel, args)) as Invoke;
Object.defineProperty(window, 'rolebar', { value: Object.freeze(createRolebarApi(invoke)), writable: false });
