// An Identity Center identity that needs a sign-in shows a prompt in the window (real Chromium); its button signs
// in through the browser step (driven here by following the emulator's redirect) and the prompt goes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_SSO, seedWorldWithIdentityCenter } from '../../electron/emulator/index.js';
import type { AppState } from '../../electron/ipc/contract.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { expectAccessible } from './helpers.js';
import { allowSignIn } from '../support/sso-browser.js';

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
    const identity = f.core.identities.addIdentityCenter({
      name: 'acme',
      startUrl: SEED_SSO.startUrl,
      ssoRegion: SEED_SSO.region,
    });
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
    const identity = f.core.identities.addIdentityCenter({
      name: 'acme',
      startUrl: SEED_SSO.startUrl,
      ssoRegion: SEED_SSO.region,
    });
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
