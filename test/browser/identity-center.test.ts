// An Identity Center identity that needs a sign-in shows a prompt in the window (real Chromium); its button signs
// in through the browser step (driven here by following the emulator's redirect) and the prompt goes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { cliCacheFile } from '../../electron/core/aws-files/sso-cache.js';
import { seedWorldWithIdentityCenter } from '../../electron/emulator/index.js';
import type { AppState } from '../../electron/ipc/contract.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { expectAccessible } from './helpers.js';
import { allowSignIn } from '../support/sso-browser.js';
import { addAcme } from '../support/core-fixture.js';

describe('the window asks for an Identity Center sign-in', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-sso', {
      world: seedWorldWithIdentityCenter(),
      openExternal: allowSignIn,
    });
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('shows the prompt, signs in from its button, and drops the prompt', async () => {
    const identity = await addAcme(f.core);
    session = await openRenderer(f.service);
    const page = session.page;
    const button = page.locator(`#sso-sign-in-${identity.id}`);
    await button.waitFor();
    await expectAccessible(page, 'the sign-in prompt');
    await button.click();
    const deadline = Date.now() + 30_000;
    while ((await f.service.state()).roles.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const state = await f.service.state();
    assert.equal(state.roles.length, 3);
    assert.equal(state.identities[0]?.signInNeeded, undefined);
    await session.emit('state:changed', state);
    await button.waitFor({ state: 'detached' });
  });
});

describe('the window signs in to Identity Center with a code', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-sso-code', { world: seedWorldWithIdentityCenter() });
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  /** Polls the service's state until `pick` finds something (30 s at most: the machine may be busy). */
  async function waitFor<T>(pick: (state: AppState) => T | undefined): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = pick(await f.service.state());
      if (found !== undefined || Date.now() > deadline) return assertFound(found);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  function assertFound<T>(found: T | undefined): T {
    assert.ok(found !== undefined, 'never appeared in the state');
    return found;
  }

  it('shows the code and the page, copies the code, and drops both once signed in', async () => {
    const identity = await addAcme(f.core);
    session = await openRenderer(f.service);
    const page = session.page;
    await page.locator(`#sso-code-sign-in-${identity.id}`).click();
    const code = await waitFor((s) => s.identities[0]?.deviceCode);
    await session.emit('state:changed', await f.service.state());
    const shown = page.locator(`#sso-code-${identity.id}`);
    assert.equal(await shown.textContent(), code.userCode);
    assert.equal(await page.locator('.sso-code-url').textContent(), code.verificationUri);
    await expectAccessible(page, 'the sign-in code');
    await page.locator(`#sso-code-copy-${identity.id}`).click();
    await page.getByText('Code copied.').waitFor();
    assert.equal(f.clipboard.text, code.userCode);

    await allowSignIn(`${code.verificationUri}?user_code=${encodeURIComponent(code.userCode)}`);
    await waitFor((s) => (s.roles.length === 3 ? true : undefined));
    const state = await f.service.state();
    assert.equal(state.identities[0]?.deviceCode, undefined);
    await session.emit('state:changed', state);
    await shown.waitFor({ state: 'detached' });
  });
});

describe('the window turns the AWS CLI token cache on and off', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-sso-cache', { world: seedWorldWithIdentityCenter() });
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('the switch on the identity screen writes the file at once, and removes it when turned off', async () => {
    const identity = await addAcme(f.core);
    await f.core.identityCenter.signIn(identity.id, {
      openBrowser: allowSignIn,
      showDeviceCode: () => undefined,
    });
    const file = cliCacheFile('acme', f.sandbox.dir);
    session = await openRenderer(f.service);
    const page = session.page;
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Edit acme' }).click();
    const cache = page.getByRole('checkbox', { name: 'Write the AWS CLI token cache' });
    assert.equal(await cache.isChecked(), false, 'off by default');
    assert.equal(await page.getByLabel('MFA device (optional)').count(), 0, 'the portal asks for MFA itself');
    assert.equal(await page.getByLabel(/region/i).count(), 1, 'the region of its profiles stays');
    await expectAccessible(page, 'the AWS CLI cache switch');
    const status = page.locator(`#aws-cli-cache-status-${identity.id}`);

    await cache.check();
    await page.getByText(`On: written to ${file}.`).waitFor();
    assert.equal(existsSync(file), true);
    assert.equal((await f.service.state()).identities[0]?.awsCliCache, true);

    await cache.uncheck();
    await page.getByText(`Off: ${file} was removed.`).waitFor();
    assert.equal(existsSync(file), false);
    assert.equal((await f.service.state()).identities[0]?.awsCliCache, undefined);
    assert.equal(await cache.isEnabled(), true);
    assert.doesNotMatch((await status.textContent()) ?? '', /token/i);
  });
});
