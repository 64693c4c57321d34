// "Credentials known to still work": the active session is checked with GetCallerIdentity now and then, at
// most every 15 minutes, never while the machine sleeps, and never again after a failure until the user acts
// (switches or signs out). Also on resume and on network change. It holds no timer of its own: the scheduler
// (scheduler.ts), the app's one timer, asks `dueAt` when it arms and runs the check when it is due, so a hidden
// window costs one scheduled wake-up and nothing else.
import type { AppState } from '../ipc/contract.js';
import type { RolebarService } from './service.js';

/** The longest and the only interval between two checks. */
export const CHECK_INTERVAL_MS = 15 * 60_000;

/** The check's rule, which the scheduler drives. */
export interface SessionCheck {
  /**
   * Local time at which the next check is due (at once after launch, resume or a network change), or null: no
   * active session, a refused session waiting for the user, asleep, a check in flight, or stopped.
   */
  dueAt(state: AppState, now: number): number | null;
  /** Asks AWS now (GetCallerIdentity through the service); one check at a time, none once stopped. */
  run(now: number): Promise<void>;
  /** The machine goes to sleep: nothing is due until `wake`. */
  pause(): void;
  /** Resume or a network change: a check is due at once. */
  wake(): void;
  /** Quit: nothing is ever due again, and a check in flight records and publishes nothing. */
  stop(): void;
}

/** Builds the check over the service; the first check is due at once (launch). */
export function createSessionCheck(deps: {
  service: Pick<RolebarService, 'verifyActive'>;
  intervalMs?: number;
}): SessionCheck {
  const interval = deps.intervalMs ?? CHECK_INTERVAL_MS;
  /** When the last check started; undefined: due at once. */
  let lastAt: number | undefined;
  let paused = false;
  let stopped = false;
  let running: Promise<void> | undefined;

  return {
    dueAt(state, now) {
      if (stopped || paused || running || !state.activeRoleId) return null;
      // After a refusal, nothing more until the user acts: the state keeps the problem until then.
      if (state.sessionProblem) return null;
      return lastAt === undefined ? now : lastAt + interval;
    },
    run(now) {
      if (stopped) return Promise.resolve();
      lastAt = now;
      // A failure to ask (network) proves nothing: the next check comes at its time.
      running ??= deps.service
        .verifyActive(() => stopped)
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => (running = undefined));
      return running;
    },
    pause() {
      paused = true;
    },
    wake() {
      paused = false;
      lastAt = undefined;
    },
    stop() {
      stopped = true;
    },
  };
}
