// The daily key-age check: asks IAM how old each IAM user's access key is, and once a day per key past the
// threshold shows a notification with "Rotate now" (the tray and the window show the warning from the state).
import { realTimers, type Timers } from './clipboard.js';
import type { RolebarService } from './service.js';
import type { Notifier } from './tray-actions.js';
import { keyAgeText } from './tray-menu.js';

/** How often the check runs. */
export const KEY_AGE_CHECK_INTERVAL_MS = 24 * 60 * 60_000;

/** What the watcher needs. */
export interface KeyAgeWatchDeps {
  service: Pick<RolebarService, 'checkKeyAges' | 'publish'>;
  notifier: Notifier;
  now?: () => number;
  timers?: Timers;
}

/** The watcher the main process keeps. */
export interface KeyAgeWatch {
  /** Checks now (and re-arms the daily timer); resolves when done, never rejects. */
  check(): Promise<void>;
  stop(): void;
}

/** The local calendar day of `t`, so "once a day" follows the user's days. */
function dayOf(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

/** Builds the watcher; nothing runs until the first check(). */
export function createKeyAgeWatch(deps: KeyAgeWatchDeps): KeyAgeWatch {
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? realTimers;
  /** Per identity: the day its warning was last shown. */
  const shownOn = new Map<string, string>();
  let timer: unknown;
  let stopped = false;

  async function check(): Promise<void> {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
    try {
      const warnings = await deps.service.checkKeyAges();
      await deps.service.publish();
      const today = dayOf(now());
      for (const warning of warnings) {
        if (shownOn.get(warning.identityId) === today) continue;
        shownOn.set(warning.identityId, today);
        deps.notifier.notify({
          title: keyAgeText(warning).replace(/^⚠ /, ''),
          body: `${warning.accessKeyId} is past the key age threshold: rotate it to a new key through IAM.`,
          actions: [
            { label: 'Rotate now', action: { kind: 'rotate-identity', identityId: warning.identityId } },
          ],
        });
      }
    } catch {
      // A failed check (offline, keychain locked) shows nothing; the next one tries again.
    }
    if (!stopped) timer = timers.setTimeout(() => void check(), KEY_AGE_CHECK_INTERVAL_MS);
  }

  return {
    check,
    stop() {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}
