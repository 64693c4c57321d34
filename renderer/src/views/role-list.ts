/** The main screen's role list: a row per role in its group, the filter, and arrow keys between the rows. */
import type { AppState, RoleView } from '../../../electron/ipc/contract.js';
import { switchRole } from '../actions.js';
import { clockSessionOf, isLive } from '../../../electron/core/domain/session-live.js';
import { clockElement, clockNow } from '../countdown.js';
import { errorBlock, h, icon } from '../dom.js';
import type { Store } from '../store.js';
import { MAX_DRAWN_ROLES, rolesToDraw, searchIndex, searchTextOf } from './role-window.js';

/** The Roles section, its rows drawn for `store.ui.filter`; the active role's row is marked. */
export function roleSection(
  store: Store,
  state: AppState,
  filterBox: HTMLInputElement,
  activeRoleId: string | undefined,
): HTMLElement {
  const list = h('div', { class: 'role-groups', id: 'role-list' });
  const more = h('p', { class: 'muted pad more-roles', hidden: true });
  const count = h('p', { class: 'visually-hidden', 'aria-live': 'polite', id: 'filter-count' });
  const section = h(
    'section',
    { class: 'role-section', 'aria-labelledby': 'roles-title' },
    h('h2', { id: 'roles-title', class: 'section-title' }, 'Roles'),
    h('div', { class: 'filter' }, icon('search'), filterBox),
    list,
    more,
    h('p', { class: 'muted pad no-match', hidden: true }, 'No role matches.'),
    count,
  );
  const keep = new Set(
    [activeRoleId, store.ui.switching, store.ui.rowMessage?.roleId].filter(
      (id): id is string => id !== undefined,
    ),
  );
  const index = searchIndex(state.roles);
  // Rows built once per drawn state: a keystroke that shows the same roles again moves rows, never rebuilds them.
  const rows = new Map<string, HTMLElement>();
  const rowOf = (role: RoleView) => {
    let row = rows.get(role.id);
    if (!row) rows.set(role.id, (row = roleRow(store, state, role, activeRoleId)));
    return row;
  };
  const draw = (needle: string) => {
    const { drawn, left } = rolesToDraw(state.roles, index, needle, keep);
    const groups = new Map<string, RoleView[]>();
    for (const role of drawn) groups.set(role.group, [...(groups.get(role.group) ?? []), role]);
    list.replaceChildren(
      ...[...groups].map(([group, roles], i) =>
        h(
          'section',
          { class: 'group', 'aria-labelledby': `group-${i}` },
          h('h3', { id: `group-${i}` }, group),
          h('ul', { class: 'roles' }, ...roles.map(rowOf)),
        ),
      ),
    );
    more.hidden = left === 0;
    more.textContent = `${left} more role${left === 1 ? '' : 's'}${needle ? ' match' : ''}: type in the filter to find ${left === 1 ? 'it' : 'them'}.`;
  };
  // A long list (a team catalog) is redrawn from the index on each keystroke, at most MAX_DRAWN_ROLES rows.
  if (state.roles.length > MAX_DRAWN_ROLES) {
    redraws.set(section, draw);
    list.classList.add('role-groups-long');
  } else draw('');
  applyFilter(section, store.ui.filter, false);
  list.addEventListener('keydown', (event) => onListKey(event, section, filterBox));
  return section;
}

/** The role sections that draw only the roles matching the filter (see role-window.ts). */
const redraws = new WeakMap<HTMLElement, (needle: string) => void>();

function roleRow(
  store: Store,
  state: AppState,
  role: RoleView,
  activeRoleId: string | undefined,
): HTMLElement {
  const session = state.sessions.find((s) => s.roleId === role.id);
  const live = session !== undefined && isLive(session, clockNow());
  const switching = store.ui.switching === role.id;
  // An outcome that is no longer true goes: "Switched" or its notices once the session has ended.
  const shown = store.ui.rowMessage?.roleId === role.id ? store.ui.rowMessage : undefined;
  const message = shown?.kind === 'ok' && !live ? undefined : shown;
  const badges = [
    role.mfa ? h('span', { class: 'badge' }, 'MFA') : null,
    role.source.kind === 'role' ? h('span', { class: 'badge' }, 'chained') : null,
    role.id === activeRoleId ? h('span', { class: 'badge badge-active' }, 'active') : null,
    role.catalog === undefined
      ? null
      : h(
          'span',
          { class: 'badge badge-catalog', title: `From the catalog ${role.catalog}: read-only` },
          'catalog',
        ),
  ];
  // The clock sits beside the button, not in it: a name that changed every second would be read out again.
  const side = switching
    ? h('span', { class: 'spinner', role: 'status', 'aria-label': 'Switching' })
    : live && session
      ? clockElement(clockSessionOf(session), 'credentials')
      : h('span', { class: 'switch-hint', 'aria-hidden': 'true' }, 'Switch');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'role-switch',
      'data-role-id': role.id,
      'aria-busy': switching ? 'true' : undefined,
      disabled: Boolean(store.ui.switching) && !switching,
      onclick: () => void switchRole(store, role.id),
    },
    h('span', { class: 'visually-hidden' }, 'Switch to '),
    h(
      'span',
      { class: 'role-text' },
      h('span', { class: 'role-label' }, role.label),
      h('span', { class: 'role-sub' }, role.profileName, ...badges),
    ),
  );
  const li = h(
    'li',
    {
      class: 'role',
      'data-search': searchTextOf(role),
    },
    button,
    h('span', { class: 'role-side' }, side),
  );
  if (message) {
    li.append(
      message.kind === 'ok'
        ? h('div', { class: 'row-ok', role: 'status' }, ...message.lines.map((line) => h('p', {}, line)))
        : errorBlock({ message: message.lines.join(' '), hint: message.hint }),
    );
  }
  return li;
}

/** Hides roles (and empty groups) that do not contain the filter text. */
export function applyFilter(section: HTMLElement, text: string, announce = true): void {
  const needle = text.trim().toLowerCase();
  redraws.get(section)?.(needle);
  let shown = 0;
  for (const group of section.querySelectorAll<HTMLElement>('.group')) {
    let inGroup = 0;
    for (const row of group.querySelectorAll<HTMLElement>('li.role')) {
      const match = !needle || (row.dataset.search ?? '').includes(needle);
      row.hidden = !match;
      if (match) inGroup++;
    }
    group.hidden = inGroup === 0;
    shown += inGroup;
  }
  const none = section.querySelector<HTMLElement>('.no-match');
  if (none) none.hidden = shown > 0;
  const count = section.querySelector('#filter-count');
  if (count && announce) count.textContent = needle ? `${shown} role${shown === 1 ? '' : 's'} shown` : '';
}

/** Visible role buttons in order. */
export function visibleRoleButtons(root: ParentNode): HTMLButtonElement[] {
  return [...root.querySelectorAll<HTMLButtonElement>('li.role:not([hidden]) .role-switch')].filter(
    (b) => !b.closest('[hidden]'),
  );
}

function onListKey(event: KeyboardEvent, section: HTMLElement, filterBox: HTMLInputElement): void {
  const buttons = visibleRoleButtons(section);
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const move = (to: number) => {
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, to))]?.focus();
  };
  if (event.key === 'ArrowDown') move(at + 1);
  else if (event.key === 'ArrowUp') {
    if (at <= 0) {
      event.preventDefault();
      filterBox.focus();
    } else move(at - 1);
  } else if (event.key === 'Home') move(0);
  else if (event.key === 'End') move(buttons.length - 1);
  else if (event.key === 'Escape') {
    event.preventDefault();
    filterBox.focus();
  }
}
