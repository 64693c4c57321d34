// The tray's menu, tooltip and title as pure functions of the app state and the time: no Electron here, so the
// tests read the exact menu a user would see. Clicks are data (a TrayAction) that one handler dispatches.
import type { AppState, KeyAgeWarningView, RoleView, SessionView, SnippetFormatId } from '../ipc/contract.js';
import { type ClockSession, type ClockSettings, sessionCountdown } from '../core/domain/session-clock.js';
import { activeSessionOf, clockSessionOf } from '../core/domain/session-live.js';
import { SNIPPET_FORMATS, type UnsetFormat } from '../core/domain/snippet-formats.js';

/** Snippet formats that have an "unset" form (the contract's snippet:copy-unset formats). */
export type UnsetFormatId = UnsetFormat;

/** Everything a tray menu item or a notification button can ask for. */
export type TrayAction =
  | { kind: 'switch'; roleId: string }
  | { kind: 'copy-snippet'; roleId: string; format: SnippetFormatId }
  | { kind: 'copy-unset'; format: UnsetFormatId }
  | { kind: 'open-console'; roleId: string }
  | { kind: 'refresh'; roleId: string }
  | { kind: 'sign-out'; roleId: string }
  | { kind: 'sso-sign-in'; identityId: string }
  | { kind: 'rotate-identity'; identityId: string }
  | { kind: 'open-window' }
  | { kind: 'open-settings' }
  | { kind: 'about' }
  | { kind: 'quit' };

/** One menu entry; the Electron glue maps it to MenuItemConstructorOptions with `click` dispatching `action`. */
export type TrayMenuItem =
  | { type: 'separator' }
  | {
      type: 'normal' | 'checkbox';
      label: string;
      enabled: boolean;
      checked?: boolean;
      action?: TrayAction;
    }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: TrayMenuItem[] };

/** What the menu cannot read from the state. */
export interface TrayMenuOptions {
  /** False hides the console item's action (no sign-in URL builder available). */
  consoleAvailable: boolean;
}

/** A session as the session clock sees it (the view carries the same fields as the stored record). */
export function clockOfView(view: SessionView): ClockSession {
  return clockSessionOf(view);
}

/** The preferences' clock settings. */
export function clockSettingsOf(state: Pick<AppState, 'preferences'>): ClockSettings {
  return {
    alertThresholdsMin: state.preferences.alertThresholdsMin,
    refreshMarginMin: state.preferences.refreshMarginMin,
  };
}

/** Milliseconds a live session has left at `now` (server-clock aware); 0 once expired. */
export function remainingMs(session: SessionView, now: number, state: Pick<AppState, 'preferences'>): number {
  return sessionCountdown(clockOfView(session), now, clockSettingsOf(state)).credentials.remainingMs;
}

/** "42 min left", "1 h 05 min left", "expired": whole minutes rounded up, so "1 min" means under a minute. */
export function minutesLeftText(ms: number): string {
  if (ms <= 0) return 'expired';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min left`;
}

/** Short form for the macOS menu-bar title: "42m", "1h05", "exp". */
export function shortMinutesText(ms: number): string {
  if (ms <= 0) return 'exp';
  const minutes = Math.ceil(ms / 60_000);
  return minutes < 60
    ? `${minutes}m`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}`;
}

/** The active role and its session at `now` (the core's rule: the latest live session), when one is alive. */
export function activeSession(
  state: AppState,
  now: number,
): { role: RoleView; session: SessionView } | undefined {
  const session = activeSessionOf(state.sessions, now);
  const role = session && state.roles.find((r) => r.id === session.roleId);
  return role && session ? { role, session } : undefined;
}

/** The tray's tooltip, its macOS title, and when either next changes (null: never, until the state does). */
export interface TrayLabel {
  tooltip: string;
  title: string;
  nextUpdateAt: number | null;
}

/**
 * Tooltip and title at `now`. The minute count changes only when the time left crosses a whole minute, so
 * `nextUpdateAt` is that instant: the shell arms one timer for it instead of polling every second.
 */
