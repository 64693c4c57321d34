// The Electron double's windows, tray, menus, notifications and images. Each class `implements` the part of
// Electron's own type that Rolebar calls, so `tsc -p test` fails when Electron's .d.ts moves away from the double.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type {
  BrowserWindow as RealBrowserWindow,
  BrowserWindowConstructorOptions,
  Display,
  Menu as RealMenu,
  MenuItem as RealMenuItem,
  MenuItemConstructorOptions,
  NativeImage as RealNativeImage,
  NativeTheme as RealNativeTheme,
  Notification as RealNotification,
  NotificationAction,
  NotificationConstructorOptions,
  Rectangle,
  Screen as RealScreen,
  Tray as RealTray,
  WebContents as RealWebContents,
} from 'electron';
import { electronEvent, record, recorded } from './recorder.js';

/** Called when a window closes outside a quit: the app double emits 'window-all-closed' when none is left. */
export const windowEvents = new EventEmitter();

/** A frame: only its URL matters to the IPC sender check. */
export class FrameDouble {
  constructor(public url: string) {}
}

/** A window's web contents: what it was sent, and the guards the app installed on it. */
export class WebContentsDouble
  extends EventEmitter
  implements Pick<RealWebContents, 'send' | 'isDestroyed' | 'setWindowOpenHandler' | 'getURL'>
{
  readonly mainFrame = new FrameDouble('about:blank');
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  openHandler: Parameters<RealWebContents['setWindowOpenHandler']>[0] | undefined;
  destroyed = false;

  constructor() {
    super();
    recorded.webContents.push(this);
  }
  send(channel: string, ...args: unknown[]): void {
    record('webContents.send');
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload: args[0] });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: Parameters<RealWebContents['setWindowOpenHandler']>[0]): void {
    record('webContents.setWindowOpenHandler');
    this.openHandler = handler;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
}

