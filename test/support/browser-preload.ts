// Bundled into an init script by test/support/browser.ts: the page gets the same `window.rolebar` the
// Electron preload builds, with each call crossing to Node through Playwright's exposeBinding, and events
// delivered by the harness through `__rolebarEmit` (a test-only hook; the real preload has none).
import type { EventChannel, EventPayloads, Invoke, Subscribe } from '../../electron/ipc/contract.js';
import { createRolebarApi, type RolebarApi } from '../../electron/preload/api.js';

declare global {
  interface Window {
    rolebar: RolebarApi;
    __rolebarInvoke: (channel: string, args: unknown[]) => Promise<unknown>;
    __rolebarEmit: (channel: EventChannel, payload: unknown) => void;
  }
}

const listeners = new Map<string, Set<(payload: never) => void>>();

const invoke = ((channel: string, ...args: unknown[]) => window.__rolebarInvoke(channel, args)) as Invoke;
const subscribe: Subscribe = (channel, listener) => {
  const set = listeners.get(channel) ?? new Set();
  set.add(listener as (payload: never) => void);
  listeners.set(channel, set);
  return () => set.delete(listener as (payload: never) => void);
};

Object.defineProperty(window, 'rolebar', {
  value: Object.freeze(createRolebarApi(invoke, subscribe)),
  writable: false,
});
Object.defineProperty(window, '__rolebarEmit', {
  value: <E extends EventChannel>(channel: E, payload: EventPayloads[E]) => {
    for (const listener of listeners.get(channel) ?? []) (listener as (p: EventPayloads[E]) => void)(payload);
  },
  writable: false,
});
