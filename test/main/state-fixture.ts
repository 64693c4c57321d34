import type { AppState, RoleView, SessionView } from '../../electron/ipc/contract.js';
import { DEFAULT_PREFERENCES } from '../../electron/core/domain/preferences.js';

/** The epoch the tests start at: a round minute, so minute boundaries are easy to read. */
export const T0 = Date.parse('2030-01-01T12:00:00Z');
export const MIN = 60_000;

/** A role view with defaults. */
export function role(id: string, overrides: Partial<RoleView> = {}): RoleView {
  return {
    id,
    label: id,
    source: { kind: 'identity', id: 'alice' },
    mfa: false,
    profileName: id,
    group: 'Account 222222222222',
    ...overrides,
  };
}

/** A session view expiring `minutesLeft` after T0 (or after `from`). */
export function session(
  roleId: string,
  minutesLeft: number,
  overrides: Partial<SessionView> = {},
): SessionView {
  return {
    roleId,
    profileName: roleId,
    principalArn: `arn:aws:sts::222222222222:assumed-role/${roleId}/rolebar-alice`,
    accountId: '222222222222',
    expiration: new Date(T0 + minutesLeft * MIN).toISOString(),
    clockOffsetMs: 0,
    via: 'direct',
    requiresMfa: false,
    startedAt: new Date(T0 - MIN).toISOString(),
    ...overrides,
  };
}

/** An app state with defaults and the given roles and sessions. */
export function appState(overrides: Partial<AppState> = {}): AppState {
  return {
    app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: false },
    identities: [],
    roles: [],
    sessions: [],
    preferences: { ...DEFAULT_PREFERENCES },
    ...overrides,
  };
}
