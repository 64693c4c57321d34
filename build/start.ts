/**
 * `npm start`: checks that Electron's binary is there (downloading it once with Electron's own installer when
 * it is not), builds out/, and runs the app; arguments go to the app (`npm start -- --demo`). Where the binary
 * cannot be had (offline, or a Node.js older than the installer needs) it says so in one line, instead of
 * Electron's two stack traces and a suggestion that fails the same way.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureElectron } from '../test/support/electron-binary.js';
import { buildAll } from './build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const electron = ensureElectron();
if (!electron.ok) {
  console.error(`npm start: ${electron.problem}`);
  process.exit(1);
}
await buildAll();
const child = spawn(electron.binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
