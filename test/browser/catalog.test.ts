// A team catalog in the window, in Chromium over the REAL service, a local HTTP server and the emulator: catalog
// roles grouped by the catalog's groups and accounts, badged and read-only; the catalog's last sync time, what
// a sync changed, a failed sync with the last good copy still in use (and the source's token never shown), the
// user's own role winning a profile collision, and a switch to a catalog role through a chain.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { addSubscription, getSubscription } from '../../electron/core/features/catalog/subscriptions.js';
import { syncCatalog } from '../../electron/core/features/catalog/sync.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice, addCarol } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { checkScreen, recordingHandlers } from './helpers.js';

const TOKEN = 'glpat-t0ps3cr3tT0ken';

/** The catalog the server publishes: prod-ro and deployer in the group "prod", two auditors chained from them. */
function catalogText(extra: Array<Record<string, unknown>> = []): string {
  return JSON.stringify({
    rolebarCatalog: 1,
    profilePrefix: 'acme-',
    accounts: [
      { id: '222222222222', name: 'prod' },
      { id: '333333333333', name: 'audit' },
    ],
    roles: [
      { id: 'prod-ro', account: 'prod', roleName: 'readonly', group: 'prod', description: 'Read-only' },
      { id: 'deployer', account: 'prod', roleArn: SEED_ROLES.deployer, chainFrom: 'prod-ro', group: 'prod' },
      { id: 'auditor', account: 'audit', roleArn: SEED_ROLES.auditor, chainFrom: 'deployer' },
      { id: 'audit-ro', account: 'audit', roleArn: SEED_ROLES.auditor, chainFrom: 'deployer' },
      ...extra,
    ],
  });
}

describe('a team catalog in the window, over the real service', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let page: Page;
  let server: Server | undefined;
  let body = catalogText();
  let status = 200;
  const received: string[] = [];
  const errors: string[] = [];
  const role = (name: string) => page.getByRole('button', { name: new RegExp(`^Switch to ${name} `) });
  /** Syncs as the app does, then pushes the new state to the page. */
  const sync = async () => {
    await syncCatalog(f.settings, 'acme', Date.now(), f.core.secrets).catch(() => undefined);
    await session?.emit('state:changed', await f.service.state());
  };

  before(async () => {
    f = await startServiceFixture('browser-catalog');
    const alice = await addAlice(f.core);
    await addCarol(f.core);
    // The user's own role under the profile the catalog's auditor would take: the user's wins.
    f.core.roles.add({
      label: 'acme-auditor',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    });
    server = createServer((_request, response) => {
      if (status !== 200) response.writeHead(status).end('down');
      else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await addSubscription(
      f.settings,
      {
        name: 'acme',
        source: { kind: 'url', url: `http://ci:${TOKEN}@127.0.0.1:${port}/catalog.json` },
        identities: { '*': alice.id },
      },
      f.core.secrets,
    );
    await syncCatalog(f.settings, 'acme', Date.now(), f.core.secrets);
    session = await openRenderer(
      recordingHandlers(f, () => session, received),
      {
        viewport: { width: 420, height: 900 },
      },
    );
    page = session.page;
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await role('acme-auditor').waitFor();
  });
  after(async () => {
    if (process.env.ROLEBAR_DEBUG) console.log(await page.evaluate(() => document.body.innerText));
    await session?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await f.close();
  });

  it("groups catalog roles by the catalog's groups and accounts, badged; the user's role wins the collision", async () => {
    const headings = await page.locator('#role-list h3').allTextContents();
    assert.deepEqual(headings.slice(1), [
      'Catalog acme · prod · prod (222222222222)',
      'Catalog acme · audit (333333333333)',
    ]);
    const deployer = page.locator('li.role', { has: role('deployer') });
    assert.equal(await deployer.locator('.badge-catalog').count(), 1);
    assert.match((await deployer.locator('.badge-catalog').getAttribute('title')) ?? '', /read-only/);
    const own = page.locator('li.role', { has: role('acme-auditor') });
    assert.equal(await own.locator('.badge-catalog').count(), 0, 'the user’s own role, not the catalog’s');
    const panel = page.locator('.catalog[data-catalog="acme"]');
    assert.match((await panel.textContent()) ?? '', /acme · 4 roles · read-only · synced \d\d:\d\d/);
    assert.match(
      (await panel.locator('.catalog-collision').textContent()) ?? '',
      /Profile acme-auditor: your role “acme-auditor” is used; the catalog’s auditor is left out\./,
    );
    await checkScreen(page, 'catalog-main');
    assert.deepEqual(errors, []);
  });

  it('catalog roles are read-only: the manage screen offers no Edit or Remove for them', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.locator('#catalog-roles-note').waitFor();
    assert.match((await page.locator('#catalog-roles-note').textContent()) ?? '', /3 more roles from team/);
    assert.equal(await page.getByRole('button', { name: 'Edit deployer' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Remove audit-ro' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Edit acme-auditor' }).count(), 1);
    await page.keyboard.press('Escape');
    await role('deployer').waitFor();
  });

  it('shows what a sync changed, then a failed sync with the last good copy in use, never the token', async () => {
    body = catalogText([{ id: 'partner', account: 'prod', roleName: 'partner', group: 'prod' }]);
    await sync();
    await role('partner').waitFor();
    const changes = page.locator('.catalog-changes');
    await changes.locator('summary').click();
    assert.match(
      (await changes.textContent()) ?? '',
      /Changed at \d\d:\d\d UTC[+-]\d\d:\d\d: 1 change.*Added partner/s,
    );
    status = 500;
    await sync();
    const failed = page.locator('.catalog-failed');
    await failed.waitFor();
    assert.match(
      (await failed.textContent()) ?? '',
      /The last sync failed: Could not fetch http:\/\/127\.0\.0\.1:\d+\/catalog\.json: HTTP 500.*keeps using the last good copy, from \d\d:\d\d/s,
    );
    await role('partner').waitFor();
    assert.ok(!(await page.content()).includes(TOKEN), 'the token is not in the page');
    assert.ok(!received.some((answer) => answer.includes(TOKEN)), 'nor in anything the page received');
    await checkScreen(page, 'catalog-sync-failed');
    status = 200;
  });

  it('switches to a catalog role through its chain against the emulator', async () => {
    f.emu.clearRequests();
    await role('audit-ro').click();
    await page.getByRole('heading', { name: 'audit-ro' }).waitFor();
    assert.equal(f.emu.countRequests('AssumeRole'), 3, 'prod-ro, deployer, then audit-ro');
    const active = page.locator('li.role', { has: role('audit-ro') });
    await active.locator('.badge-active').waitFor();
    assert.deepEqual(errors, []);
  });

  it('maps the catalog to another identity from its panel', async () => {
    const picker = page.getByLabel('Assume its roles as');
    assert.equal(await picker.locator('option:checked').textContent(), 'alice@dev');
    await picker.selectOption({ label: 'carol' });
    await page.locator('#toast', { hasText: 'acme now uses carol.' }).waitFor();
    const carol = f.core.identities.find('carol');
    assert.equal(getSubscription(f.settings, 'acme').identities['*'], carol?.id);
    await page.waitForFunction(
      () =>
        (document.querySelector('.catalog-identity option:checked') as HTMLOptionElement | null)?.text ===
        'carol',
    );
    const refused = await f.service['catalog:map']({ name: 'nope', identityId: carol?.id ?? '' });
    assert.equal(refused.ok, false);
    assert.deepEqual(errors, []);
  });
});
