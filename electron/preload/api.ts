import type { Invoke } from '../ipc/contract.js';

/**
 * The object the page sees as `window.rolebar`: one named function per operation, never a generic
 * `invoke(channel)`. Built from an `invoke` so that the preload (over ipcRenderer) and the browser tests
 * (over Playwright's exposeBinding) expose exactly the same API.
 */
export function createRolebarApi(invoke: Invoke) {
  return {
    getAppInfo: () => invoke('app:get-info'),
  };
}

/** The renderer's type for `window.rolebar`, derived from the object above. */
export type RolebarApi = ReturnType<typeof createRolebarApi>;
