import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const electronDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/electron');

/**
 * The installed Electron executable, or undefined when `npm install` skipped its download
 * (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no network). Looks without `require('electron')`,
 * which would try to download it.
 */
export function installedElectron(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron')
    : relative && path.join(electronDir, 'dist', relative);
  return candidate && existsSync(candidate) ? candidate : undefined;
}
