// What the Electron double remembers: every call, and the objects the app made. One shared record per process.
import type { BrowserWindowDouble, NotificationDouble, TrayDouble, WebContentsDouble } from './widgets.js';

/** The double's record of everything the app did through Electron. */
export const recorded = {
  calls: [] as string[],
  trays: [] as TrayDouble[],
  windows: [] as BrowserWindowDouble[],
  webContents: [] as WebContentsDouble[],
  notifications: [] as NotificationDouble[],
};

/** Notes one call into the double ("Tray.setToolTip"); arguments are never kept, some are secrets. */
export function record(call: string): void {
  recorded.calls.push(call);
}

/** An Electron event object: `preventDefault()` and `defaultPrevented`. */
export class EventDouble {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** An event carrying `fields` (e.g. Electron's `actionIndex` on a notification action). */
export function electronEvent<T extends object>(fields: T): EventDouble & T {
  return Object.assign(new EventDouble(), fields);
}
