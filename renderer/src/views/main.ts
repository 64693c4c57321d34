/** The main screen: who you are, the active session's clock and snippets, and the role list. */
import type {
  AppState,
  IdentityView,
  RoleView,
  SessionView,
  SnippetFormatId,
} from '../../../electron/ipc/contract.js';
import { keyAgeWarnings } from './keys.js';
import { SNIPPET_FORMATS } from '../../../electron/core/domain/snippet-formats.js';
import { copySnippet, copyUnset, refreshWhoAmI, signOut, switchRole } from '../actions.js';
import { activeSessionOf, clockSessionOf, isLive } from '../../../electron/core/domain/session-live.js';
import { clockElement, clockNow, resetClocks } from '../countdown.js';
import { arnText, errorBlock, h, icon } from '../dom.js';
import type { Store } from '../store.js';
import { catalogPanel } from './catalogs.js';
import { MAX_DRAWN_ROLES, rolesToDraw, searchIndex, searchTextOf } from './role-window.js';
import { screenHeader } from './shell.js';
import { deviceCodePart, signIn } from './sso-code.js';

const KIND_LABEL = {
  'iam-user': 'IAM user',
  'assumed-role': 'Assumed role',
  root: 'Root user',
  'federated-user': 'Federated user',
  unknown: 'Unknown',
} as const;

const VIA_LABEL = {
  direct: 'Direct',
  'mfa-session': 'Via MFA session',
  'mfa-direct': 'With MFA code',
  chained: 'Chained',
} as const;

/** The snippet format the copy menu shows first (remembered for the window's life). */
let lastFormat: SnippetFormatId = 'bash';

/** Draws the main screen into `root`, keeping the filter box (and its focus) across redraws. */
export function renderMain(root: HTMLElement, store: Store, filterBox: HTMLInputElement): void {
  const state = store.state;
  resetClocks();
  const nav = h(
    'div',
    { class: 'header-actions' },
    iconButton('users', 'Identities and roles', () => store.go({ name: 'manage' })),
    iconButton('gear', 'Settings', () => store.go({ name: 'settings' })),
  );
  const parts: Array<HTMLElement | null> = [screenHeader('Rolebar', nav)];
  if (store.ui.banner) parts.push(h('div', { class: 'banner' }, errorBlock(store.ui.banner)));
  if (state?.app.demo) {
    const hint = state.app.demoMfaHint ? ` Current MFA code: ${state.app.demoMfaHint}.` : '';
    parts.push(
      h(
        'p',
        { class: 'muted pad' },
        `Demo mode: a local STS stands in for AWS.${hint} The code is also in the tray menu.`,
      ),
    );
  }
  if (state) parts.push(...keyAgeWarnings(store, state));
  if (!state) {
    parts.push(h('p', { class: 'muted pad' }, 'Loading…'));
  } else if (state.identities.length === 0) {
    parts.push(emptyState(store, 'no-identity'));
  } else {
    // The core's rule at the window's own clock, so the card, the badge and the clocks agree with the tray.
    const active = activeSessionOf(state.sessions, clockNow());
    parts.push(...state.identities.filter((i) => i.signInNeeded).map((i) => signInPrompt(store, i)));
    parts.push(active ? activeCard(store, state, active) : noSessionCard(state));
    parts.push(
      state.roles.length
        ? roleSection(store, state, filterBox, active?.roleId)
        : emptyState(store, 'no-role'),
    );
    parts.push(catalogPanel(store, state, clockNow()));
  }
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

function iconButton(name: Parameters<typeof icon>[0], label: string, onclick: () => void): HTMLElement {
  return h(
    'button',
    { type: 'button', class: 'icon-button', 'aria-label': label, title: label, onclick },
    icon(name),
  );
}

function emptyState(store: Store, kind: 'no-identity' | 'no-role'): HTMLElement {
  const first = kind === 'no-identity';
  return h(
    'section',
    { class: 'empty', 'aria-labelledby': 'empty-title' },
    h('div', { class: 'empty-icon' }, icon('lock')),
    h(
      'h2',
      { id: 'empty-title' },
      first ? 'Add your IAM user keys or import ~/.aws' : 'Add a role to switch to',
    ),
    h(
      'p',
      { class: 'muted' },
      first
        ? 'Rolebar keeps your access keys in the system keychain, not in a plaintext file, and assumes roles with them in one click.'
        : 'A role is an ARN (or a name) to assume from one of your identities, with MFA, an external ID or a chain if it needs them.',
    ),
    h(
      'div',
      { class: 'actions' },
      first
        ? h(
            'button',
            { type: 'button', class: 'primary', onclick: () => store.go({ name: 'identity' }) },
            'Add IAM user keys',
          )
        : h(
            'button',
            { type: 'button', class: 'primary', onclick: () => store.go({ name: 'role' }) },
            'Add a role',
          ),
      first
        ? null
        : h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => store.go({ name: 'discover' }) },
            'Find roles',
          ),
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => store.go({ name: 'import' }) },
        'Import ~/.aws',
      ),
    ),
  );
}

function noSessionCard(state: AppState): HTMLElement {
  const identity = state.identities[0];
  return h(
    'section',
    { class: 'card idle', 'aria-label': 'Current identity' },
    h('p', { class: 'card-title' }, 'No active role session'),
    h(
      'p',
      { class: 'muted' },
      identity
        ? `Your shell uses your own credentials. Pick a role below to switch${state.identities.length > 1 ? '' : ` as ${identity.name}`}.`
        : '',
    ),
  );
}

