// A catalog keeps a live session's ARN when a sync changes it; "live" is session-live's one rule, on AWS's clock.
// A session whose expiry has passed by this computer's clock but not by AWS's (the clock offset from the STS Date
// header) is live: its ARN is held by the sync and by the roles listed, as for any live session.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { catalogRoles } from '../../../../electron/core/features/catalog/resolve.js';
import { addSubscription } from '../../../../electron/core/features/catalog/subscriptions.js';
import { syncCatalog } from '../../../../electron/core/features/catalog/sync.js';
import { sessionRegistry } from '../../../../electron/core/store/sessions.js';
import { openSettings, type Settings } from '../../../../electron/core/store/settings.js';
import { makeSandbox, type Sandbox } from '../../../support/sandbox.js';

const catalog = (roleName: string) =>
  JSON.stringify({
    rolebarCatalog: 1,
    accounts: [{ id: '222222222222', name: 'prod' }],
    roles: [{ id: 'ops', account: 'prod', roleName }],
  });
const arn = (name: string) => `arn:aws:iam::222222222222:role/${name}`;
const NOW = Date.parse('2026-03-01T12:00:00Z');
const MINUTE = 60_000;

describe('catalog roles and the clock offset', () => {
  let sandbox: Sandbox;
  let settings: Settings;
  let file: string;
  beforeEach(async () => {
    sandbox = makeSandbox('catalog-live');
    settings = openSettings({ dir: sandbox.rolebarHome });
    file = path.join(sandbox.dir, 'team.json');
    writeFileSync(file, catalog('readonly'));
    await addSubscription(settings, {
      name: 'team',
      source: { kind: 'file', path: file },
      identities: { '*': 'id-1' },
    });
    await syncCatalog(settings, 'team', NOW);
  });
  afterEach(() => sandbox.cleanup());

  /** A session of the catalog role that ended 5 minutes ago by this computer's clock. */
  const startSession = (clockOffsetMs: number) =>
    sessionRegistry(settings).save({
      id: 'catalog:team:ops',
      roleId: 'catalog:team:ops',
      profileName: 'ops',
      principalArn: `arn:aws:sts::222222222222:assumed-role/readonly/me`,
      accountId: '222222222222',
      expiration: new Date(NOW - 5 * MINUTE).toISOString(),
      clockOffsetMs,
      startedAt: new Date(NOW - 65 * MINUTE).toISOString(),
      via: 'direct',
      requiresMfa: false,
    });
  const listedArn = () =>
    catalogRoles(settings.read(), settings.path, [], NOW).roles.find((r) => r.id === 'catalog:team:ops')
      ?.roleArn;

  it('holds the ARN of a session live by AWS’s clock (10 minutes behind this one)', async () => {
    await startSession(-10 * MINUTE); // AWS's time is 11:50: the session, ending 11:55 by its clock, has 5 minutes left
    writeFileSync(file, catalog('admin'));
    const diff = await syncCatalog(settings, 'team', NOW);
    assert.deepEqual(
      diff.changed.map((c) => [c.what, c.held]),
      [['ARN', true]],
      'the live session keeps its ARN',
    );
    assert.equal(listedArn(), arn('readonly'));
  });

  it('moves the ARN of a session that AWS’s clock says has ended', async () => {
    await startSession(0);
    writeFileSync(file, catalog('admin'));
    const diff = await syncCatalog(settings, 'team', NOW);
    assert.deepEqual(
      diff.changed.map((c) => [c.what, c.held]),
      [['ARN', false]],
    );
    assert.equal(listedArn(), arn('admin'));
  });
});
