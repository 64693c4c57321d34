// The scheduler: one timer for the next thing due across every session (an expiry alert or an auto-refresh),
// never a poll. Plain Node over the service, a clock, timers and a notifier, so tests move time by hand.
// After sleep or unlock the shell calls reschedule(): only the most urgent alert per session fires, due
// refreshes run, and the timer is re-armed from the new time.
import type { AppState, RoleView, SessionView, SnippetFormatId } from '../ipc/contract.js';
import {
  type AlertProgress,
  type ClockSession,
  type ClockSettings,
  dueAlerts,
  nextAlertAt,
  refreshPlan,
  type SessionAlert,
  startAlertProgress,
} from '../core/domain/session-clock.js';
import { isLive } from '../core/domain/session-live.js';
import { realTimers, type Timers } from './clipboard.js';
import type { RolebarService } from './service.js';
import type { SessionCheck } from './session-check.js';
import type { AppNotification, Notifier } from './tray-actions.js';
import { clockOfView, clockSettingsOf, minutesLeftText, remainingMs } from './tray-menu.js';

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
  const format = deps.snippetFormat ?? 'bash';
  /** Per role: what was alerted for its current credentials. */
  const progress = new Map<string, AlertProgress>();
  /** Per role: the expiry of credentials whose auto-refresh failed (not retried for those credentials). */
  const failed = new Map<string, number>();
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

  /** Alerts for this session's credentials start here: thresholds already behind count as seen. */
  function progressFor(roleId: string, session: ClockSession, t: number, settings: ClockSettings) {
    const known = progress.get(roleId);
    if (known && known.expiresAt === session.expiresAt) return known;
    // Credentials first seen already expired (e.g. at launch, from days ago) are not announced again.
    if (!isLive(session, t)) {
      return { expiresAt: session.expiresAt, lastThresholdMin: 0 };
    }
    return startAlertProgress(session, t, settings);
  }

  /** One pass at time `t`; returns the roles whose refresh is due now. */
  function pass(state: AppState, t: number): { due: RoleView[]; next: number | null } {
    const settings = clockSettingsOf(state);
    const due: RoleView[] = [];
    let next: number | null = null;
    const consider = (at: number | null) => {
      if (at !== null && (next === null || at < next)) next = at;
    };
    const seen = new Set<string>();
    for (const view of state.sessions) {
      const role = state.roles.find((r) => r.id === view.roleId);
      if (!role) continue;
      seen.add(role.id);
      const session = clockOfView(view);
      let current = progressFor(role.id, session, t, settings);
      const plan = refreshPlan(session, t, settings);
      const refreshing = plan.kind === 'refresh-at' && failed.get(role.id) !== session.expiresAt;
      if (refreshing && plan.at <= t) {
        progress.set(role.id, current);
        due.push(role);
        continue;
      }
      // A session about to be renewed silently needs no "expires soon" alert; one whose refresh failed does.
      const alerts = dueAlerts(session, current, t, settings);
      current = alerts.progress;
      progress.set(role.id, current);
      if (alerts.fire && !refreshing && wantsNotifications(state, role)) {
        deps.notifier.notify(alertNotification(role, view, alerts.fire, t, state, format));
      }
      if (refreshing) consider(plan.at);
      else consider(nextAlertAt(session, current, t, settings));
    }
    for (const roleId of [...progress.keys()]) if (!seen.has(roleId)) progress.delete(roleId);
    for (const roleId of [...failed.keys()]) if (!seen.has(roleId)) failed.delete(roleId);
    return { due, next };
  }

  async function run(): Promise<void> {
    // Each refresh changes a session, so recompute after refreshing; failures are remembered, so this ends.
    for (let round = 0; round < 4; round++) {
      const t = now();
      const state = await deps.service.state();
      if (stopped || suspended) return;
      const { due, next } = pass(state, t);
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
        if (before) failed.set(role.id, clockOfView(before).expiresAt);
        if (wantsNotifications(state, role)) {
          const { message, hint } = result.error;
          deps.notifier.notify({
            title: `Could not renew ${role.label}`,
            body: hint ? `${message} ${hint}` : message,
            actions: [
              { label: 'Renew', action: { kind: 'switch', roleId: role.id } },
              { label: 'Open', action: { kind: 'open-window' } },
            ],
          });
        }
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

/** The global switch and the role's own (absent means on). */
function wantsNotifications(state: AppState, role: RoleView): boolean {
  return state.preferences.notifications && role.notify !== false;
}

function alertNotification(
  role: RoleView,
  view: SessionView,
  alert: SessionAlert,
  t: number,
  state: AppState,
  format: SnippetFormatId,
): AppNotification {
  const expired = alert.kind === 'expired';
  const left = remainingMs(view, t, state);
  return {
    // The time actually left, not the threshold's: after sleep the most urgent alert may fire late.
    title: expired || left <= 0 ? `${role.label} has expired` : `${role.label}: ${minutesLeftText(left)}`,
    body: view.requiresMfa
      ? 'Renewing needs an MFA code.'
      : 'Renew it now, or copy an export snippet for your shell.',
    actions: [
      { label: 'Renew', action: { kind: 'switch', roleId: role.id } },
      ...(expired
        ? []
        : [{ label: 'Copy snippet', action: { kind: 'copy-snippet' as const, roleId: role.id, format } }]),
      { label: 'Open', action: { kind: 'open-window' } },
    ],
  };
}
