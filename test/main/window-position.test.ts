import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowPlacement } from '../../electron/service/window-position.js';

const size = { width: 420, height: 600 };
const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('the popover window goes by the tray icon, inside the work area', () => {
  it('below the icon under a top menu bar (macOS, GNOME)', () => {
    const workArea = { ...screen, y: 25, height: 1055 };
    assert.deepEqual(windowPlacement({ x: 1500, y: 0, width: 22, height: 22 }, size, workArea), {
      mode: 'popover',
      x: 1301,
      y: 29,
    });
  });

  it('above the icon over a bottom taskbar (Windows), pulled in from the right edge', () => {
    const workArea = { ...screen, height: 1040 };
    assert.deepEqual(windowPlacement({ x: 1880, y: 1044, width: 32, height: 32 }, size, workArea), {
      mode: 'popover',
      x: 1500,
      y: 436,
    });
  });

  it('beside the icon with a taskbar on the left or the right', () => {
    const left = windowPlacement({ x: 8, y: 900, width: 32, height: 32 }, size, {
      ...screen,
      x: 48,
      width: 1872,
    });
    assert.deepEqual(left, { mode: 'popover', x: 52, y: 480 });
    const right = windowPlacement({ x: 1880, y: 100, width: 32, height: 32 }, size, {
      ...screen,
      width: 1872,
    });
    assert.deepEqual(right, { mode: 'popover', x: 1448, y: 0 });
  });

  it('on a second display with negative coordinates', () => {
    const workArea = { x: -1280, y: 0, width: 1280, height: 984 };
    const placed = windowPlacement({ x: -100, y: 990, width: 24, height: 24 }, size, workArea);
    assert.deepEqual(placed, { mode: 'popover', x: -420, y: 380 });
  });

  it('a normal window when there is no tray or it reports no bounds (Linux)', () => {
    assert.deepEqual(windowPlacement(undefined, size, screen), { mode: 'normal' });
    assert.deepEqual(windowPlacement({ x: 0, y: 0, width: 0, height: 0 }, size, screen), { mode: 'normal' });
  });

  it('a window larger than the work area is pinned to its top-left corner', () => {
    const small = { x: 0, y: 0, width: 300, height: 400 };
    assert.deepEqual(windowPlacement({ x: 280, y: 0, width: 20, height: 20 }, size, small), {
      mode: 'popover',
      x: 0,
      y: 0,
    });
  });
});