function activeCard(store: Store, state: AppState, session: SessionView): HTMLElement {
  const role = state.roles.find((r) => r.id === session.roleId);
  const clocks = clockSessionOf(session);
  const key = `${session.roleId}@${session.startedAt}`;
  const who = store.ui.whoAmI?.key === key ? store.ui.whoAmI : undefined;
  if (!who) void refreshWhoAmI(store, session.roleId, key);
  const formats = h(
    'select',
    { id: 'snippet-format', 'aria-label': 'Snippet format' },
    ...SNIPPET_FORMATS.map((f) => h('option', { value: f.id, selected: f.id === lastFormat }, f.label)),
  );
  formats.addEventListener('change', () => (lastFormat = formats.value as SnippetFormatId));
  const warnings: HTMLElement[] = [];
  if (who?.view?.clockSkewed) {
    const minutes = Math.round(Math.abs(who.view.clockOffsetMs ?? 0) / 60_000);
    warnings.push(
      warning(
        `Your clock is off by about ${minutes} min.`,
        'Countdowns use AWS time; fix the system clock (NTP) to avoid signature errors.',
      ),
    );
  }
  const problem = state.sessionProblem;
  if (problem?.roleId === session.roleId) {
    // The main process's periodic check: AWS refused this session. Offer the switch that fixes it.
    const again = h('button', { class: 'btn', id: 'session-problem-switch' }, 'Switch again');
    again.addEventListener('click', () => void switchRole(store, session.roleId));
    const note = warning(problem.message, problem.hint);
    note.id = 'session-problem';
    note.append(again);
    warnings.push(note);
  }
  if (who?.error) {
    const revoked = /^sts-(unknown-key|expired-token|wrong-secret)$/.test(who.error.code);
    warnings.push(
      warning(
        revoked ? 'These credentials no longer work.' : who.error.message,
        revoked ? (who.error.hint ?? 'Switch again.') : who.error.hint,
      ),
    );
  }
  return h(
    'section',
    { class: 'card active', 'aria-labelledby': 'active-title' },
    h(
      'div',
      { class: 'card-head' },
      h(
        'div',
        {},
        h('h2', { id: 'active-title', class: 'card-title' }, role?.label ?? session.profileName),
        h(
          'p',
          { class: 'muted small' },
          `Profile `,
          h('code', {}, session.profileName),
          ` · ${VIA_LABEL[session.via]}`,
        ),
      ),
      h(
        'div',
        { class: 'clocks' },
        h('span', { class: 'clock-label' }, 'Session'),
        clockElement(clocks, 'credentials'),
        clocks.mfaExpiresAt !== undefined ? h('span', { class: 'clock-label' }, 'MFA') : null,
        clocks.mfaExpiresAt !== undefined ? clockElement(clocks, 'mfa') : null,
      ),
    ),
    whoList(session, who?.view),
    ...warnings,
    h(
      'div',
      { class: 'copy-row' },
      formats,
      h(
        'button',
        {
          type: 'button',
          class: 'primary',
          onclick: () => void copySnippet(store, session.roleId, lastFormat),
        },
        icon('copy'),
        'Copy export',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => void copyUnset(store, lastFormat === 'json' ? 'bash' : lastFormat),
        },
        'Copy unset',
      ),
      h(
        'button',
        { type: 'button', class: 'link', onclick: () => void signOut(store, session.roleId) },
        'Sign out',
      ),
    ),
  );
}

/** An Identity Center identity that needs a new sign-in (its token cannot be refreshed): one click signs in. */
function signInPrompt(store: Store, identity: IdentityView): HTMLElement {
  const { id, name } = identity;
  const button = h('button', { type: 'button', class: 'btn', id: `sso-sign-in-${id}` }, 'Sign in');
  button.addEventListener('click', () => signIn(store, identity));
  const note = warning(
    `Sign in to “${name}” (IAM Identity Center) again.`,
    'Its roles and sessions are kept; the sign-in opens in your browser, or use a code without one.',
  );
  note.append(button, deviceCodePart(store, identity));
  return note;
}

function warning(message: string, hint: string | undefined): HTMLElement {
  return h(
    'div',
    { class: 'warning', role: 'alert' },
    icon('warn'),
    h('div', {}, h('p', {}, message), hint ? h('p', { class: 'small' }, hint) : null),
  );
}

function whoList(
  session: SessionView,
  who: { account: string; arn: string; userId: string; kind: keyof typeof KIND_LABEL } | undefined,
): HTMLElement {
  const row = (term: string, value: string) => [h('dt', {}, term), h('dd', {}, arnText(value))];
  return h(
    'dl',
    { class: 'who', 'aria-label': 'Who am I' },
    ...row('Account', who?.account ?? session.accountId),
    ...row('ARN', who?.arn ?? session.principalArn),
    ...row('User ID', who?.userId ?? '…'),
    ...row('Kind', who ? KIND_LABEL[who.kind] : '…'),
  );
}

function roleSection(
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
  const message = store.ui.rowMessage?.roleId === role.id ? store.ui.rowMessage : undefined;
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
