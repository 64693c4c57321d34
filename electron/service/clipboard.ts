/** The two clipboard calls we need; Electron's `clipboard` satisfies it (sync or async), tests pass a stand-in. */
export interface ClipboardLike {
  writeText(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
}

/** Timers as a parameter, so tests move time instead of waiting. */
export interface Timers {
  /** `fn` may return the work it starts (a promise): real timers ignore it, a test's clock waits for it. */
  setTimeout(fn: () => unknown, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Copies secrets to the clipboard and clears them again after `seconds`, but only if the clipboard still
 * holds what we put there (the user may have copied something else since). A new copy replaces the pending clear.
 */
export function createSecretClipboard(clipboard: ClipboardLike, timers: Timers = realTimers) {
  let pending: unknown;
  return {
    /** Copies `text`; resolves to the seconds until it is cleared (0: never). */
    async copy(text: string, seconds: number): Promise<number> {
      if (pending !== undefined) timers.clearTimeout(pending);
      pending = undefined;
      await clipboard.writeText(text);
      if (seconds > 0) {
        pending = timers.setTimeout(() => {
          pending = undefined;
          void (async () => {
            if ((await clipboard.readText()) === text) await clipboard.writeText('');
          })();
        }, seconds * 1000);
      }
      return seconds;
    },
  };
}
