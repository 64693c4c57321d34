/**
 * The window's entry point: loads the AppState, follows the pushes (no polling), and draws the current
 * screen. Everything reaches the main process through `window.rolebar`; nothing secret ever comes back.
 */
import type { RolebarApi } from '../../electron/preload/api.js';
import type { AppState, Theme } from '../../electron/ipc/contract.js';
import { applyStateUpdate } from '../../electron/ipc/state-update.js';
import { setClockSettings, startTicker } from './countdown.js';
import { h } from './dom.js';
import { type Screen, Store } from './store.js';
import { promptMfa, switchRole } from './actions.js';
import { renderIdentityForm } from './views/identity-form.js';
import { renderDiscover } from './views/discover.js';
import { renderImport } from './views/import.js';
import { renderMain } from './views/main.js';
import { applyFilter, visibleRoleButtons } from './views/role-list.js';
import { renderManage } from './views/manage.js';
import { renderRoleForm } from './views/role-form.js';
import { renderSsoForm } from './views/sso-form.js';
import { refreshEndpointRows, renderSettings } from './views/settings.js';

declare global {
  interface Window {
    rolebar: RolebarApi;
  }
}

performance.mark('rolebar:start');

const root = document.getElementById('app') as HTMLElement;
const store = new Store(window.rolebar);
const filterBox = createFilterBox();
let drawnScreen: Screen | undefined;
let firstRender = true;

function createFilterBox(): HTMLInputElement {
  const input = h('input', {
    id: 'role-filter',
    type: 'search',
    placeholder: 'Filter roles',
    'aria-label': 'Filter roles',
    'aria-controls': 'role-list',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  input.addEventListener('input', () => {
    store.ui.filter = input.value;
    const section = input.closest('section');
    if (section) applyFilter(section, input.value);
  });
  input.addEventListener('keydown', (event) => {
    const section = input.closest('section');
    if (!section) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      visibleRoleButtons(section)[0]?.focus();
    } else if (event.key === 'Enter') {
      const first = visibleRoleButtons(section)[0];
      if (first?.dataset.roleId) void switchRole(store, first.dataset.roleId);
    } else if (event.key === 'Escape' && input.value) {
      event.preventDefault();
      event.stopPropagation();
      input.value = '';
      store.ui.filter = '';
      applyFilter(section, '');
    }
  });
  return input;
}

/** Draws the current screen. Forms are drawn once when opened, so a pushed state never wipes what is typed. */
function render(): void {
  const screen = store.ui.screen;
  const isForm = !['main', 'manage'].includes(screen.name);
  // A form is drawn from the state; one opened before the first state arrived is drawn when it comes (marking it
  // drawn now would leave the main screen showing, since a drawn form only refreshes its live rows).
  if (isForm && !store.state) return;
  if (isForm && drawnScreen === screen) {
    if (screen.name === 'settings') refreshEndpointRows(root, store);
    return;
  }
  const changed = drawnScreen !== screen;
  drawnScreen = screen;
  const focus = rememberFocus();
  switch (screen.name) {
    case 'main':
      renderMain(root, store, filterBox);
      break;
    case 'manage':
      renderManage(root, store);
      break;
    case 'identity':
      renderIdentityForm(root, store, screen.id);
      break;
    case 'sso':
      renderSsoForm(root, store);
      break;
    case 'role':
      renderRoleForm(root, store, screen.id);
      break;
    case 'import':
      renderImport(root, store);
      break;
    case 'discover':
      renderDiscover(root, store);
      break;
    case 'settings':
      renderSettings(root, store);
      break;
  }
  if (!changed) focus();
  else if (screen.name === 'main' || screen.name === 'manage') {
    (
      root.querySelector<HTMLElement>('#role-filter') ??
      root.querySelector<HTMLElement>('main button, #app button')
    )?.focus();
  }
  if (firstRender && store.state) {
    firstRender = false;
    performance.mark('rolebar:first-render');
    performance.measure('rolebar:first-render', 'rolebar:start', 'rolebar:first-render');
    performance.measure('rolebar:first-draw', 'rolebar:state', 'rolebar:first-render');
  }
}

/** Keeps focus (and the caret in the filter box) on the same control across a redraw. */
function rememberFocus(): () => void {
  const active = document.activeElement as HTMLElement | null;
  if (active === filterBox) {
    const [start, end] = [filterBox.selectionStart, filterBox.selectionEnd];
    return () => {
      filterBox.focus();
      filterBox.setSelectionRange(start, end);
    };
  }
  const roleId = active?.dataset.roleId;
  const id = active?.id;
  return () => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const again = roleId
      ? root.querySelector<HTMLElement>(`[data-role-id="${CSS.escape(roleId)}"]`)
      : id
        ? document.getElementById(id)
        : null;
    again?.focus();
  };
}

function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

function onState(state: AppState): void {
  if (firstRender) performance.mark('rolebar:state');
  applyTheme(state.preferences.theme);
  setClockSettings({
    alertThresholdsMin: state.preferences.alertThresholdsMin,
    refreshMarginMin: state.preferences.refreshMarginMin,
  });
  store.setState(state);
}

document.addEventListener('keydown', (event) => {
  // A dialog handles its own Esc (it closes); otherwise Esc goes back to the main screen.
  if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return;
  if (store.ui.screen.name !== 'main') {
    event.preventDefault();
    store.go({ name: 'main' });
  }
});

store.subscribe(render);
// A clock that reaches zero redraws the page: that session is no longer live, so no longer active.
startTicker(undefined, render);
render();
// An update may leave out the roles, unchanged since the last one (state-update.ts); a page that has none yet
// (reloaded between two updates) asks for the whole state.
window.rolebar.onStateChanged((update) => {
  const state = applyStateUpdate(update, store.state);
  if (state) onState(state);
  else void window.rolebar.getState().then(onState);
});
// The tray switched to a role that needs a code: go to the main screen and ask for it there.
window.rolebar.onPromptMfa(({ roleId }) => {
  store.go({ name: 'main' });
  promptMfa(store, roleId);
});
// The tray's "Settings…".
window.rolebar.onOpenSettings(() => store.go({ name: 'settings' }));
void window.rolebar.getState().then(onState);
// Back online: the main process checks at once that the active session still works.
window.addEventListener('online', () => void window.rolebar.networkOnline());
