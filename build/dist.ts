/**
 * `npm run dist`: builds out/ and packages it for the current OS with electron-builder (build/electron-builder.yml)
 * into dist/. electron-builder needs Electron's binary: the installed one (node_modules/electron/dist) or its
 * download cache. Where neither exists (Electron 45 has no install script: `npm install` never fetches the
 * binary; the first `npm start` or `npx install-electron` does), this says so in one line instead of failing deep
 * inside a download. Extra arguments go to electron-builder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronFetchAdvice, installedElectron } from '../test/support/electron-binary.js';
import { buildAll } from './build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Electron's download cache, where electron-builder looks for the zip it packages. */
function electronCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ELECTRON_CACHE) return env.ELECTRON_CACHE;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library/Caches/electron');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? os.homedir(), 'electron/Cache');
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'electron');
}

/** True when the cache holds an Electron zip for this version (in any of its sub-folders). */
function cachedZip(version: string): boolean {
  const dir = electronCacheDir();
  if (!existsSync(dir)) return false;
  const name = `electron-v${version}-${process.platform}-${process.arch}.zip`;
  const walk = (d: string, depth: number): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) =>
      e.isFile() ? e.name === name : e.isDirectory() && depth < 2 && walk(path.join(d, e.name), depth + 1),
    );
  return walk(dir, 0);
}

const { version } = JSON.parse(
  readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'),
) as {
  version: string;
};
const installed = installedElectron();
if (!installed && !cachedZip(version)) {
  console.error(
    `npm run dist needs Electron ${version}'s binary, and it is neither installed nor cached (${electronCacheDir()}): ${electronFetchAdvice()}, then retry.`,
  );
  process.exit(1);
}

await buildAll();
const builder = path.join(root, 'node_modules/electron-builder/cli.js');
const args = [builder, '--config', 'build/electron-builder.yml', '--publish', 'never'];
// The installed binary's folder saves electron-builder a download.
if (installed) args.push(`--config.electronDist=${path.join(root, 'node_modules/electron/dist')}`);
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
