// Access keys in the window, in Chromium over the REAL service and the emulator's IAM: the age warning with
// "Rotate now" (the seed's key dates from 2024, far past 90 days), one click rotating through IAM, and the
// identity screen's key age, last use and Rotate button. No secret ever reaches the page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addDave } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_KEYS } from '../../electron/emulator/index.js';
import { checkScreen, recordingHandlers } from './helpers.js';

const DAVE_ARN = 'arn:aws:iam::111111111111:user/dave';

describe('access keys in the window, over the real service', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let page: Page;
  const received: string[] = [];
  const errors: string[] = [];
  const daveKeys = () => {
    const user = f.emu.world.userByArn(DAVE_ARN);
    return user ? f.emu.world.keysOf(user) : [];
  };

  before(async () => {
    f = await startServiceFixture('browser-keys');
    await addDave(f.core);
    session = await openRenderer(
      recordingHandlers(f, () => session, received),
      {
        viewport: { width: 420, height: 640 },
      },
    );
    page = session.page;
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
  });
  after(async () => {
    await session?.close();
    await f.close();
  });

  it('an old key: the warning with Rotate now; one click rotates it through IAM and the warning goes', async () => {
    await f.service.checkKeyAges();
    await session?.emit('state:changed', await f.service.state());
    const warning = page.locator('.key-age-warning');
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /The access key of dave is \d+ days old\./);
    await checkScreen(page, 'key-age-warning');
    await page.getByRole('button', { name: 'Rotate now' }).click();
    await warning.waitFor({ state: 'detached' });
    const [key, ...more] = daveKeys();
    assert.equal(more.length, 0);
    assert.notEqual(key?.accessKeyId, SEED_KEYS.dave.accessKeyId);
    assert.ok(received.some((r) => r.includes(`"newKeyId":"${key?.accessKeyId}"`)));
    assert.ok(
      !received.some((r) => r.includes(key?.secretAccessKey ?? '-')),
      'the new secret never reaches the page',
    );
  });

  it('the identity screen shows the key age and last use, and Rotate rotates again', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Edit dave' }).click();
    const info = page.locator('#key-info');
    await page.waitForFunction(() => !document.getElementById('key-info')?.textContent?.startsWith('Asking'));
    assert.match(
      (await info.textContent()) ?? '',
      /^created \d{4}-\d\d-\d\d \(today\), (never used|last used)/,
    );
    await checkScreen(page, 'identity-key-section');
    const before = daveKeys()[0]?.accessKeyId;
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('toast')?.textContent?.startsWith('Rotated'));
    assert.notEqual(daveKeys()[0]?.accessKeyId, before);
    assert.equal(daveKeys().length, 1);
    assert.deepEqual(errors, []);
  });

  it('the age threshold is a setting', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Settings' }).click();
    const field = page.getByLabel('Warn when an access key is older than (days)');
    assert.equal(await field.inputValue(), '90');
    await field.fill('120');
    await field.press('Tab');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal(f.settings.preferences().keyAgeWarningDays, 120);
  });
});
