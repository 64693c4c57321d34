// Launch at login (off by default): Electron's login items on macOS and Windows, an XDG autostart entry on Linux
// (where Electron has none). Plain Node with the Electron call passed in, so the tests check both paths.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The argument the app is started with at login: it then starts in the tray, without opening its window. */
export const HIDDEN_ARG = '--hidden';

/** What applying the preference needs. */
export interface LaunchAtLoginDeps {
  platform: NodeJS.Platform;
  /** Electron's app.setLoginItemSettings (macOS, Windows). */
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
  /** The executable to start (process.execPath of the packaged app). */
  execPath: string;
  env: NodeJS.ProcessEnv;
  homedir: string;
}

/** The XDG autostart file Rolebar writes on Linux. */
export function autostartFile(env: NodeJS.ProcessEnv, homedir: string): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir, '.config'), 'autostart', 'rolebar.desktop');
}

/** The autostart entry's text (Desktop Entry spec; the path quoted for spaces). */
export function autostartEntry(execPath: string): string {
  const quoted = `"${execPath.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Rolebar',
    'Comment=Switch AWS IAM roles from the tray',
    `Exec=${quoted} ${HIDDEN_ARG}`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Turns launch at login on or off for this OS. */
export function applyLaunchAtLogin(enabled: boolean, deps: LaunchAtLoginDeps): void {
  if (deps.platform !== 'linux') {
    deps.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
    return;
  }
  const file = autostartFile(deps.env, deps.homedir);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, autostartEntry(deps.execPath), { mode: 0o644 });
}