/** A BrowserWindow: visibility, focus and close as Electron orders them; the page is never rendered. */
export class BrowserWindowDouble
  extends EventEmitter
  implements
    Pick<
      RealBrowserWindow,
      | 'loadFile'
      | 'show'
      | 'hide'
      | 'focus'
      | 'isVisible'
      | 'isMinimized'
      | 'restore'
      | 'setPosition'
      | 'close'
      | 'destroy'
      | 'isDestroyed'
    >
{
  readonly webContents = new WebContentsDouble();
  visible = false;
  shows = 0;
  focuses = 0;
  destroyed = false;
  private readyShown = false;

  constructor(readonly options: BrowserWindowConstructorOptions = {}) {
    super();
    record('BrowserWindow.new');
    recorded.windows.push(this);
    windowEvents.emit('web-contents-created', this.webContents);
  }
  async loadFile(filePath: string): Promise<void> {
    record('BrowserWindow.loadFile');
    // Electron rejects a missing page with ERR_FILE_NOT_FOUND and shows an empty window.
    if (!existsSync(filePath))
      throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(filePath).href}'`);
    this.webContents.mainFrame.url = pathToFileURL(filePath).href;
    await new Promise((resolve) => setImmediate(resolve));
    this.webContents.emit('did-finish-load');
    if (!this.readyShown) {
      this.readyShown = true;
      this.emit('ready-to-show', electronEvent({}));
    }
  }
  show(): void {
    record('BrowserWindow.show');
    this.visible = true;
    this.shows++;
    this.emit('show', electronEvent({}));
  }
  hide(): void {
    record('BrowserWindow.hide');
    this.visible = false;
    this.emit('hide', electronEvent({}));
  }
  focus(): void {
    record('BrowserWindow.focus');
    this.focuses++;
    this.emit('focus', electronEvent({}));
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {
    record('BrowserWindow.restore');
  }
  setPosition(x: number, y: number): void {
    record(`BrowserWindow.setPosition`);
    void x;
    void y;
  }
  /** Electron's close(): 'close' first (a listener may prevent it), then the window is destroyed. */
  close(): void {
    this.tryClose(false);
  }
  /** Closes unless a 'close' listener prevents it; true once closed. */
  tryClose(quitting: boolean): boolean {
    record('BrowserWindow.close');
    if (this.destroyed) return true;
    const event = electronEvent({});
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    if (!quitting && recorded.windows.every((w) => w.destroyed)) windowEvents.emit('window-all-closed');
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A built menu item. A click toggles a checkbox first, as Electron does, then calls the template's click. */
export class MenuItemDouble implements Pick<RealMenuItem, 'label' | 'type' | 'enabled' | 'checked'> {
  label: string;
  type: RealMenuItem['type'];
  enabled: boolean;
  checked: boolean;
  submenu?: MenuDouble;
  private readonly onClick: MenuItemConstructorOptions['click'] | RealMenuItem['click'];

  constructor(options: MenuItemConstructorOptions | RealMenuItem) {
    this.label = options.label ?? '';
    this.type = options.type ?? (options.submenu ? 'submenu' : 'normal');
    this.enabled = options.enabled ?? true;
    this.checked = options.checked ?? false;
    this.onClick = options.click;
    if (Array.isArray(options.submenu)) this.submenu = MenuDouble.buildFromTemplate(options.submenu);
    else if (options.submenu instanceof MenuDouble) this.submenu = options.submenu;
  }

  /** What a user's click does: nothing when disabled. */
  click(): void {
    record('MenuItem.click');
    if (!this.enabled) throw new Error(`"${this.label}" is disabled: a user cannot click it`);
    if (this.type === 'checkbox') this.checked = !this.checked;
    // Electron passes the item, the focused window (none: the tray has focus) and the keyboard state.
    const keys = {
      shiftKey: false,
      ctrlKey: false,
      altKey: false,
      metaKey: false,
      triggeredByAccelerator: false,
    };
    if (this.onClick) Reflect.apply(this.onClick, undefined, [this, undefined, keys]);
  }
}

/** A menu built from a template. */
export class MenuDouble {
  constructor(readonly items: MenuItemDouble[]) {}

  /** Menu.buildFromTemplate with Electron's own parameter type. */
  static buildFromTemplate(template: Parameters<typeof RealMenu.buildFromTemplate>[0]): MenuDouble {
    record('Menu.buildFromTemplate');
    return new MenuDouble(template.map((options) => new MenuItemDouble(options)));
  }
}

/** A tray icon: its tooltip, title and menu, and the clicks a user makes on it. */
export class TrayDouble
  extends EventEmitter
  implements
    Pick<
      RealTray,
      | 'setContextMenu'
      | 'setToolTip'
      | 'setTitle'
      | 'setImage'
      | 'getBounds'
      | 'popUpContextMenu'
      | 'destroy'
      | 'isDestroyed'
    >
{
  tooltip = '';
  title = '';
  menu: MenuDouble | undefined;
  destroyed = false;

  constructor(readonly image: RealNativeImage | string) {
    super();
    record('Tray.new');
    recorded.trays.push(this);
  }
  setContextMenu(menu: RealMenu | null): void {
    record('Tray.setContextMenu');
    this.menu = menu instanceof MenuDouble ? menu : undefined;
  }
  setToolTip(toolTip: string): void {
    record('Tray.setToolTip');
    this.tooltip = toolTip;
  }
  setTitle(title: string): void {
    record('Tray.setTitle');
    this.title = title;
  }
  setImage(image: RealNativeImage | string): void {
    record('Tray.setImage');
    void image;
  }
  getBounds(): Rectangle {
    return { x: 1800, y: 0, width: 24, height: 24 };
  }
  popUpContextMenu(menu?: RealMenu): void {
    record('Tray.popUpContextMenu');
    if (menu instanceof MenuDouble) this.menu = menu;
  }
  destroy(): void {
    record('Tray.destroy');
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A native notification: shown or not, and its buttons. */
export class NotificationDouble
  extends EventEmitter
  implements Pick<RealNotification, 'title' | 'body' | 'actions' | 'show' | 'close'>
{
  title: string;
  body: string;
  actions: NotificationAction[];
  shown = false;

  constructor(options: NotificationConstructorOptions = {}) {
    super();
    record('Notification.new');
    this.title = options.title ?? '';
    this.body = options.body ?? '';
    this.actions = options.actions ?? [];
    recorded.notifications.push(this);
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    record('Notification.show');
    this.shown = true;
  }
  close(): void {
    record('Notification.close');
    this.emit('close', electronEvent({ reason: 'unknown' }));
  }
  /** A user presses the button labelled `text`: only buttons Electron was asked to show can be pressed. */
  press(text: string): void {
    const actionIndex = this.actions.findIndex((a) => a.text === text);
    if (!this.shown) throw new Error(`the notification "${this.title}" was never shown`);
    if (actionIndex < 0) {
      throw new Error(`the notification "${this.title}" has no "${text}" button (it has: ${this.buttons()})`);
    }
    // Electron 45 passes the index in the event and, deprecated, as the second argument.
    this.emit('action', electronEvent({ actionIndex, selectionIndex: -1 }), actionIndex, -1);
  }
  buttons(): string {
    return this.actions.map((a) => a.text ?? '').join(', ') || 'none';
  }
}

/** An image: only its representations are kept. */
export class NativeImageDouble implements Pick<
  RealNativeImage,
  'addRepresentation' | 'setTemplateImage' | 'isEmpty'
> {
  representations = 0;
  template = false;
  addRepresentation(options: Parameters<RealNativeImage['addRepresentation']>[0]): void {
    record('NativeImage.addRepresentation');
    if (options.buffer) this.representations++;
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
  isEmpty(): boolean {
    return this.representations === 0;
  }
}

/** nativeImage: only createEmpty is used. */
export const nativeImage = {
  createEmpty(): NativeImageDouble {
    record('nativeImage.createEmpty');
    return new NativeImageDouble();
  },
};

class NativeThemeDouble
  extends EventEmitter
  implements Pick<RealNativeTheme, 'shouldUseDarkColors' | 'themeSource'>
{
  shouldUseDarkColors = false;
  themeSource: RealNativeTheme['themeSource'] = 'system';
}

/** nativeTheme: light, until a test says otherwise. */
export const nativeTheme = new NativeThemeDouble();

const display: Display = {
  accelerometerSupport: 'unknown',
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
  colorDepth: 24,
  colorSpace: '',
  depthPerComponent: 8,
  detected: true,
  displayFrequency: 60,
  id: 1,
  internal: true,
  label: 'double',
  maximumCursorSize: { width: 64, height: 64 },
  monochrome: false,
  nativeOrigin: { x: 0, y: 0 },
  rotation: 0,
  scaleFactor: 1,
  size: { width: 1920, height: 1080 },
  touchSupport: 'unknown',
  workArea: { x: 0, y: 24, width: 1920, height: 1056 },
  workAreaSize: { width: 1920, height: 1056 },
};

/** screen: one 1920×1080 display. */
export const screen = {
  getPrimaryDisplay: () => display,
  getDisplayMatching: (rect: Rectangle) => {
    void rect;
    return display;
  },
} satisfies Pick<RealScreen, 'getPrimaryDisplay' | 'getDisplayMatching'>;
