/*
 * What `state:changed` carries to the window: the whole state, or (when the roles are the very list the window
 * was last sent) all of it but the roles. 5,000 catalog roles are about 1.5 MB of views: a session starting or a
 * preference changing must not copy them to the window again (issue 25). Browser-safe: the main process makes
 * the updates, the window applies them.
 */
import type { AppState, RoleView } from './contract.js';

/** The whole state, or all of it but the roles, which are the ones the window has. */
export type StateUpdate = AppState | (Omit<AppState, 'roles'> & { rolesUnchanged: true });

/**
 * The update that brings a window holding `sentRoles` (the roles it was sent last; undefined when none) to
 * `state`. The roles are left out only when they are the same list: the service hands back the same list while
 * no role view changed (service.ts), so a list equal but rebuilt is sent again, never a stale one kept.
 */
export function stateUpdate(state: AppState, sentRoles: readonly RoleView[] | undefined): StateUpdate {
  if (state.roles !== sentRoles) return state;
  const { roles: _, ...rest } = state;
  return { ...rest, rolesUnchanged: true };
}

/**
 * The state `update` makes of the window's `current` one; undefined when it names roles the window does not have
 * (a page reloaded between two updates): the window then asks for the whole state.
 */
export function applyStateUpdate(update: StateUpdate, current: AppState | undefined): AppState | undefined {
  if (!('rolesUnchanged' in update)) return update;
  if (!current) return undefined;
  const { rolesUnchanged: _, ...rest } = update;
  return { ...rest, roles: current.roles };
}
