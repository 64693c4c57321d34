// The scheduler: one timer for the next thing due across every session (an expiry alert or an auto-refresh),
// never a poll. Plain Node over the service, a clock, timers and a notifier, so tests move time by hand.
// After sleep or unlock the shell calls reschedule(): only the most urgent alert per session fires, due
// refreshes run, and the timer is re-armed from the new time. What each session asks for: session-alerts.ts.
import type { SnippetFormatId } from '../ipc/contract.js';
import { realTimers, type Timers } from './clipboard.js';
import type { RolebarService } from './service.js';
import type { SessionCheck } from './session-check.js';
import { refreshFailedNotification, sessionAlerts, wantsNotifications } from './session-alerts.js';
import type { Notifier } from './tray-actions.js';
import { clockSettingsOf } from './tray-menu.js';

/** What the scheduler needs: the service (state and switching), a notifier, a clock and timers. */
export interface SchedulerDeps {
  service: Pick<RolebarService, 'state' | 'renew'>;
  notifier: Notifier;
  now?: () => number;
  timers?: Timers;
  /** The snippet format of the notification's "Copy snippet" button (the platform's shell). */
  snippetFormat?: SnippetFormatId;
  /** The periodic "is the active session still accepted" check: its due time shares this one timer. */
  sessionCheck?: SessionCheck;
}

/** The scheduler the main process keeps. */
export interface Scheduler {
  /** Recomputes everything at the current time, fires what is due, runs due refreshes, re-arms the timer. */
  reschedule(): Promise<void>;
  /** Local time of the armed wake-up, or null when nothing is pending. */
  nextWakeAt(): number | null;
  /**
   * The machine is going to sleep: nothing fires, renews or checks until resume(), even work that was in flight
   * (a session check finishing, a state published): on waking, only the most urgent alert is due.
   */
  suspend(): void;
  /** The machine woke: recompute everything at the new time (as reschedule()). */
  resume(): Promise<void>;
  stop(): void;
}

/** setTimeout's longest delay (about 24.8 days); a longer wait is re-armed when it fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Builds the scheduler; nothing runs until the first reschedule(). */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? realTimers;
  const alerts = sessionAlerts(deps.snippetFormat ?? 'bash');
  let timer: unknown;
  let wakeAt: number | null = null;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let suspended = false;

  function arm(at: number | null, t: number): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    wakeAt = stopped || suspended ? null : at;
    if (wakeAt === null) return;
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        return reschedule();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, wakeAt - t)),
    );
  }

  async function run(): Promise<void> {
    // Each refresh changes a session, so recompute after refreshing; failures are remembered, so this ends.
    for (let round = 0; round < 4; round++) {
      const t = now();
      const state = await deps.service.state();
      if (stopped || suspended) return;
      const { due, next, alerts: shown } = alerts.pass(state, t);
      for (const alert of shown) deps.notifier.notify(alert);
      const checkAt = deps.sessionCheck?.dueAt(state, t) ?? null;
      if (checkAt !== null && checkAt <= t) {
        await deps.sessionCheck?.run(t);
        if (stopped || suspended) return;
        continue;
      }
      if (due.length === 0)
        return arm(checkAt !== null && (next === null || checkAt < next) ? checkAt : next, t);
      for (const role of due) {
        const before = state.sessions.find((s) => s.roleId === role.id);
        // A renewal, not a new switch: when the CLI or credential-process renewed it meanwhile, that one is kept.
        const margin = clockSettingsOf(state).refreshMarginMin * 60_000;
        const result = await deps.service.renew(role.id, margin);
        if (result.ok || suspended) continue; // a failure found while asleep is told on resume, if it still is
        if (before) alerts.refreshFailed(role.id, before);
        if (wantsNotifications(state, role))
          deps.notifier.notify(refreshFailedNotification(role, result.error));
      }
    }
  }

  async function reschedule(): Promise<void> {
    if (stopped || suspended) return;
    if (running) {
      // A change arrived mid-run (a refresh publishes its own state): run once more afterwards.
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again && !stopped);
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  return {
    reschedule,
    nextWakeAt: () => wakeAt,
    suspend() {
      suspended = true;
      arm(null, now());
    },
    resume() {
      suspended = false;
      return reschedule();
    },
    stop() {
      stopped = true;
      deps.sessionCheck?.stop();
      arm(null, now());
    },
  };
}
