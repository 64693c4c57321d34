// Native notifications: Electron's Notification behind the plain Notifier interface the scheduler and the tray
// dispatcher use. Buttons are shown where Electron supports them (macOS); a click anywhere opens the window.
import { Notification } from 'electron';
import type { Notifier } from '../service/tray-actions.js';
import type { TrayDispatch } from '../service/tray-actions.js';

/** A Notifier whose clicks and buttons go to the dispatcher it is given (before then, they are dropped). */
export interface ElectronNotifier extends Notifier {
  dispatchTo(dispatch: TrayDispatch): void;
}

/** A Notifier over Electron's Notification; a silent no-op where the OS has no notification service. */
export function electronNotifier(): ElectronNotifier {
  // Electron drops the click handlers of notifications that are garbage-collected: keep them until closed.
  const shown = new Set<Notification>();
  const buttons = process.platform === 'darwin';
  let dispatch: TrayDispatch = async () => undefined;
  return {
    dispatchTo(to) {
      dispatch = to;
    },
    notify({ title, body, actions }) {
      if (!Notification.isSupported()) return;
      const notification = new Notification({
        title,
        body,
        ...(buttons && actions.length > 0
          ? { actions: actions.map((a) => ({ type: 'button' as const, text: a.label })) }
          : {}),
      });
      shown.add(notification);
      notification.on('click', () => void dispatch({ kind: 'open-window' }));
      notification.on('action', (event) => {
        const chosen = actions[event.actionIndex];
        if (chosen) void dispatch(chosen.action);
      });
      notification.on('close', () => shown.delete(notification));
      notification.show();
    },
  };
}
