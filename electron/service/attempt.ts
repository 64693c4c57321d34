// How the service runs a request: expected failures come back as values (`{ ok: false, error }`), never thrown
// across IPC, and a request that changed something publishes the new state before it answers.
import type { RequestArgs, RequestChannel, Result } from '../ipc/contract.js';
import { RolebarError, serializeError } from '../core/domain/errors.js';

/** A request's argument, as the contract checked it. */
export type Arg<C extends RequestChannel> = RequestArgs<C>[0];

/** Runs an operation, turning expected failures into `{ ok: false }` and publishing the state after changes. */
export type Attempt = <T>(operation: () => Promise<T> | T, changes: boolean) => Promise<Result<T>>;

/** The service's Attempt: `publish` pushes the new state to the window and the tray. */
export function attemptWith(publish: () => Promise<void>): Attempt {
  return async <T>(operation: () => Promise<T> | T, changes: boolean): Promise<Result<T>> => {
    try {
      const value = await operation();
      if (changes) await publish();
      return { ok: true, value };
    } catch (error) {
      // An Identity Center sign-in that just ended: the tray and the window show its sign-in prompt at once.
      if (error instanceof RolebarError && error.code === 'sso-sign-in-required')
        await publish().catch(() => undefined);
      return { ok: false, error: serializeError(error) };
    }
  };
}
