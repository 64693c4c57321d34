// What the tray's "About Rolebar" says: the version, and where Rolebar keeps its settings, its secrets and its
// messages. Plain data, so a test reads the exact words; the main process shows them in a message box.
import type { AppInfo } from '../ipc/contract.js';

/** The About box: a title, one line with the version, and the details below it. */
export interface AboutText {
  title: string;
  message: string;
  detail: string;
}

/** The About box's words; `settingsFolder` holds settings.json, the same folder the CLI uses. */
export function aboutText(info: AppInfo, settingsFolder: string): AboutText {
  return {
    title: `About ${info.name}`,
    message: `${info.name} ${info.version}${info.demo ? ' (demo)' : ''}`,
    detail: [
      `Settings: ${settingsFolder}`,
      `Secrets: ${info.keychain ?? 'the OS keychain'}`,
      'Logs: Rolebar keeps no log file. It prints its messages to standard error: start it from a terminal to read them.',
    ].join('\n'),
  };
}
