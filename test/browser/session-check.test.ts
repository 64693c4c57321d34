// A session revoked in the emulator, found by the service's check, shows in the window (real Chromium) with a
// "Switch again" button that starts a new session and clears the flag.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

describe('the window shows a session AWS no longer accepts', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-session-check');
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it('flags the revoked session and offers to switch again', async () => {
    const alice = await addAlice(f.core, { mfa: false });
    const roleId = f.core.roles.add({
      label: 'revoked-ro',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    }).id;
    assert.ok((await f.service['role:switch']({ roleId })).ok);
    session = await openRenderer(f.service);
    const page = session.page;
    const key = (await f.core.credentialsOf(roleId))?.accessKeyId ?? '';
    assert.ok(f.emu.sessions.revoke(key));
    assert.deepEqual(await f.service.verifyActive(), { checked: true, ok: false });
    await session.emit('state:changed', await f.service.state());
    const flag = page.locator('#session-problem');
    await flag.waitFor();
    assert.match((await flag.textContent()) ?? '', /AWS no longer accepts this session/);
    await page.locator('#session-problem-switch').click();
    // The switch goes through the service, which clears the flag and pushes the new state.
    const deadline = Date.now() + 30_000;
    while ((await f.service.state()).sessionProblem && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await f.service.state()).sessionProblem, undefined);
    assert.notEqual((await f.core.credentialsOf(roleId))?.accessKeyId, key);
  });
});
