// Where the popover window goes: a pure function of the tray icon's bounds and the display's work area, so it is
// tested for every taskbar edge without a screen.

/** A rectangle in screen coordinates (Electron's Rectangle). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where to show the window: by the tray, or as a normal centred window when there is no usable tray. */
export type WindowPlacement = { mode: 'popover'; x: number; y: number } | { mode: 'normal' };

/** Space kept between the tray icon and the window. */
const GAP = 4;

/**
 * Places a window of `size` next to the tray icon, on the side of the work area the taskbar is on (top bar:
 * below the icon; bottom taskbar: above; side taskbars: beside), kept inside the work area. Without tray bounds
 * (no tray, or Linux desktops that report 0×0) the window is a normal one.
 */
export function windowPlacement(
  tray: Rect | undefined,
  size: { width: number; height: number },
  workArea: Rect,
): WindowPlacement {
  if (!tray || tray.width <= 0 || tray.height <= 0) return { mode: 'normal' };
  const centreX = tray.x + tray.width / 2;
  const centreY = tray.y + tray.height / 2;
  let x: number;
  let y: number;
  if (tray.x + tray.width <= workArea.x) {
    x = workArea.x + GAP; // taskbar on the left
    y = centreY - size.height / 2;
  } else if (tray.x >= workArea.x + workArea.width) {
    x = workArea.x + workArea.width - size.width - GAP; // taskbar on the right
    y = centreY - size.height / 2;
  } else {
    x = centreX - size.width / 2;
    y =
      centreY < workArea.y + workArea.height / 2
        ? Math.max(workArea.y, tray.y + tray.height) + GAP // menu bar or top panel
        : Math.min(workArea.y + workArea.height, tray.y) - size.height - GAP; // bottom taskbar
  }
  return {
    mode: 'popover',
    x: Math.round(clamp(x, workArea.x, workArea.x + workArea.width - size.width)),
    y: Math.round(clamp(y, workArea.y, workArea.y + workArea.height - size.height)),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, Math.max(min, max)));
}
