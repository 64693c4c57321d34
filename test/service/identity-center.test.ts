import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { location } from '../../electron/core/sessions/assume.js';
import { createCore } from '../../electron/core/index.js';
import { openSettings } from '../../electron/core/store/settings.js';
import { createStsCaller } from '../../electron/core/aws/sts/client.js';
import { type AppState, requestArgs } from '../../electron/ipc/contract.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import { trayMenu } from '../../electron/service/tray-menu.js';
import { seedWorldWithIdentityCenter } from '../../electron/emulator/index.js';
import { addAcme, type CoreFixture, startCoreFixture } from '../support/core-fixture.js';
import { manualTimers, memoryClipboard } from '../support/service-fixture.js';
import { allowSignIn } from '../support/sso-browser.js';

describe('Identity Center in the service, the window state and the tray', () => {
  let fx: CoreFixture | undefined;
  const services: RolebarService[] = [];
  afterEach(async () => {
    for (const s of services.splice(0)) s.close();
    await fx?.close();
    fx = undefined;
  });

  /** A service over the fixture's files and keychain, its clock `aheadMs` in the future. */
  function serviceAt(f: CoreFixture, aheadMs: number, pushed: AppState[]): RolebarService {
    const core = createCore({
      settings: openSettings({ dir: f.sandbox.rolebarHome }),
      secrets: f.secrets,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      now: () => Date.now() + aheadMs,
      sts: createStsCaller({ maxAttempts: 1 }),
    });
    const service = createRolebarService({
      core,
      settings: core.settings,
      clipboard: memoryClipboard(),
      timers: manualTimers(),
      app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: false },
      location: location({ env: f.sandbox.env, homedir: f.sandbox.dir }),
      now: () => Date.now() + aheadMs,
      openExternal: allowSignIn,
      onStateChanged: (state) => pushed.push(state),
    });
    services.push(service);
    return service;
  }

  it('signs in from the tray, groups the roles by account, and asks again once the sign-in cannot be refreshed', async () => {
    fx = await startCoreFixture('service-sso', seedWorldWithIdentityCenter());
    const identity = await addAcme(fx.core);
    const pushed: AppState[] = [];
    const service = serviceAt(fx, 0, pushed);
    const before = await service.state();
    assert.equal(before.identities[0]?.signInNeeded, true, 'never signed in: the tray asks');
    assert.match(
      JSON.stringify(trayMenu(before, Date.now(), { consoleAvailable: false })),
      /Sign in to “acme”/,
    );

    const signedIn = await service['sso:sign-in']({ id: identity.id });
    assert.deepEqual(signedIn, { ok: true, value: { roles: 3 } });
    const state = await service.state();
    assert.equal(state.identities[0]?.signInNeeded, undefined);
    assert.deepEqual([...new Set(state.roles.map((r) => r.group))].sort(), [
      'acme · dev 111111111111',
      'acme · prod 222222222222',
    ]);
    const menu = trayMenu(state, Date.now(), { consoleAvailable: false });
    assert.doesNotMatch(JSON.stringify(menu), /Sign in to/);
    const devGroup = menu.find((i) => i.type === 'submenu' && i.label === 'acme · dev 111111111111');
    assert.equal(devGroup?.type === 'submenu' ? devGroup.submenu.length : 0, 2, 'one submenu per account');

    // The administrator ends the sign-in; two hours on, the token is gone and cannot be refreshed.
    fx.emu.identityCenter.state?.endAllSignIns();
    const laterPushed: AppState[] = [];
    const later = serviceAt(fx, 2 * 3600_000, laterPushed);
    const role = state.roles[0];
    assert.ok(role);
    const refused = await later['role:switch']({ roleId: role.id });
    assert.equal(refused.ok ? '' : refused.error.code, 'sso-sign-in-required');
    const asked = laterPushed.at(-1);
    assert.equal(asked?.identities[0]?.signInNeeded, true, 'the failed switch pushed the sign-in prompt');
    const first = trayMenu(asked ?? state, Date.now(), { consoleAvailable: false })[0];
    assert.deepEqual(first?.type === 'normal' ? first.action : undefined, {
      kind: 'sso-sign-in',
      identityId: identity.id,
    });
    assert.equal(asked?.roles.length, 3, 'nothing lost');

    assert.equal((await later['sso:sign-in']({ id: identity.id })).ok, true);
    assert.equal((await later.state()).identities[0]?.signInNeeded, undefined);
    assert.equal((await later['role:switch']({ roleId: role.id })).ok, true);
  });

  it('signs in with a code from the window: the code is in the state while it waits, then cleared', async () => {
    fx = await startCoreFixture('service-sso-code', seedWorldWithIdentityCenter());
    const identity = await addAcme(fx.core);
    assert.throws(() => requestArgs['sso:sign-in']([{ id: identity.id, deviceCode: 'yes' }]), /deviceCode/);
    const pushed: AppState[] = [];
    const service = serviceAt(fx, 0, pushed);
    const none = await service['sso:copy-code']({ id: identity.id });
    assert.equal(none.ok ? '' : none.error.code, 'sso-no-code', 'no code to copy before the sign-in starts');
    const [checked] = requestArgs['sso:sign-in']([{ id: identity.id, deviceCode: true }]);
    const signingIn = service['sso:sign-in'](checked);
    const deadline = Date.now() + 30_000;
    let shown: AppState['identities'][number]['deviceCode'];
    while (!shown && Date.now() < deadline) {
      shown = pushed.at(-1)?.identities[0]?.deviceCode;
      if (!shown) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(shown, 'the code was pushed to the window');
    assert.match(shown.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.ok(Date.parse(shown.expiresAt) > Date.now());
    assert.deepEqual(
      Object.keys(shown).sort(),
      ['expiresAt', 'userCode', 'verificationUri'],
      'no device code',
    );
    // The user types the code on the verification page (on any machine) and allows the sign-in.
    await allowSignIn(`${shown.verificationUri}?user_code=${encodeURIComponent(shown.userCode)}`);
    assert.deepEqual(await signingIn, { ok: true, value: { roles: 3 } });
    const after = pushed.at(-1)?.identities[0];
    assert.equal(after?.deviceCode, undefined, 'the code is cleared once signed in');
    assert.equal(after?.signInNeeded, undefined);
  });
});
