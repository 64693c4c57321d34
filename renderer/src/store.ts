/** The page's one source of truth: the AppState the main process pushes, plus what only the window knows. */
import type { RolebarApi } from '../../electron/preload/api.js';
import type { AppState, WhoAmIView } from '../../electron/ipc/contract.js';

/** What the user is looking at. Forms are screens of their own, like pages of a popover. */
export type Screen =
  | { name: 'main' }
  | { name: 'manage' }
  | { name: 'identity'; id?: string }
  | { name: 'sso' }
  | { name: 'role'; id?: string }
  | { name: 'import' }
  | { name: 'discover' }
  | { name: 'settings' };

export interface UiError {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** Window-only state: nothing here comes back from the main process. */
export interface UiState {
  screen: Screen;
  filter: string;
  /** The role being switched to (a spinner on its row). */
  switching?: string | undefined;
  /** The last switch's outcome on a role's row: notices, or an error. */
  rowMessage?:
    { roleId: string; kind: 'ok' | 'error'; lines: string[]; hint?: string | undefined } | undefined;
  /** Who the active session is, keyed by role and start time so that a new session asks again. */
  whoAmI?: { key: string; view?: WhoAmIView; error?: UiError } | undefined;
  /** A failure not tied to a row (keychain unavailable above all). */
  banner?: UiError | undefined;
}

type Listener = () => void;

/** A minimal store: `set` merges and notifies; views read `state` and `ui` directly. */
export class Store {
  state: AppState | undefined;
  ui: UiState = { screen: { name: 'main' }, filter: '' };
  private readonly listeners = new Set<Listener>();

  constructor(readonly api: RolebarApi) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setState(state: AppState): void {
    this.state = state;
    this.notify();
  }

  setUi(patch: Partial<UiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.notify();
  }

  /** Reloads the state before showing a screen that depends on what was just changed. */
  async refresh(): Promise<void> {
    this.state = await this.api.getState();
  }

  go(screen: Screen): void {
    this.setUi({ screen });
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
