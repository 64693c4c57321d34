// "Credentials known to still work": the active session is checked with GetCallerIdentity now and then, at
// most every 15 minutes, never while the machine sleeps, and never again after a failure until the user acts
// (switches or signs out). Also on resume and on network change. One timer at most, so a hidden window costs
// nothing else.
import { realTimers, type Timers } from './clipboard.js';
import type { RolebarService } from './service.js';

/** The longest and the only interval between two checks. */
export const CHECK_INTERVAL_MS = 15 * 60_000;

/** The checker the main process keeps. */
export interface SessionCheck {
  /** Checks now (resume, network change, launch) and re-arms the one timer; nothing while paused or failed. */
  checkNow(): Promise<void>;
  /** The machine goes to sleep: no timer until `checkNow` (on resume). */
  pause(): void;
  /** After the user acted (a switch, a sign-out): the next check in 15 minutes, if none is armed. */
  rearm(): void;
  /** True while the timer is armed (benches and tests read it). */
  armed(): boolean;
  stop(): void;
}

/** Builds the checker over the service; the first check is the caller's `checkNow()`. */
export function createSessionCheck(deps: {
  service: Pick<RolebarService, 'verifyActive' | 'state'>;
  timers?: Timers;
  intervalMs?: number;
}): SessionCheck {
  const timers = deps.timers ?? realTimers;
  const interval = deps.intervalMs ?? CHECK_INTERVAL_MS;
  let timer: unknown;
  let stopped = false;
  let running: Promise<void> | undefined;
  let paused = false;

  const disarm = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };

  async function run(): Promise<void> {
    disarm();
    const state = await deps.service.state();
    // After a failure, nothing more until the user acts: the state keeps the problem until then.
    if (stopped || state.sessionProblem) return;
    const result = await deps.service.verifyActive();
    if (stopped || !result.ok) return;
    arm();
  }

  function arm(): void {
    if (stopped || paused || timer !== undefined) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      void checkNow();
    }, interval);
  }

  function checkNow(): Promise<void> {
    paused = false;
    running ??= run().finally(() => (running = undefined));
    return running;
  }

  return {
    checkNow,
    pause() {
      paused = true;
      disarm();
    },
    rearm: arm,
    armed: () => timer !== undefined,
    stop() {
      stopped = true;
      disarm();
    },
  };
}
