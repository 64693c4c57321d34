// A screen opened before the main process has answered with the first state is drawn once that state arrives
// (on a slow start, Settings clicked at once used to leave the main screen showing, for good).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

describe('the window before its first state', () => {
  let f: ServiceFixture | undefined;
  let session: RendererSession | undefined;
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('draws Settings, clicked before the state arrived, once it arrives', async () => {
    f = await startServiceFixture('first-state');
    const service = f.service;
    let answer: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    session = await openRenderer({
      ...service,
      // The first state is held back until Settings has been clicked.
      'state:get': async () => {
        await held;
        return service['state:get']();
      },
    });
    const { page } = session;
    await page.getByRole('button', { name: 'Settings' }).click();
    answer?.();
    await page.getByLabel('Serve credentials to programs').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByRole('heading', { name: 'Settings' }).count(), 1);
  });
});
