// What each session's clock asks the scheduler for at a given time: an expiry alert to show, a silent refresh
// to run, and when to look again. It remembers what was alerted per credentials, and which refresh failed.
import type { AppState, Result, RoleView, SessionView, SnippetFormatId } from '../ipc/contract.js';
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
import type { AppNotification } from './tray-actions.js';
import { clockOfView, clockSettingsOf, minutesLeftText, remainingMs } from './tray-menu.js';

/** One look at every session at time `t`. */
export interface SessionPass {
  /** The roles whose refresh is due now. */
  due: RoleView[];
  /** When something is next due (local time), or null. */
  next: number | null;
  /** The alerts to show now. */
  alerts: AppNotification[];
}

/** The sessions' alert and refresh bookkeeping the scheduler keeps. */
export interface SessionAlerts {
  pass(state: AppState, t: number): SessionPass;
  /** The refresh of these credentials failed: it is not tried again for them, and their alerts resume. */
  refreshFailed(roleId: string, view: SessionView): void;
}

/** Builds the bookkeeping; `format` is the snippet format of the alerts' "Copy snippet" button. */
export function sessionAlerts(format: SnippetFormatId): SessionAlerts {
  /** Per role: what was alerted for its current credentials. */
  const progress = new Map<string, AlertProgress>();
  /** Per role: the expiry of credentials whose auto-refresh failed (not retried for those credentials). */
  const failed = new Map<string, number>();

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

  function pass(state: AppState, t: number): SessionPass {
    const settings = clockSettingsOf(state);
    const due: RoleView[] = [];
    const alerts: AppNotification[] = [];
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
      const fired = dueAlerts(session, current, t, settings);
      current = fired.progress;
      progress.set(role.id, current);
      if (fired.fire && !refreshing && wantsNotifications(state, role)) {
        alerts.push(alertNotification(role, view, fired.fire, t, state, format));
      }
      if (refreshing) consider(plan.at);
      else consider(nextAlertAt(session, current, t, settings));
    }
    for (const roleId of [...progress.keys()]) if (!seen.has(roleId)) progress.delete(roleId);
    for (const roleId of [...failed.keys()]) if (!seen.has(roleId)) failed.delete(roleId);
    return { due, next, alerts };
  }

  return {
    pass,
    refreshFailed: (roleId, view) => void failed.set(roleId, clockOfView(view).expiresAt),
  };
}

/** The global switch and the role's own (absent means on). */
export function wantsNotifications(state: AppState, role: RoleView): boolean {
  return state.preferences.notifications && role.notify !== false;
}

/** What the user is told when a role's silent refresh failed. */
export function refreshFailedNotification(
  role: RoleView,
  error: Extract<Result<unknown>, { ok: false }>['error'],
): AppNotification {
  const { message, hint } = error;
  return {
    title: `Could not renew ${role.label}`,
    body: hint ? `${message} ${hint}` : message,
    actions: [
      { label: 'Renew', action: { kind: 'switch', roleId: role.id } },
      { label: 'Open', action: { kind: 'open-window' } },
    ],
  };
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
