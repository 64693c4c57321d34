/** The main screen: who you are, the active session's clock and snippets, and the role list (role-list.ts). */
import type { AppState, IdentityView, SessionView, SnippetFormatId } from '../../../electron/ipc/contract.js';
import { keyAgeWarnings } from './keys.js';
import { SNIPPET_FORMATS } from '../../../electron/core/domain/snippet-formats.js';
import { copySnippet, copyUnset, refreshWhoAmI, signOut, switchRole } from '../actions.js';
import { activeSessionOf, clockSessionOf } from '../../../electron/core/domain/session-live.js';
import { clockElement, clockNow, resetClocks } from '../countdown.js';
import { arnText, errorBlock, h, icon } from '../dom.js';
import type { Screen, Store } from '../store.js';
import { catalogPanel } from './catalogs.js';
import { roleSection } from './role-list.js';
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
    parts.push(h('p', { class: 'muted pad' }, `Demo mode: a local STS stands in for AWS.${hint}`));
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
  const go = (screen: Screen, text: string, style = 'secondary') =>
    h('button', { type: 'button', class: style, onclick: () => store.go(screen) }, text);
  return h(
    'section',
    { class: 'empty', 'aria-labelledby': 'empty-title' },
    h('div', { class: 'empty-icon' }, icon('lock')),
    h(
      'h2',
      { id: 'empty-title' },
      first ? 'Add your IAM user keys or Identity Center, or import ~/.aws' : 'Add a role to switch to',
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
        ? go({ name: 'identity' }, 'Add IAM user keys', 'primary')
        : go({ name: 'role' }, 'Add a role', 'primary'),
      first ? go({ name: 'sso' }, 'Add IAM Identity Center') : go({ name: 'discover' }, 'Find roles'),
      go({ name: 'import' }, 'Import ~/.aws'),
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
    const note = warning(
      problem.message,
      problem.hint,
      h(
        'button',
        { class: 'btn', id: 'session-problem-switch', onclick: () => void switchRole(store, session.roleId) },
        'Switch again',
      ),
    );
    note.id = 'session-problem';
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
  // A first sign-in is the next step, not a problem: no alert for it.
  const first = identity.firstSignIn === true;
  const prompt = warning(
    first
      ? `Sign in to “${identity.name}” (IAM Identity Center) to list its accounts and roles.`
      : `Sign in to “${identity.name}” (IAM Identity Center) again.`,
    first
      ? 'The sign-in opens in your browser, or use a code without one.'
      : 'Its roles and sessions are kept; the sign-in opens in your browser, or use a code without one.',
    h(
      'button',
      {
        type: 'button',
        class: 'btn',
        id: `sso-sign-in-${identity.id}`,
        onclick: () => signIn(store, identity),
      },
      'Sign in',
    ),
    deviceCodePart(store, identity),
  );
  if (first) {
    prompt.className = 'warning next-step';
    prompt.setAttribute('role', 'status');
    prompt.querySelector('svg')?.remove();
  }
  return prompt;
}

/** An alert with its message, an optional hint, and what the user can do about it (buttons after the text). */
function warning(message: string, hint: string | undefined, ...actions: HTMLElement[]): HTMLElement {
  return h(
    'div',
    { class: 'warning', role: 'alert' },
    icon('warn'),
    h('div', {}, h('p', {}, message), hint ? h('p', { class: 'small' }, hint) : null),
    ...actions,
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
