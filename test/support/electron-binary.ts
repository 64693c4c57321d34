import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const electronDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/electron');

/**
 * The installed Electron executable, or undefined while it has not been downloaded. Electron 45 has no npm
 * install script: its binary is fetched on the first `require('electron')` (what `electron .` does) or by
 * `npx install-electron`. Looks without `require('electron')`, which would start that download.
 */
export function installedElectron(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathFile = path.join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative ?? 'electron')
    : relative && path.join(electronDir, 'dist', relative);
  return candidate && existsSync(candidate) ? candidate : undefined;
}

/** The installed Electron package: its version and the Node.js its installer needs (its `engines`). */
export function electronPackage(): { version: string; node: string } {
  const pkg = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')) as {
    version: string;
    engines?: { node?: string };
  };
  return { version: pkg.version, node: (pkg.engines?.node ?? '').replace(/^[>=\s]+/, '') };
}

/** True when Node.js `version` (like 20.19.6) is at least `minimum` (like 22.12.0). */
export function nodeAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** How to get Electron's binary, in one sentence (for skip reasons and set-up errors). */
export function electronFetchAdvice(): string {
  const { node } = electronPackage();
  return `run \`npx install-electron\` once (it downloads the binary into node_modules/electron/dist; it needs Node.js >= ${node} and network access)`;
}

/**
 * Makes sure Electron's binary is there, downloading it with Electron's own installer when it is not; resolves
 * to its path, or to one line saying what is wrong and what to do.
 */
export function ensureElectron(
  nodeVersion = process.versions.node,
): { ok: true; binary: string } | { ok: false; problem: string } {
  const installed = installedElectron();
  if (installed) return { ok: true, binary: installed };
  const { version, node } = electronPackage();
  if (!nodeAtLeast(nodeVersion, node)) {
    return {
      ok: false,
      problem: `Electron ${version}'s binary is not downloaded yet, and its installer needs Node.js >= ${node} (this is ${nodeVersion}): run \`npx install-electron\` once with Node.js ${node.split('.')[0]} or newer (e.g. \`nvm exec 22 npx install-electron\`), then \`npm start\` works with this Node too.`,
    };
  }
  console.error(`Downloading Electron ${version}'s binary (once)…`);
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { encoding: 'utf8' });
  const binary = installedElectron();
  if (result.status === 0 && binary) return { ok: true, binary };
  const reason = (result.stderr || result.stdout || '').split('\n').find((l) => l.trim()) ?? 'no output';
  return {
    ok: false,
    problem: `Could not download Electron ${version}'s binary (${reason.trim()}): check the network (or set HTTPS_PROXY, or ELECTRON_MIRROR for a mirror) and run \`npm start\` again.`,
  };
}