export function trayLabel(state: AppState, now: number): TrayLabel {
  const demo = state.app.demo ? ' (demo)' : '';
  const active = activeSession(state, now);
  if (!active) return { tooltip: `Rolebar${demo}: no active role`, title: '', nextUpdateAt: null };
  const countdown = sessionCountdown(clockOfView(active.session), now, clockSettingsOf(state)).credentials;
  const left = countdown.remainingMs;
  // The display reads ceil(left / 1 min): it next changes when `left` reaches the multiple of a minute below it.
  const nextUpdateAt = left > 0 ? now + (left % 60_000 || 60_000) : null;
  if (state.sessionProblem?.roleId === active.role.id) {
    return {
      tooltip: `Rolebar${demo}: ${active.role.label}, AWS no longer accepts this session`,
      title: `${active.role.label} ⚠`,
      nextUpdateAt: null,
    };
  }
  return {
    tooltip: `Rolebar${demo}: ${active.role.label}, ${minutesLeftText(left)}`,
    title: `${active.role.label} ${shortMinutesText(left)}`,
    nextUpdateAt,
  };
}

/** "⚠ The access key of dave is 91 days old": the tray's item and the notification's title. */
export function keyAgeText(warning: KeyAgeWarningView): string {
  return `⚠ The access key of ${warning.name} is ${warning.ageDays} days old`;
}

/** Roles grouped by RoleView.group, groups and roles in the order they first appear. */
export function groupRoles(roles: readonly RoleView[]): Array<{ group: string; roles: RoleView[] }> {
  const groups = new Map<string, RoleView[]>();
  for (const role of roles) {
    const list = groups.get(role.group) ?? [];
    list.push(role);
    groups.set(role.group, list);
  }
  return [...groups].map(([group, list]) => ({ group, roles: list }));
}

/** At most this many roles in one tray submenu; the rest are a click away in the window. */
export const MAX_TRAY_SUBMENU_ROLES = 25;

/** One role: checked when active, with its minutes left (or "(MFA)"); one click switches. */
function roleItem(role: RoleView, state: AppState, now: number, activeId: string | undefined): TrayMenuItem {
  const session = state.sessions.find((s) => s.roleId === role.id);
  const left = session ? remainingMs(session, now, state) : 0;
  const detail = left > 0 ? ` — ${minutesLeftText(left)}` : role.mfa ? ' (MFA)' : '';
  return {
    type: 'checkbox',
    label: `${role.label}${detail}`,
    enabled: true,
    checked: role.id === activeId,
    action: { kind: 'switch', roleId: role.id },
  };
}

function catalogSubmenu(
  group: string,
  roles: RoleView[],
  state: AppState,
  now: number,
  activeId: string | undefined,
): TrayMenuItem {
  const shown = roles.slice(0, MAX_TRAY_SUBMENU_ROLES).map((role) => roleItem(role, state, now, activeId));
  const more = roles.length - shown.length;
  if (more > 0) shown.push(item(`${more} more: open Rolebar…`, { kind: 'open-window' }));
  return { type: 'submenu', label: group, enabled: true, submenu: shown };
}

/**
 * One submenu per catalog (a catalog of 500 accounts must not make 500 top-level items), holding a submenu per
 * group, both capped at MAX_TRAY_SUBMENU_ROLES entries; the rest is one click away in the window.
 */
function catalogMenu(
  catalog: string,
  groups: Array<{ group: string; roles: RoleView[] }>,
  state: AppState,
  now: number,
  activeId: string | undefined,
): TrayMenuItem {
  const prefix = `Catalog ${catalog} · `;
  const shown = groups
    .slice(0, MAX_TRAY_SUBMENU_ROLES)
    .map(({ group, roles }) =>
      catalogSubmenu(
        group.startsWith(prefix) ? group.slice(prefix.length) : group,
        roles,
        state,
        now,
        activeId,
      ),
    );
  const more = groups.length - shown.length;
  if (more > 0) shown.push(item(`${more} more groups: open Rolebar…`, { kind: 'open-window' }));
  return { type: 'submenu', label: `Catalog ${catalog}`, enabled: true, submenu: shown };
}

const item = (label: string, action: TrayAction | undefined, enabled = action !== undefined): TrayMenuItem =>
  action ? { type: 'normal', label, enabled, action } : { type: 'normal', label, enabled };

