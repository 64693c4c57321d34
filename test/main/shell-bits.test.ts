import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { appIconPng, trayIconPng } from '../../electron/service/icons.js';
import { applyLaunchAtLogin, autostartEntry, autostartFile } from '../../electron/service/launch-at-login.js';

/** Width, height and the alpha channel of a PNG written by encodePng (one IDAT, filter 0). */
function readPng(png: Buffer) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idatLength = png.readUInt32BE(33);
  assert.equal(png.toString('ascii', 37, 41), 'IDAT');
  const rows = inflateSync(png.subarray(41, 41 + idatLength));
  const alpha: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) alpha.push(rows[y * (width * 4 + 1) + 1 + x * 4 + 3] as number);
  }
  return { width, height, alpha };
}

describe('icons drawn in code', () => {
  it('tray icons are small PNGs with a transparent background and an opaque glyph', () => {
    for (const variant of ['template', 'on-light', 'on-dark'] as const) {
      const { width, height, alpha } = readPng(trayIconPng(variant, 32));
      assert.deepEqual([width, height], [32, 32]);
      assert.equal(alpha[0], 0, 'corner transparent');
      assert.ok(
        alpha.some((a) => a === 255),
        'glyph opaque',
      );
    }
    assert.ok(trayIconPng('template', 16).length < 1024);
  });

  it('the packaged icons in build/icons match the drawing', () => {
    const file = path.resolve(import.meta.dirname, '../../build/icons/256x256.png');
    assert.deepEqual(
      readFileSync(file),
      appIconPng(256),
      'run `tsx build/icons.ts` after changing the drawing',
    );
  });
});

describe('launch at login', () => {
  it('uses login items on macOS and Windows, started hidden', () => {
    const calls: unknown[] = [];
    for (const platform of ['darwin', 'win32'] as const) {
      applyLaunchAtLogin(true, {
        platform,
        setLoginItemSettings: (s) => calls.push(s),
        execPath: '/x',
        env: {},
        homedir: '/nowhere',
      });
    }
    assert.deepEqual(calls, [
      { openAtLogin: true, args: ['--hidden'] },
      { openAtLogin: true, args: ['--hidden'] },
    ]);
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rolebar-autostart-'));
    try {
      const deps = {
        platform: 'linux' as const,
        setLoginItemSettings: () => assert.fail('not on Linux'),
        execPath: '/opt/Rolebar Apps/rolebar',
        env: {},
        homedir: home,
      };
      applyLaunchAtLogin(true, deps);
      const file = autostartFile({}, home);
      assert.equal(file, path.join(home, '.config/autostart/rolebar.desktop'));
      assert.match(readFileSync(file, 'utf8'), /^Exec="\/opt\/Rolebar Apps\/rolebar" --hidden$/m);
      applyLaunchAtLogin(false, deps);
      assert.equal(existsSync(file), false);
      assert.match(autostartEntry('/a/"b"$c'), /Exec="\/a\/\\"b\\"\\\$c" --hidden/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
