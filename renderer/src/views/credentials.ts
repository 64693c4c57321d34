/** Whose credentials an IAM call uses: a select of identities and of roles with a live session. */
import type { AppState, CredentialsFromView } from '../../../electron/ipc/contract.js';
import { isLive } from '../../../electron/core/domain/session-live.js';
import { clockNow } from '../countdown.js';
import { type Field, selectField } from '../forms.js';

/** The roles whose session is still alive (IAM calls need one), in the order of the role list. */
export function liveRoles(state: AppState, now = clockNow()) {
  return state.roles.filter((role) => {
    const session = state.sessions.find((s) => s.roleId === role.id);
    return session !== undefined && isLive(session, now);
  });
}

/** The select's value for a source: `identity:<id>` or `role:<id>`. */
export function credentialsValue(source: { kind: 'identity' | 'role'; id: string }): string {
  return `${source.kind}:${source.id}`;
}

/** The `{ identityId } | { roleId }` a select value stands for. */
export function credentialsFrom(value: string): CredentialsFromView {
  const [kind, id = ''] = value.split(/:(.*)/s);
  return kind === 'role' ? { roleId: id } : { identityId: id };
}

/** A select of identities and live role sessions, with an optional first choice (e.g. "The same"). */
export function credentialsField(
  state: AppState,
  options: {
    label: string;
    name: string;
    hint?: string;
    value?: string;
    first?: { value: string; label: string };
  },
): Field {
  const choices = [
    ...(options.first ? [options.first] : []),
    ...state.identities.map((i) => ({ value: `identity:${i.id}`, label: i.name, group: 'Identities' })),
    ...liveRoles(state).map((r) => ({
      value: `role:${r.id}`,
      label: r.label,
      group: 'Roles with a live session',
    })),
  ];
  return selectField({
    label: options.label,
    name: options.name,
    choices,
    ...(options.hint ? { hint: options.hint } : {}),
    ...(options.value && choices.some((c) => c.value === options.value) ? { value: options.value } : {}),
  });
}
