// The window does what the CLI does (real Chromium over the real service and the emulator): an Identity Center
// identity added from the empty state, a wrong secret refused with nothing saved and the fix in the form, the role
// session's clock larger than the MFA session's, no toast over a control, no destructive link on a role row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import {
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  SEED_SSO,
  seedWorldWithIdentityCenter,
} from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { expectAccessible } from './helpers.js';

/** The controls the shown toast overlaps (none when no toast is shown). */
function controlsUnderToast(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const toast = document.getElementById('toast');
    if (!toast?.classList.contains('shown')) return [];
    const t = toast.getBoundingClientRect();
    const controls = Array.from(
      document.querySelectorAll<HTMLElement>('button, input, select, a, summary, textarea'),
    );
    return controls
      .filter((c) => !toast.contains(c) && c.getClientRects().length > 0)
      .filter((c) => {
        // What is really under the toast: the visible part of the control, clipped by its scrolling parent.
        const r = c.getBoundingClientRect();
        const clip = c.closest('#app')?.getBoundingClientRect() ?? r;
        const top = Math.max(r.top, clip.top);
        const bottom = Math.min(r.bottom, clip.bottom);
        return top < bottom && r.left < t.right && r.right > t.left && top < t.bottom && bottom > t.top;
      })
      .map((c) => c.getAttribute('aria-label') ?? c.textContent ?? c.tagName);
  });
}

describe('the window does what the CLI does', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let page: Page;
  before(async () => {
    f = await startServiceFixture('browser-habits', { world: seedWorldWithIdentityCenter() });
    // A short window, as the tray's is: a toast there used to sit on the last controls.
    session = await openRenderer(f.service, { viewport: { width: 400, height: 420 } });
    page = session.page;
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('adds an Identity Center identity from the empty state; its first sign-in is a next step, not an alert', async () => {
    await page.getByRole('button', { name: 'Add IAM Identity Center' }).click();
    await page.getByLabel('Name').fill('acme');
    await page.getByLabel('AWS access portal URL').fill(SEED_SSO.startUrl);
    await page.getByLabel('Identity Center region').fill(SEED_SSO.region);
    await expectAccessible(page, 'the Identity Center form');
    await page.getByRole('button', { name: 'Add Identity Center' }).click();
    const acme = f.core.identities.find('acme');
    await page.getByText('Added acme. Sign in to list its roles.').waitFor();
    assert.ok(acme, 'saved');
    assert.deepEqual(await controlsUnderToast(page), []);
    const prompt = page.getByRole('status').filter({ hasText: 'to list its accounts and roles' });
    await prompt.waitFor();
    await prompt.locator(`#sso-sign-in-${acme.id}`).waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no alert for a sign-in that never happened');
    assert.equal(await page.getByText(/again/).count(), 0);
  });

  it('a wrong secret is refused in the window with nothing saved; the form takes the right one', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Add IAM user keys' }).click();
    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Access key ID').fill(SEED_KEYS.alice.accessKeyId);
    await page.getByLabel('Secret access key').fill('wrong/secret/key/for/tests/EXAMPLEKEY0000');
    await page.getByRole('button', { name: 'Add identity' }).click();
    const error = page.locator('.form-error [role="alert"]');
    await error.getByText(/does not match the access key id\. Nothing was saved\.$/).waitFor();
    const text = (await error.textContent()) ?? '';
    assert.match(text, /Paste the secret access key again/);
    assert.doesNotMatch(
      text,
      /rolebar |Rotate keys/,
      'the fix is in this form, not a command or another screen',
    );
    assert.equal(f.core.identities.find('alice'), undefined, 'nothing saved');
    assert.equal(await page.getByLabel('Access key ID').inputValue(), SEED_KEYS.alice.accessKeyId, 'kept');
    assert.equal(await page.getByLabel('Secret access key').inputValue(), '', 'the secret left the page');

    await page.getByLabel('Secret access key').fill(SEED_KEYS.alice.secretAccessKey);
    await page.getByRole('button', { name: 'Add identity' }).click();
    await page.getByText('Added alice.').waitFor();
    assert.ok(f.core.identities.find('alice'));
    assert.deepEqual(await controlsUnderToast(page), []);
  });

  it("the role session's clock is larger than the MFA session's, which outlives it", async () => {
    const alice = f.core.identities.find('alice');
    assert.ok(alice);
    f.core.identities.update(alice.id, { mfaSerial: SEED_MFA.alice.serial });
    const admin = f.core.roles.add({
      label: 'admin',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: alice.id },
      mfa: true,
    });
    const switched = await f.service['role:switch']({
      roleId: admin.id,
      mfaCode: f.emu.totp(SEED_MFA.alice.serial),
    });
    assert.ok(switched.ok, JSON.stringify(switched));
    assert.ok(switched.value.session.mfaExpiration, 'an MFA session');
    await page.keyboard.press('Escape');
    await session?.emit('state:changed', await f.service.state());
    await page.locator('.card .clock[data-which="mfa"]').waitFor();
    // Both read in one go: the card is drawn again as the clocks tick.
    const [roleSize = 0, roleWeight = 0, mfaSize = 0, mfaWeight = 0] = await page.evaluate(() =>
      ['credentials', 'mfa'].flatMap((which) => {
        const el = document.querySelector(`.card .clock[data-which="${which}"]`);
        const style = el ? getComputedStyle(el) : undefined;
        return [parseFloat(style?.fontSize ?? '0'), Number(style?.fontWeight ?? 0)];
      }),
    );
    assert.ok(roleSize > mfaSize, `role ${roleSize}px, MFA ${mfaSize}px`);
    assert.ok(roleWeight >= mfaWeight, `role ${roleWeight}, MFA ${mfaWeight}`);
  });

  it('no destructive link on the role rows: remove and revoke are on the role’s own screen, confirmed', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Edit admin' }).waitFor();
    assert.equal(await page.locator('li.item .danger-text').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^(Remove|Revoke)/ }).count(), 0);
    await page.getByRole('button', { name: 'Edit admin' }).click();
    await page.getByRole('button', { name: 'Remove role…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove “admin”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.ok(f.core.roles.find('admin'), 'kept when not confirmed');
    await page.getByRole('button', { name: 'Revoke older sessions…' }).waitFor();
  });
});
