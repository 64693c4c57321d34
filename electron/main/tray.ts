// The tray icon: thin glue from the pure menu and label builders (service/tray-menu.ts) to Electron's Tray.
import { Menu, type MenuItemConstructorOptions, nativeImage, nativeTheme, Tray } from 'electron';
import type { AppState } from '../ipc/contract.js';
import { trayIconPng } from '../service/icons.js';
import type { TrayDispatch } from '../service/tray-actions.js';
import { type TrayMenuItem, trayLabel, trayMenu } from '../service/tray-menu.js';

/** The app's tray icon. */
export interface RolebarTray {
  tray: Tray;
  /** Rebuilds menu, tooltip and title from the state at the current time. */
  update(state: AppState): void;
  destroy(): void;
}

function icon(): Electron.NativeImage {
  const variant =
    process.platform === 'darwin' ? 'template' : nativeTheme.shouldUseDarkColors ? 'on-dark' : 'on-light';
  const image = nativeImage.createEmpty();
  image.addRepresentation({ scaleFactor: 1, buffer: trayIconPng(variant, 16) });
  image.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(variant, 32) });
  // A template image is recoloured by macOS for light and dark menu bars.
  if (variant === 'template') image.setTemplateImage(true);
  return image;
}

function toElectron(items: TrayMenuItem[], dispatch: TrayDispatch): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'submenu') {
      return { label: item.label, enabled: item.enabled, submenu: toElectron(item.submenu, dispatch) };
    }
    const { action } = item;
    return {
      type: item.type,
      label: item.label,
      enabled: item.enabled,
      ...(item.checked === undefined ? {} : { checked: item.checked }),
      ...(action ? { click: () => void dispatch(action) } : {}),
    };
  });
}

/**
 * Creates the tray. A left click opens the window everywhere: on macOS the menu is therefore popped up on right
 * click instead of being attached (an attached menu takes the left click there); on Windows the attached menu
 * opens on right click; on Linux most panels open the attached menu on any click, which holds "Open Rolebar".
 */
export function createTray(options: {
  dispatch: TrayDispatch;
  onClick(bounds: Electron.Rectangle): void;
  consoleAvailable: boolean;
}): RolebarTray {
  const tray = new Tray(icon());
  let menu = Menu.buildFromTemplate([]);
  let last: AppState | undefined;
  let timer: NodeJS.Timeout | undefined;
  const attach = process.platform !== 'darwin';

  tray.on('click', (_event, bounds) => options.onClick(bounds));
  if (!attach) tray.on('right-click', () => tray.popUpContextMenu(menu));
  nativeTheme.on('updated', () => tray.setImage(icon()));

  function update(state: AppState): void {
    last = state;
    const now = Date.now();
    menu = Menu.buildFromTemplate(
      toElectron(trayMenu(state, now, { consoleAvailable: options.consoleAvailable }), options.dispatch),
    );
    if (attach) tray.setContextMenu(menu);
    const label = trayLabel(state, now);
    tray.setToolTip(label.tooltip);
    if (process.platform === 'darwin') tray.setTitle(label.title);
    // One timer, for the moment the minutes shown next change: never a per-second poll.
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (label.nextUpdateAt !== null) {
      timer = setTimeout(() => last && update(last), Math.max(1_000, label.nextUpdateAt - now));
    }
  }

  return {
    tray,
    update,
    destroy() {
      if (timer) clearTimeout(timer);
      tray.destroy();
    },
  };
}
