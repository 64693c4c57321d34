// The test's hands inside the app's process: answers each Command from the test (over the fork IPC channel) by
// acting on the Electron double as a user, the OS or another process would.
import { existsSync } from 'node:fs';
import { advanceClock } from './clock.js';
import { app, clipboard, ipcMain, powerMonitor, session } from './electron.js';
import type { Command, CopiedEndpointUse, IpcSender, MenuItemData, Reply, Snapshot } from './protocol.js';
import { electronEvent, recorded } from './recorder.js';
import { FrameDouble, type MenuDouble, type MenuItemDouble, WebContentsDouble } from './widgets.js';

/** Starts answering the test's commands. */
export function startControl(): void {
  process.on('message', (message: unknown) => {
    const id = readId(message);
    if (id === undefined) return;
    void (async (): Promise<Reply> => {
      try {
        return { id, ok: true, value: await perform(parseCommand(message)) };
      } catch (error) {
        return { id, ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    })().then((reply) => process.send?.(reply));
  });
}

function readId(message: unknown): number | undefined {
  if (typeof message !== 'object' || message === null || !('id' in message)) return undefined;
  return typeof message.id === 'number' ? message.id : undefined;
}

function field(message: object, name: string): unknown {
  return name in message ? Reflect.get(message, name) : undefined;
}

function text(message: object, name: string): string {
  const value = field(message, name);
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

function parseCommand(message: unknown): Command {
  if (typeof message !== 'object' || message === null) throw new TypeError('a command must be an object');
  const op = text(message, 'op');
  switch (op) {
    case 'snapshot':
    case 'quit':
      return { op };
    case 'click-tray-item':
      return { op, label: text(message, 'label') };
    case 'tray-event': {
      const event = text(message, 'event');
      if (event !== 'click' && event !== 'right-click') throw new TypeError(`no tray event ${event}`);
      return { op, event };
    }
    case 'notification-action':
      return { op, notification: Number(field(message, 'notification')), action: text(message, 'action') };
    case 'invoke': {
      const args = field(message, 'args');
      const from = text(message, 'from');
      if (!Array.isArray(args)) throw new TypeError('args must be an array');
      if (from !== 'window' && from !== 'subframe' && from !== 'foreign')
        throw new TypeError(`no sender ${from}`);
      return { op, channel: text(message, 'channel'), args, from };
    }
    case 'power': {
      const event = text(message, 'event');
      if (event !== 'resume' && event !== 'unlock-screen' && event !== 'suspend') {
        throw new TypeError(`no power event ${event}`);
      }
      return { op, event };
    }
    case 'advance-clock':
      return { op, ms: Number(field(message, 'ms')), asleep: field(message, 'asleep') === true };
    case 'use-copied-endpoint':
      return { op, logs: text(message, 'logs') };
    default:
      throw new TypeError(`unknown command ${op}`);
  }
}

async function perform(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'snapshot':
      return snapshot();
    case 'click-tray-item':
      return clickTrayItem(command.label);
    case 'tray-event': {
      const tray = liveTray();
      tray.emit(command.event, electronEvent({}), tray.getBounds(), { x: 1810, y: 10 });
      return null;
    }
    case 'notification-action': {
      const notification = recorded.notifications[command.notification];
      if (!notification) throw new Error(`no notification #${command.notification}`);
      notification.press(command.action);
      return null;
    }
    case 'invoke':
      return ipcMain.invoke(command.channel, invokeEvent(command.from), command.args);
    case 'power':
      powerMonitor.emit(command.event, electronEvent({}));
      return null;
    case 'advance-clock':
      advanceClock(command.ms, command.asleep);
      return null;
    case 'use-copied-endpoint':
      return useCopiedEndpoint(command.logs);
    case 'quit':
      app.quit();
      return null;
  }
}

/** Exports the clipboard's two lines as a shell would and asks the endpoint, as an SDK would. */
async function useCopiedEndpoint(logs: string): Promise<CopiedEndpointUse> {
  const copied = await clipboard.readText();
  const url = /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\S+)$/m.exec(copied)?.[1];
  const token = /^export AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)$/m.exec(copied)?.[1];
  if (!url || !token) throw new Error('the clipboard holds no endpoint lines');
  const places = {
    window: JSON.stringify(recorded.windows.map((w) => w.webContents.sent)),
    argv: process.argv.join(' '),
    calls: recorded.calls.join(' '),
    logs,
  };
  const tokenSeenIn = Object.entries(places)
    .filter(([, where]) => where.includes(token))
    .map(([name]) => name);
  const res = await fetch(url, { headers: { authorization: token } });
  const body: unknown = await res.json();
  const key =
    typeof body === 'object' && body !== null && 'AccessKeyId' in body ? body.AccessKeyId : undefined;
  return { status: res.status, ...(typeof key === 'string' ? { accessKeyId: key } : {}), tokenSeenIn };
}

