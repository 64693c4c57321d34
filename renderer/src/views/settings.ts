/** Preferences, saved as they change; the theme applies at once. */
import type { AppState, PreferencesView, Theme } from '../../../electron/ipc/contract.js';
import { DEFAULT_KEY_AGE_WARNING_DAYS, isTheme, THEMES } from '../../../electron/core/domain/preferences.js';
import { copyEndpointLines } from '../actions.js';
import { h } from '../dom.js';
import { checkboxField, type Field, selectField, showFormError, textField } from '../forms.js';
import type { Store } from '../store.js';
import {
  clipboardClearSeconds,
  keyAgeWarningDays,
  refreshMarginMin,
} from '../../../electron/core/domain/limits.js';
import { checks, parseThresholds } from '../validation.js';
import { screenHeader, section } from './shell.js';

/** What the theme menu says for each theme (the list itself is the core's THEMES). */
const THEME_LABELS: Record<Theme, string> = { system: 'Same as the system', light: 'Light', dark: 'Dark' };

/** Draws the settings screen. */
export function renderSettings(root: HTMLElement, store: Store): void {
  const prefs = store.state?.preferences;
  if (!prefs) return;
  const errorSlot = h('div', { class: 'form-error' });
  const status = h('p', { class: 'muted small saved', role: 'status' });
  const save = async (patch: Partial<PreferencesView>) => {
    const result = await store.api.setPreferences(patch);
    showFormError(errorSlot, result.ok ? undefined : result.error);
    status.textContent = result.ok ? 'Saved.' : '';
  };
  const onChange = (field: Field, patch: () => Partial<PreferencesView>) =>
    field.input.addEventListener('change', () => {
      if (field.validate()) void save(patch());
    });

  const thresholds = textField({
    label: 'Alert before expiry (minutes)',
    name: 'thresholds',
    value: prefs.alertThresholdsMin.join(', '),
    check: checks.thresholds,
    hint: 'Comma-separated, e.g. 15, 5, 1. The countdown turns amber at the first and red at the last.',
  });
  onChange(thresholds, () => ({ alertThresholdsMin: parseThresholds(thresholds.value()) }));
  const margin = textField({
    label: 'Auto-refresh margin (minutes)',
    name: 'refresh-margin',
    type: 'number',
    value: String(prefs.refreshMarginMin),
    check: checks.intIn(refreshMarginMin),
    hint: `Sessions that need no MFA code are renewed this long before they expire (${refreshMarginMin.min}–${refreshMarginMin.max}).`,
    attrs: { min: refreshMarginMin.min, max: refreshMarginMin.max, inputmode: 'numeric' },
  });
  onChange(margin, () => ({ refreshMarginMin: Number(margin.value()) }));
  const clipboard = textField({
    label: 'Clear copied snippets after (seconds)',
    name: 'clipboard-clear',
    type: 'number',
    value: String(prefs.clipboardClearSeconds),
    check: checks.intIn(clipboardClearSeconds),
    hint: '0 keeps them. Only cleared if the clipboard still holds the snippet.',
    attrs: { min: clipboardClearSeconds.min, max: clipboardClearSeconds.max, inputmode: 'numeric' },
  });
  onChange(clipboard, () => ({ clipboardClearSeconds: Number(clipboard.value()) }));
  const keyAge = textField({
    label: 'Warn when an access key is older than (days)',
    name: 'key-age-warning',
    type: 'number',
    value: String(prefs.keyAgeWarningDays ?? DEFAULT_KEY_AGE_WARNING_DAYS),
    check: checks.intIn(keyAgeWarningDays),
    hint: 'Checked once a day; the warning offers Rotate now.',
    attrs: { min: keyAgeWarningDays.min, max: keyAgeWarningDays.max, inputmode: 'numeric' },
  });
  onChange(keyAge, () => ({ keyAgeWarningDays: Number(keyAge.value()) }));
  const theme = selectField({
    label: 'Theme',
    name: 'theme',
    value: prefs.theme,
    choices: THEMES.map((value) => ({ value, label: THEME_LABELS[value] })),
  });
  onChange(theme, () => {
    const value = theme.value();
    return isTheme(value) ? { theme: value } : {};
  });
  const notifications = checkboxField({
    label: 'Notify before sessions expire',
    name: 'notifications',
    checked: prefs.notifications,
  });
  notifications.input.addEventListener(
    'change',
    () => void save({ notifications: notifications.input.checked }),
  );
  const login = checkboxField({
    label: 'Start Rolebar when I log in',
    name: 'launch-at-login',
    checked: prefs.launchAtLogin,
  });
  login.input.addEventListener('change', () => void save({ launchAtLogin: login.input.checked }));

  const serve = checkboxField({
    label: 'Serve credentials to programs',
    name: 'serve-endpoint',
    checked: prefs.serveEndpoint,
    hint: 'A local endpoint (this computer only) that AWS SDKs and the AWS CLI poll: programs started with the two lines below keep working through renewals.',
  });
  serve.input.addEventListener('change', () => void save({ serveEndpoint: serve.input.checked }));

  root.replaceChildren(
    screenHeader('Settings', null, () => store.go({ name: 'main' })),
    section('alerts-title', 'Sessions', thresholds.row, margin.row, notifications.row),
    section('programs-title', 'Programs', serve.row, endpointSlot(store)),
    section('clipboard-title', 'Clipboard', clipboard.row),
    section('keys-title', 'Access keys', keyAge.row),
    section('app-title', 'App', theme.row, login.row, keychainLine(store)),
    section('cli-title', 'Command line', ...commandLineRows(store)),
    errorSlot,
    status,
  );
  thresholds.input.focus();
}

