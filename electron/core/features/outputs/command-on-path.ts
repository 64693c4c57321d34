// "Install 'rolebar' command in PATH" (as VS Code installs `code`): a small launcher in the user's own bin folder
// that runs the command line the app ships, with the Node it was found with, by absolute path. A user who installed
// only the app then has `rolebar` in every terminal. A file there that Rolebar did not write is never replaced.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';
import { atomicWriteFile } from '../../platform/atomic.js';
import { quoteForCredentialProcess, type RolebarEntry } from './credential-process-command.js';

/** The line that marks a launcher as Rolebar's own: only such a file is ever replaced. */
export const LAUNCHER_MARK = '# Rolebar launcher: written by the Rolebar app (Settings → Command line).';

/** The full CLI's entry, beside the small credential-process entry in the same folder. */
const CLI_FILE = 'rolebar.mjs';

/** Where the launcher went, and whether a shell finds it there as `rolebar`. */
export interface CommandOnPath {
  path: string;
  /** False when the folder is not on PATH: the window then says how to add it. */
  onPath: boolean;
}

/** The user's own bin folder (no root needed): `~/.local/bin`, which current Linux and macOS shells look in. */
export function userBinDir(homedir: string): string {
  return path.join(homedir, '.local', 'bin');
}

/** The launcher's text: POSIX sh, Node and the CLI by absolute path (a GUI's PATH and version managers vary). */
export function launcherScript(at: RolebarEntry): string {
  const cli = path.join(path.dirname(at.entry), CLI_FILE);
  const words = [at.node, cli].map((word) => quoteForCredentialProcess(word, 'linux'));
  return `#!/bin/sh\n${LAUNCHER_MARK}\nexec ${words.join(' ')} "$@"\n`;
}

/**
 * Writes (or rewrites) the `rolebar` launcher in `binDir`. Refuses, changing nothing, on Windows (no sh) and when
 * a `rolebar` there is not Rolebar's launcher (an `npm link`, another program).
 */
export async function installCommandOnPath(options: {
  at: RolebarEntry;
  binDir: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}): Promise<CommandOnPath> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32') {
    throw new RolebarError(
      'cli-install-unsupported',
      'Rolebar cannot put `rolebar` on the PATH on Windows yet.',
      {
        hint: `Run the command line as: "${options.at.node}" "${path.join(path.dirname(options.at.entry), CLI_FILE)}"`,
      },
    );
  }
  const target = path.join(options.binDir, 'rolebar');
  if (existsSync(target) && !readFileSync(target, 'utf8').includes(LAUNCHER_MARK)) {
    throw new RolebarError('cli-install-exists', `${target} exists and is not Rolebar's launcher.`, {
      hint: 'It may be an `npm link` or another program: remove or rename it to install the launcher, or keep using it.',
    });
  }
  mkdirSync(options.binDir, { recursive: true });
  await atomicWriteFile(target, [Buffer.from(launcherScript(options.at))], 0o755);
  const dirs = (options.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => path.isAbsolute(dir))
    .map((dir) => path.resolve(dir));
  return { path: target, onPath: dirs.includes(path.resolve(options.binDir)) };
}
