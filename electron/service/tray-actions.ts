// One handler for every TrayAction, whether it came from a tray menu click or a notification button. Plain Node:
// the Electron glue passes in how to show the window, prompt for MFA, open the console and quit.
import type { Result } from '../ipc/contract.js';
import type { RolebarService } from './service.js';
import type { TrayAction } from './tray-menu.js';

/** A native notification: title and body hold names and times only, never a secret. */
export interface AppNotification {
  title: string;
  body: string;
  /** Buttons, where the OS shows them; clicking the notification itself opens the window. */
  actions: Array<{ label: string; action: TrayAction }>;
}

/** Shows notifications; the main process backs it with Electron's Notification, tests with a list. */
export interface Notifier {
  notify(notification: AppNotification): void;
}

/** What the dispatcher drives besides the service. */
export interface TrayActionDeps {
  service: Pick<
    RolebarService,
    | 'role:switch'
    | 'snippet:copy'
    | 'snippet:copy-unset'
    | 'session:sign-out'
    | 'sso:sign-in'
    | 'identity:rotate'
    | 'state'
  >;
  notifier: Notifier;
  /** Shows and focuses the window. */
  showWindow(): void;
  /** Shows the window on its Settings screen. */
  openSettings(): void;
  /** Shows the About box: the version, and where the settings, the secrets and the messages are. */
  showAbout(): void;
  /** Shows the window on its MFA prompt for `roleId` (the renderer answers with role:switch + mfaCode). */
  promptMfa(roleId: string): void;
  /** Opens the AWS console signed in as the role; rejects with a RolebarError-shaped failure. */
  openConsole(roleId: string): Promise<Result<null>>;
  quit(): void;
}

/** Dispatches one action; resolves once it is done, never rejects (failures become a notification). */
export type TrayDispatch = (action: TrayAction) => Promise<void>;

/** Builds the one dispatcher tray clicks and notification buttons go through. */
export function createTrayDispatcher(deps: TrayActionDeps): TrayDispatch {
  const fail = (what: string, result: Result<unknown>): void => {
    if (result.ok) return;
    const { message, hint } = result.error;
    deps.notifier.notify({ title: what, body: hint ? `${message} ${hint}` : message, actions: [] });
  };

  async function switchTo(roleId: string, what: string): Promise<void> {
    const result = await deps.service['role:switch']({ roleId });
    // A role that needs a code: the window asks for it (never the tray), then switches itself.
    if (!result.ok && result.error.code === 'mfa-required') deps.promptMfa(roleId);
    else fail(what, result);
  }

  return async (action) => {
    try {
      switch (action.kind) {
        case 'switch':
          return await switchTo(action.roleId, 'Could not switch role');
        case 'refresh':
          return await switchTo(action.roleId, 'Could not refresh the session');
        case 'copy-snippet':
          return fail(
            'Could not copy the snippet',
            await deps.service['snippet:copy']({ roleId: action.roleId, format: action.format }),
          );
        case 'copy-unset':
          return fail(
            'Could not copy the snippet',
            await deps.service['snippet:copy-unset']({ format: action.format }),
          );
        case 'open-console':
          return fail('Could not open the AWS console', await deps.openConsole(action.roleId));
        case 'sign-out':
          return fail(
            'Could not sign out',
            await deps.service['session:sign-out']({ roleId: action.roleId }),
          );
        case 'sso-sign-in':
          return fail('Could not sign in', await deps.service['sso:sign-in']({ id: action.identityId }));
        case 'rotate-identity': {
          const result = await deps.service['identity:rotate']({ id: action.identityId });
          // IAM asks for MFA: the window's Rotate button takes the code.
          if (!result.ok && result.error.code === 'mfa-required') return deps.showWindow();
          if (result.ok) {
            deps.notifier.notify({
              title: 'Access key rotated',
              body: `The new key ${result.value.newKeyId} is in the keychain and works; the old key ${result.value.oldKeyId} was ${result.value.oldKey}.`,
              actions: [],
            });
          }
          return fail('Could not rotate the access key', result);
        }
        case 'open-window':
          return deps.showWindow();
        case 'open-settings':
          return deps.openSettings();
        case 'about':
          return deps.showAbout();
        case 'quit':
          return deps.quit();
      }
    } catch {
      // Handlers return failures as values; anything thrown is unexpected and its text may not be safe to show.
      deps.notifier.notify({ title: 'Rolebar', body: 'Something went wrong. See the log.', actions: [] });
    }
  };
}
