// The app's catalog sync over real files and settings: a round on start, the next one armed a few hours later,
// and a failed round that keeps the last good copy and records the failure with the last sync time.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCopy } from '../../electron/core/features/catalog/copies.js';
import { addSubscription, subscriptionsIn } from '../../electron/core/features/catalog/subscriptions.js';
import { openSettings, type Settings } from '../../electron/core/store/settings.js';
import { CATALOG_SYNC_INTERVAL_MS, startCatalogSync } from '../../electron/service/catalog-sync.js';
import type { Timers } from '../../electron/service/clipboard.js';
import { makeSandbox, type Sandbox } from '../support/sandbox.js';

const catalog = (roleNames: string[]) =>
  JSON.stringify({
    rolebarCatalog: 1,
    accounts: [{ id: '222222222222', name: 'prod' }],
    roles: roleNames.map((name) => ({ id: name, account: 'prod', roleName: name })),
  });

/** Timers moved by hand: `fire()` runs the armed callback. */
function manualTimers() {
  const armed = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout(fn, ms) {
      armed.set(++next, { fn, ms });
      return next;
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') armed.delete(handle);
    },
  };
  return { timers, armed };
}

describe('the app syncs catalogs on start and every few hours', () => {
  let sandbox: Sandbox;
  let settings: Settings;
  let file: string;
  before(() => {
    sandbox = makeSandbox('catalog-sync');
    settings = openSettings({ dir: sandbox.rolebarHome });
    file = path.join(sandbox.dir, 'team.json');
  });
  after(() => sandbox.cleanup());

  it('syncs at once, arms the next round, and keeps the last good copy when a round fails', async () => {
    writeFileSync(file, catalog(['readonly']));
    await addSubscription(settings, { name: 'team', source: { kind: 'file', path: file }, identities: {} });
    const { timers, armed } = manualTimers();
    const rounds: string[] = [];
    let clock = Date.parse('2026-01-01T09:00:00Z');
    const sync = startCatalogSync({
      settings,
      timers,
      now: () => clock,
      onRound: (report) => rounds.push(report.map((r) => r.error ?? `+${r.diff?.added.length ?? 0}`).join()),
    });
    try {
      const first = await sync.syncNow();
      assert.deepEqual(first[0]?.diff?.added, ['readonly']);
      assert.deepEqual(
        readCopy(settings.path, 'team')?.roles.map((r) => r.id),
        ['readonly'],
      );
      assert.equal(
        subscriptionsIn(settings.read(), settings.path)[0]?.lastSyncAt,
        '2026-01-01T09:00:00.000Z',
      );
      assert.equal(armed.size, 1, 'one round armed');
      assert.equal([...armed.values()][0]?.ms, CATALOG_SYNC_INTERVAL_MS);

      writeFileSync(
        file,
        '{ "rolebarCatalog": 1, "accounts": [], "roles": [ { "id": "x", "secretKey": "no" } ] }',
      );
      clock += CATALOG_SYNC_INTERVAL_MS;
      const failed = await sync.syncNow();
      assert.match(failed[0]?.error ?? '', /line 1: "secretKey" is not allowed/);
      assert.deepEqual(
        readCopy(settings.path, 'team')?.roles.map((r) => r.id),
        ['readonly'],
        'last good copy',
      );
      const sub = subscriptionsIn(settings.read(), settings.path)[0];
      assert.equal(sub?.lastSyncAt, '2026-01-01T09:00:00.000Z', 'the last good sync time stays');
      assert.match(sub?.lastError ?? '', /secretKey/);
      assert.equal(armed.size, 1, 'the next round is armed after a failure too');
    } finally {
      sync.stop();
    }
    assert.equal(armed.size, 0, 'stop disarms');
  });
});
