// The window's side of the app's credentials endpoint, in real Chromium over the real service: Settings turns it
// on, shows the two export lines with the token masked, and "Copy" puts the real lines on the clipboard through
// the service (the page never holds the token). The page's `online` event reaches the main process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { checkScreen } from './helpers.js';

describe('the window shows the credentials endpoint', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let online = 0;
  before(async () => {
    f = await startServiceFixture('browser-endpoint');
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('turns it on in Settings, shows masked lines, and copies the real ones', async () => {
    const alice = await addAlice(f.core, { mfa: false });
    const roleId = f.core.roles.add({
      label: 'served-ro',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    }).id;
    assert.ok((await f.service['role:switch']({ roleId })).ok);
    session = await openRenderer({
      ...f.service,
      'network:online': () => {
        online++;
        return null;
      },
    });
    const { page } = session;
    await page.getByRole('button', { name: 'Settings' }).click();
    // The window says which keychain holds the secrets, as `rolebar status` does.
    assert.match(
      (await page.locator('#keychain-where').textContent()) ?? '',
      /^Secrets are kept in the OS keychain/,
    );
    const serve = page.getByLabel('Serve credentials to programs');
    assert.equal(await serve.isChecked(), false, 'off by default');
    await serve.check();
    for (let i = 0; i < 400 && !f.pushed.at(-1)?.endpoint; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(f.settings.preferences().serveEndpoint, true, 'saved');
    // The main process pushes the state after the change; the fixture hands it to the page here.
    const state = f.pushed.at(-1);
    assert.ok(state?.endpoint, 'the service started the endpoint for the active role');
    await session.emit('state:changed', state);

    const lines = page.locator('#endpoint-lines');
    await lines.waitFor();
    const shown = (await lines.textContent()) ?? '';
    assert.match(
      shown,
      /export AWS_CONTAINER_CREDENTIALS_FULL_URI=http:\/\/127\.0\.0\.1:\d+\/role-credentials/,
    );
    assert.match(shown, /export AWS_CONTAINER_AUTHORIZATION_TOKEN=•+$/);
    await page.getByText('Serving served-ro.', { exact: false }).waitFor();
    await checkScreen(page, 'settings-endpoint');

    await page.locator('#endpoint-copy').click();
    await page.getByText(/Copied/).waitFor();
    const token = /AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)/.exec(f.clipboard.text)?.[1] ?? '';
    assert.ok(token.length >= 32, 'the real token is on the clipboard');
    assert.ok(!(await page.content()).includes(token), 'the page never holds the token');

    await page.context().setOffline(true);
    await page.context().setOffline(false);
    for (let i = 0; i < 200 && online === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.ok(online >= 1, "the page's online event reached the main process");
  });
});
