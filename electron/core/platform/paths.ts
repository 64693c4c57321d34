import os from 'node:os';
import path from 'node:path';

/** The application name: Electron derives `userData` from it, so the CLI must use the same one. */
export const APP_NAME = 'Rolebar';

/** Where the process looks: passed in so tests never depend on the real machine. */
export interface PathEnvironment {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
}

/** The running process's own environment. */
export function processPathEnvironment(): PathEnvironment {
  return { env: process.env, platform: process.platform, homedir: os.homedir() };
}

/**
 * The folder that holds Rolebar's settings: `ROLEBAR_HOME` when set, else the same folder Electron's
 * `app.getPath('userData')` gives for the app name Rolebar on each OS, so the app and the CLI share it.
 */
export function settingsDir(where: PathEnvironment = processPathEnvironment()): string {
  const { env, platform, homedir } = where;
  if (env.ROLEBAR_HOME) return path.resolve(env.ROLEBAR_HOME);
  switch (platform) {
    case 'darwin':
      return path.join(homedir, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return path.join(env.APPDATA || path.join(homedir, 'AppData', 'Roaming'), APP_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME || path.join(homedir, '.config'), APP_NAME);
  }
}
