/**
 * Writes the packaging icons into build/icons/ from the drawing in electron/service/icons.ts (electron-builder
 * makes the .icns and .ico from 512x512.png; Linux takes the whole NxN.png set). Re-run after changing the drawing:
 * `tsx build/icons.ts`. The tray icons are drawn at run time and are not written here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appIconPng } from '../electron/service/icons.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');
mkdirSync(dir, { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  writeFileSync(path.join(dir, `${size}x${size}.png`), appIconPng(size));
}
console.log(`wrote icons to ${path.relative(process.cwd(), dir)}`);
