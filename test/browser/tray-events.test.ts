// What the tray asks of the window, in real Chromium over the real service: "Settings…" opens the Settings screen.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

describe('the tray asks the window', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-tray-events');
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('for its Settings screen ("Settings…" in the tray menu)', async () => {
    session = await openRenderer(f.service);
    const { page } = session;
    const where = page.locator('#keychain-where');
    assert.equal(await where.count(), 0, 'not on the Settings screen yet');
    await session.emit('ui:open-settings', {});
    await where.waitFor();
    assert.match((await where.textContent()) ?? '', /^Secrets are kept in/);
  });
});
