// The window's state updates (ipc/state-update.ts), in real Chromium over the real service: the roles go to the
// window only when they changed. The service hands back the same role list while no role view changed; the main
// process leaves it out of the update; the window keeps its own and applies the rest; a page without roles asks
// for the whole state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RoleView } from '../../electron/ipc/contract.js';
import { stateUpdate } from '../../electron/ipc/state-update.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

describe('state updates carry the roles only when they changed', () => {
  let f: ServiceFixture;
  let session: RendererSession;
  let roleId = '';
  let sent: RoleView[] | undefined;
  const errors: string[] = [];
  /** What the main process does with each published state (main.ts). */
  const push = async () => {
    const state = await f.service.state();
    const update = stateUpdate(state, sent);
    sent = state.roles;
    await session.emit('state:changed', update);
    return update;
  };
  before(async () => {
    f = await startServiceFixture('browser-state-update');
    const alice = await addAlice(f.core, { mfa: false });
    roleId = f.core.roles.add({
      label: 'steady',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    }).id;
    session = await openRenderer(f.service);
    session.page.on('pageerror', (error) => errors.push(error.message));
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  const rowText = () =>
    session.page.evaluate(() =>
      Array.from(document.querySelectorAll('li.role .role-label')).map((l) => l.textContent ?? ''),
    );

  it('the same roles are the same list, left out of the update; a change sends them again', async () => {
    const first = await push();
    assert.ok('roles' in first, 'the first update carries the roles');
    await session.page.getByRole('button', { name: /^Switch to steady/ }).waitFor();
    // Nothing about the roles changed: the service hands back the very list, the update leaves it out.
    const again = await push();
    assert.ok('rolesUnchanged' in again && !('roles' in again), JSON.stringify(Object.keys(again)));
    // A change elsewhere (a session started) arrives without the roles; the window keeps its rows and shows it.
    const switched = await f.service['role:switch']({ roleId });
    assert.ok(switched.ok, JSON.stringify(switched));
    const withSession = await push();
    assert.ok('rolesUnchanged' in withSession, 'a switch does not send the roles again');
    assert.ok(withSession.sessions.some((s) => s.roleId === roleId));
    await session.page.locator('section.card.active').waitFor();
    assert.deepEqual(await rowText(), ['steady']);
    // A role added: the list changed, so it is sent.
    f.core.roles.add({
      label: 'added',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: (await f.service.state()).identities[0]?.id ?? '' },
      mfa: false,
    });
    const changed = await push();
    assert.ok('roles' in changed && changed.roles.some((r) => r.label === 'added'));
    await session.page.getByRole('button', { name: /^Switch to added/ }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('a page reloaded between two updates asks for the whole state instead of showing no roles', async () => {
    await session.page.reload();
    await session.page.getByRole('button', { name: /^Switch to steady/ }).waitFor();
    const update = await push();
    assert.ok('rolesUnchanged' in update, 'the main process still thinks the window has its roles');
    await session.page.getByRole('button', { name: /^Switch to added/ }).waitFor();
    assert.deepEqual(errors, []);
  });
});

describe('applying an update (the window side, plain)', () => {
  it('an update without roles keeps the current ones, or asks for the whole state when there are none', async () => {
    const { applyStateUpdate } = await import('../../electron/ipc/state-update.js');
    const f = await startServiceFixture('state-update-plain');
    try {
      const state = await f.service.state();
      const update = stateUpdate(state, state.roles);
      assert.equal(applyStateUpdate(update, undefined), undefined);
      assert.equal(applyStateUpdate(update, state)?.roles, state.roles);
      assert.equal(applyStateUpdate(state, undefined), state);
    } finally {
      await f.close();
    }
  });
});