/**
 * The tray menu at `now`: roles grouped by account or source (the active one checked, with its minutes left;
 * one click switches), then what can be done with the active session, then the app's own items.
 */
export function trayMenu(state: AppState, now: number, options: TrayMenuOptions): TrayMenuItem[] {
  const active = activeSession(state, now);
  const menu: TrayMenuItem[] = [];
  if (state.app.demoMfaHint) {
    menu.push(item(`Demo MFA code: ${state.app.demoMfaHint}`, undefined, false), { type: 'separator' });
  }
  const problem = state.sessionProblem;
  const broken = problem && state.roles.find((r) => r.id === problem.roleId);
  if (broken) {
    // AWS refused the session at the last check: say so first, and offer the switch that fixes it.
    menu.push(
      item(`⚠ AWS no longer accepts "${broken.label}": switch again`, { kind: 'switch', roleId: broken.id }),
      { type: 'separator' },
    );
  }
  // An Identity Center sign-in that can no longer be refreshed: ask for a new one before its roles are tried.
  for (const identity of state.identities.filter((i) => i.signInNeeded)) {
    menu.push(
      item(`⚠ Sign in to “${identity.name}” (Identity Center)…`, {
        kind: 'sso-sign-in',
        identityId: identity.id,
      }),
      {
        type: 'separator',
      },
    );
  }
  // Old access keys (the daily check): one click rotates through IAM.
  for (const warning of state.keyAgeWarnings ?? []) {
    menu.push(
      item(keyAgeText(warning) + ': Rotate now', { kind: 'rotate-identity', identityId: warning.identityId }),
    );
  }
  if ((state.keyAgeWarnings ?? []).length > 0) menu.push({ type: 'separator' });
  if (state.roles.length === 0) menu.push(item('No roles yet: add one in Rolebar', undefined, false));
  const catalogs = new Map<string, Array<{ group: string; roles: RoleView[] }>>();
  for (const { group, roles } of groupRoles(state.roles)) {
    // A catalog can hold thousands of roles: its groups go into its own submenu, each capped (catalogMenu).
    const catalog = roles[0]?.catalog;
    if (catalog !== undefined) {
      catalogs.set(catalog, [...(catalogs.get(catalog) ?? []), { group, roles }]);
      continue;
    }
    // An Identity Center instance can hold hundreds of accounts: one capped submenu per account.
    if (roles[0]?.identityCenter) {
      menu.push(catalogSubmenu(group, roles, state, now, active?.role.id));
      continue;
    }
    menu.push(item(group, undefined, false));
    for (const role of roles) menu.push(roleItem(role, state, now, active?.role.id));
  }
  for (const [catalog, groups] of catalogs)
    menu.push(catalogMenu(catalog, groups, state, now, active?.role.id));
  menu.push({ type: 'separator' });
  const roleId = active?.role.id;
  menu.push({
    type: 'submenu',
    label: 'Copy export snippet',
    enabled: roleId !== undefined,
    submenu: SNIPPET_FORMATS.map((format) =>
      item(format.label, roleId ? { kind: 'copy-snippet', roleId, format: format.id } : undefined),
    ),
  });
  menu.push({
    type: 'submenu',
    label: 'Copy unset snippet',
    enabled: true,
    submenu: SNIPPET_FORMATS.flatMap((format) =>
      format.canUnset ? [item(format.label, { kind: 'copy-unset', format: format.id })] : [],
    ),
  });
  const name = active ? ` as ${active.role.label}` : '';
  menu.push(
    item(
      `Open AWS console${name}`,
      roleId && options.consoleAvailable ? { kind: 'open-console', roleId } : undefined,
    ),
    item('Refresh now', roleId ? { kind: 'refresh', roleId } : undefined),
    item('Sign out', roleId ? { kind: 'sign-out', roleId } : undefined),
    { type: 'separator' },
    item('Open Rolebar', { kind: 'open-window' }),
    item('Settings…', { kind: 'open-settings' }),
    item('About Rolebar', { kind: 'about' }),
    { type: 'separator' },
    item('Quit Rolebar', { kind: 'quit' }),
  );
  return menu;
}