function liveTray() {
  const tray = recorded.trays.find((t) => !t.destroyed);
  if (!tray) throw new Error('the app has no tray');
  return tray;
}

/** Clicks the first enabled item (searching submenus) whose label starts with `label`, as a user would. */
function clickTrayItem(label: string): null {
  const menu = liveTray().menu;
  if (!menu) throw new Error('the tray has no menu');
  const find = (items: MenuItemDouble[]): MenuItemDouble | undefined => {
    for (const item of items) {
      if (item.label.startsWith(label) && item.type !== 'submenu') return item;
      const inner = item.submenu && find(item.submenu.items);
      if (inner) return inner;
    }
    return undefined;
  };
  const item = find(menu.items);
  if (!item) throw new Error(`no tray menu item "${label}…" (the menu: ${labels(menu).join(' | ')})`);
  item.click();
  return null;
}

function labels(menu: MenuDouble): string[] {
  return menu.items.map((i) => i.label || i.type);
}

/** An invoke event from our window's main frame, a frame inside it, or another web contents showing our page. */
function invokeEvent(from: IpcSender) {
  const window = recorded.windows.find((w) => !w.destroyed);
  if (!window) throw new Error('the app has no window');
  const ours = window.webContents;
  if (from === 'window') return { sender: ours, senderFrame: ours.mainFrame, processId: 1, frameId: 1 };
  if (from === 'subframe') {
    return { sender: ours, senderFrame: new FrameDouble(ours.mainFrame.url), processId: 1, frameId: 2 };
  }
  const stranger = new WebContentsDouble();
  stranger.mainFrame.url = ours.mainFrame.url;
  return { sender: stranger, senderFrame: stranger.mainFrame, processId: 2, frameId: 1 };
}

function menuData(menu: MenuDouble | undefined): MenuItemData[] {
  return (menu?.items ?? []).map((item) => ({
    label: item.label,
    type: item.type,
    enabled: item.enabled,
    checked: item.checked,
    ...(item.submenu ? { submenu: menuData(item.submenu) } : {}),
  }));
}

function snapshot(): Snapshot {
  const env: Snapshot['env'] = {};
  for (const name of ['ROLEBAR_HOME', 'AWS_ENDPOINT_URL_STS', 'ROLEBAR_FEDERATION_ENDPOINT'] as const) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ready: app.isReady(),
    calls: [...recorded.calls],
    trays: recorded.trays.map((t) => ({
      tooltip: t.tooltip,
      title: t.title,
      menu: menuData(t.menu),
      destroyed: t.destroyed,
    })),
    windows: recorded.windows.map((w) => ({
      url: w.webContents.mainFrame.url,
      visible: w.visible,
      shows: w.shows,
      focuses: w.focuses,
      destroyed: w.destroyed,
      sent: [...w.webContents.sent],
      newWindows: newWindowAnswer(w.webContents),
      webPreferences: {
        contextIsolation: w.options.webPreferences?.contextIsolation,
        sandbox: w.options.webPreferences?.sandbox,
        nodeIntegration: w.options.webPreferences?.nodeIntegration,
        preload: existsSync(w.options.webPreferences?.preload ?? ''),
      },
    })),
    notifications: recorded.notifications.map((n) => ({
      title: n.title,
      body: n.body,
      actions: n.actions.map((a) => a.text ?? ''),
      shown: n.shown,
    })),
    handlers: [...ipcMain.handlers.keys()].sort(),
    permissionsGranted: session.defaultSession.grants(),
    env,
  };
}

function newWindowAnswer(contents: WebContentsDouble): string {
  if (!contents.openHandler) return 'none';
  return contents.openHandler({
    url: 'https://example.com/',
    frameName: '',
    features: '',
    disposition: 'new-window',
    referrer: { url: '', policy: 'default' },
  }).action;
}