/** "Install 'rolebar' command in PATH": the launcher for the command line the app ships, and where it went. */
function commandLineRows(store: Store): HTMLElement[] {
  const install = h(
    'button',
    { class: 'secondary', id: 'cli-install', type: 'button' },
    "Install 'rolebar' command in PATH",
  );
  const outcome = h('p', { class: 'muted small', id: 'cli-install-status', role: 'status' });
  const errorSlot = h('div', { class: 'form-error' });
  install.addEventListener('click', () => {
    void store.api.installCommandLine().then((result) => {
      showFormError(errorSlot, result.ok ? undefined : result.error);
      if (!result.ok) return void (outcome.textContent = '');
      const folder = result.value.path.replace(/\/rolebar$/, '');
      outcome.textContent = result.value.onPath
        ? `Installed ${result.value.path}: open a new terminal and run rolebar.`
        : `Installed ${result.value.path}. Add ${folder} to your PATH (in ~/.profile) to run rolebar from a terminal.`;
    });
  });
  return [
    h('p', { class: 'muted small' }, 'Use Rolebar from a terminal: the command line comes with the app.'),
    install,
    outcome,
    errorSlot,
  ];
}

/** Where the secrets are kept (`rolebar keychain migrate` moves them; the window only says where). */
function keychainLine(store: Store): HTMLElement | null {
  const where = store.state?.app.keychain;
  return where
    ? h('p', { class: 'muted small', id: 'keychain-where' }, `Secrets are kept in ${where}.`)
    : null;
}

/** The slot under the preference where the endpoint's lines go; redrawn by `refreshEndpointRows`. */
function endpointSlot(store: Store): HTMLElement {
  const slot = h('div', { id: 'endpoint-slot' });
  fillSlot(slot, store);
  return slot;
}

/**
 * The settings form is drawn once (a pushed state never wipes what is typed): only the endpoint's rows follow
 * the state, redrawn when what they show changed, so the Copy button keeps its focus otherwise.
 */
export function refreshEndpointRows(root: HTMLElement, store: Store): void {
  const slot = root.querySelector<HTMLElement>('#endpoint-slot');
  if (slot) fillSlot(slot, store);
}

function fillSlot(slot: HTMLElement, store: Store): void {
  const state = store.state;
  const key = JSON.stringify([state?.preferences.serveEndpoint, state?.endpoint ?? null]);
  if (slot.dataset.shown === key) return;
  slot.dataset.shown = key;
  slot.replaceChildren(...endpointRows(store, state));
}

/** The endpoint's two export lines (token masked) and the Copy button that copies them with the token. */
function endpointRows(store: Store, state: AppState | undefined): HTMLElement[] {
  if (!state?.preferences.serveEndpoint) return [];
  const served = state.endpoint;
  if (!served) {
    return [
      h(
        'p',
        { class: 'muted small', id: 'endpoint-idle' },
        'Switch to a role: the endpoint serves the active one.',
      ),
    ];
  }
  const label = state.roles.find((r) => r.id === served.roleId)?.label ?? '?';
  const copy = h('button', { class: 'secondary', id: 'endpoint-copy', type: 'button' }, 'Copy');
  copy.addEventListener('click', () => void copyEndpointLines(store));
  return [
    h('p', { class: 'muted small' }, `Serving ${label}. Export these in a shell, then start the program:`),
    h('pre', { class: 'endpoint-lines', id: 'endpoint-lines', tabindex: 0 }, served.maskedLines.join('\n')),
    copy,
  ];
}
