/**
 * The one IPC contract between the renderer and the main process. Every request channel is listed here
 * with its arguments and result; the preload, the main-process handlers and the renderer all derive their
 * types from this map, so nothing is kept in sync by hand. Plain types only: no Electron import.
 */

/** What the window shows about the running app. */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
  demo: boolean;
}

/** Expected failures cross IPC as values, never as thrown strings. */
export type Result<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string; hint?: string } };

/** Request channels: `invoke` from the renderer, answered by one handler in the main process. */
export interface IpcRequests {
  'app:get-info': { args: []; result: AppInfo };
}

export type RequestChannel = keyof IpcRequests;

/** The renderer-side call the preload wraps: one typed `invoke` per channel. */
export type Invoke = <C extends RequestChannel>(
  channel: C,
  ...args: IpcRequests[C]['args']
) => Promise<IpcRequests[C]['result']>;

/** Checks a channel's arguments at run time: the renderer is untrusted. Returns the typed args or throws. */
export type ArgsValidator<C extends RequestChannel> = (args: readonly unknown[]) => IpcRequests[C]['args'];

/** Run-time shape checks for every channel, used by the main process before a handler runs. */
export const validateArgs: { [C in RequestChannel]: ArgsValidator<C> } = {
  'app:get-info': (args) => {
    if (args.length !== 0) throw new TypeError('app:get-info takes no arguments');
    return [];
  },
};
