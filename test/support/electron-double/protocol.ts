// The messages between a test and the main process it runs under the Electron double (over the fork IPC channel).
// Plain data only: nothing here holds a secret (the clipboard's text and console URLs are never reported).

/** A built menu item as the double saw it (Electron's MenuItem fields that Rolebar sets). */
export interface MenuItemData {
  label: string;
  type: string;
  enabled: boolean;
  checked: boolean;
  submenu?: MenuItemData[];
}

/** What the double has recorded so far. */
export interface Snapshot {
  /** app.whenReady() has resolved. */
  ready: boolean;
  /** Every call into the double, in order, as "object.method" (arguments are left out: some are secrets). */
  calls: string[];
  trays: Array<{
    tooltip: string;
    title: string;
    /** The menu attached with setContextMenu (Windows, Linux) or last popped up (macOS). */
    menu: MenuItemData[];
    destroyed: boolean;
  }>;
  windows: Array<{
    url: string;
    visible: boolean;
    shows: number;
    focuses: number;
    destroyed: boolean;
    /** Events sent to the page, in order. */
    sent: Array<{ channel: string; payload: unknown }>;
    /** What the window-open handler answered for a new window ('none' when no handler was set). */
    newWindows: string;
    /** The security-relevant webPreferences, and whether the preload file exists. */
    webPreferences: {
      contextIsolation?: boolean;
      sandbox?: boolean;
      nodeIntegration?: boolean;
      preload: boolean;
    };
  }>;
  notifications: Array<{ title: string; body: string; actions: string[]; shown: boolean }>;
  /** The IPC channels with a handler. */
  handlers: string[];
  /** Whether the default session's permission check grants anything (it must not). */
  permissionsGranted: boolean;
  /** The endpoints and folders the app set up for itself (demo mode), from its environment. */
  env: { ROLEBAR_HOME?: string; AWS_ENDPOINT_URL_STS?: string; ROLEBAR_FEDERATION_ENDPOINT?: string };
}

/** Who sends an IPC message: our window's main frame, a frame inside it, or another web contents. */
export type IpcSender = 'window' | 'subframe' | 'foreign';

/** A command from the test. */
export type Command =
  | { op: 'snapshot' }
  | { op: 'click-tray-item'; label: string }
  | { op: 'tray-event'; event: 'click' | 'right-click' }
  | { op: 'notification-action'; notification: number; action: string }
  | { op: 'invoke'; channel: string; args: unknown[]; from: IpcSender }
  | { op: 'power'; event: 'resume' | 'unlock-screen' | 'suspend' }
  | { op: 'advance-clock'; ms: number; asleep: boolean }
  | { op: 'use-copied-endpoint'; logs: string }
  | { op: 'quit' };

/**
 * What the app's process found using the endpoint lines on the clipboard (the token itself never leaves it):
 * the answer, and where else the token showed up (the window's events, argv, the recorded calls, `logs`).
 */
export interface CopiedEndpointUse {
  status: number;
  accessKeyId?: string;
  tokenSeenIn: string[];
}

/** The answer to one command. */
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Sent by the double just before the process exits, as Electron exits after 'quit'. */
export interface ExitReport {
  event: 'exit';
  code: number;
  /** process.getActiveResourcesInfo() at that moment, after the double closed its own handles. */
  resources: string[];
}

/** Set by the harness to run the app as on another OS (e.g. macOS, where notifications have buttons). */
export const PLATFORM_VARIABLE = 'ELECTRON_DOUBLE_PLATFORM';
