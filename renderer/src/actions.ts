/** What the user's clicks do: calls through window.rolebar, with outcomes recorded in the store. */
import type { SnippetFormatId } from '../../electron/ipc/contract.js';
import { activeSessionOf } from '../../electron/core/domain/session-live.js';
import { clockNow } from './countdown.js';
import { toast } from './dom.js';
import type { Store } from './store.js';
import { openMfaDialog } from './views/dialogs.js';

/** Switches to a role; asks for an MFA code only when the main process says one is needed. */
export async function switchRole(store: Store, roleId: string, mfaCode?: string): Promise<void> {
  if (store.ui.switching) return;
  store.setUi({ switching: roleId, rowMessage: undefined });
  const result = await store.api.switchRole(mfaCode ? { roleId, mfaCode } : { roleId });
  store.setUi({ switching: undefined });
  if (result.ok) {
    showSwitched(store, roleId, result.value);
  } else if (result.error.code === 'mfa-required') {
    promptMfa(store, roleId);
  } else {
    store.setUi({
      rowMessage: { roleId, kind: 'error', lines: [result.error.message], hint: result.error.hint },
    });
    if (result.error.code.startsWith('keychain-')) store.setUi({ banner: result.error });
  }
}

/** Opens the MFA prompt for a role; the dialog keeps asking until a code works or the user cancels. */
export function promptMfa(store: Store, roleId: string): void {
  const role = store.state?.roles.find((r) => r.id === roleId);
  if (!role) return;
  openMfaDialog(
    role.label,
    async (code) => {
      const result = await store.api.switchRole({ roleId, mfaCode: code });
      if (!result.ok) return result.error;
      showSwitched(store, roleId, result.value);
      return undefined;
    },
    store.state?.app.demoMfaHint,
  );
}

/** How long "Switched." stays on the row: it says what just happened, not what is (the clock says that). */
const SWITCHED_SHOWN_MS = 6000;

/**
 * Shows a switch's outcome on its row: its notices (kept while the session lives: role-list.ts), or "Switched",
 * which goes after a few seconds.
 */
function showSwitched(
  store: Store,
  roleId: string,
  value: { notices: string[]; session: { profileName: string } },
): void {
  const plain = value.notices.length === 0;
  const lines = plain ? [`Switched. Profile "${value.session.profileName}" is ready.`] : value.notices;
  const message = { roleId, kind: 'ok' as const, lines };
  store.setUi({ rowMessage: message });
  if (!plain) return;
  window.setTimeout(() => {
    if (store.ui.rowMessage === message) store.setUi({ rowMessage: undefined });
  }, SWITCHED_SHOWN_MS);
}

/** Copies a session's snippet: the main process writes the clipboard, the page only hears how long it stays. */
export async function copySnippet(store: Store, roleId: string, format: SnippetFormatId): Promise<void> {
  const result = await store.api.copySnippet({ roleId, format });
  if (result.ok) toast(copiedText(result.value.clearsInSeconds));
  else toast(`Not copied: ${result.error.message}`);
}

/** Copies the snippet that returns a shell to the user's own identity. */
export async function copyUnset(store: Store, format: SnippetFormatId): Promise<void> {
  if (format === 'json') return;
  const result = await store.api.copyUnsetSnippet({ format });
  if (result.ok) toast(copiedText(result.value.clearsInSeconds));
  else toast(`Not copied: ${result.error.message}`);
}

/** Copies the credentials endpoint's two export lines: the token goes from the main process to the clipboard. */
export async function copyEndpointLines(store: Store): Promise<void> {
  const result = await store.api.copyEndpointLines();
  if (result.ok) toast(copiedText(result.value.clearsInSeconds));
  else toast(`Not copied: ${result.error.message}`);
}

function copiedText(seconds: number): string {
  return seconds > 0 ? `Copied — clears in ${seconds} s` : 'Copied';
}

/** Asks who the active session is (GetCallerIdentity), to show account, ARN and warnings. */
export async function refreshWhoAmI(store: Store, roleId: string, key: string): Promise<void> {
  if (asking === key) return;
  asking = key;
  const result = await store.api.whoAmI({ roleId });
  asking = '';
  if (!store.state || activeSessionOf(store.state.sessions, clockNow())?.roleId !== roleId) return;
  store.setUi({ whoAmI: result.ok ? { key, view: result.value } : { key, error: result.error } });
}
let asking = '';

/** Ends a session: removes its profile. */
export async function signOut(store: Store, roleId: string): Promise<void> {
  const result = await store.api.signOut({ roleId });
  if (result.ok) toast('Signed out. The profile was removed.');
  else toast(`Not signed out: ${result.error.message}`);
}
