// The app keeps team catalogs fresh: every catalog is synced on start and again every few hours. A failed sync
// keeps the last good copy and is recorded on the catalog (its last error, shown with its last sync time).
import { type CatalogDiff, subscriptionsIn } from '../core/features/catalog/subscriptions.js';
import { syncCatalog } from '../core/features/catalog/sync.js';
import type { SecretStore } from '../core/platform/keychain/keychain.js';
import type { Settings } from '../core/store/settings.js';
import { realTimers, type Timers } from './clipboard.js';

/** How often the app syncs every catalog. */
export const CATALOG_SYNC_INTERVAL_MS = 4 * 60 * 60_000;

/** What a sync round reports: per catalog, what changed or why it failed. */
export type CatalogSyncReport = Array<{ name: string; diff?: CatalogDiff; error?: string }>;

/** The periodic catalog sync the main process keeps. */
export interface CatalogSync {
  /** Syncs every catalog now (one round at a time), then re-arms the timer. */
  syncNow(): Promise<CatalogSyncReport>;
  stop(): void;
}

/** Starts syncing: a round at once, then every `intervalMs`. `onRound` hears each round's report. */
export function startCatalogSync(deps: {
  settings: Settings;
  /** Where catalog source tokens are kept (catalog/credential.ts). */
  secrets?: SecretStore;
  timers?: Timers;
  now?: () => number;
  intervalMs?: number;
  onRound?: (report: CatalogSyncReport) => void;
}): CatalogSync {
  const timers = deps.timers ?? realTimers;
  const now = deps.now ?? Date.now;
  let timer: unknown;
  let round: Promise<CatalogSyncReport> | undefined;
  let stopped = false;

  async function runRound(): Promise<CatalogSyncReport> {
    const report: CatalogSyncReport = [];
    for (const sub of subscriptionsIn(deps.settings.read(), deps.settings.path)) {
      try {
        report.push({
          name: sub.name,
          diff: await syncCatalog(deps.settings, sub.name, now(), deps.secrets),
        });
      } catch (error) {
        // Recorded on the catalog by syncCatalog; the last good copy stays in use.
        report.push({ name: sub.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return report;
  }

  function syncNow(): Promise<CatalogSyncReport> {
    round ??= runRound().finally(() => {
      round = undefined;
      if (timer !== undefined) timers.clearTimeout(timer);
      if (!stopped)
        timer = timers.setTimeout(() => void syncNow(), deps.intervalMs ?? CATALOG_SYNC_INTERVAL_MS);
    });
    return round.then((report) => {
      deps.onRound?.(report);
      return report;
    });
  }

  void syncNow();
  return {
    syncNow,
    stop() {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
    },
  };
}
