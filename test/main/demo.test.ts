import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { location } from '../../electron/core/sessions/assume.js';
import { createCore, type RolebarCore } from '../../electron/core/index.js';
import { openSettings } from '../../electron/core/store/settings.js';
import { createStsCaller } from '../../electron/core/aws/sts/client.js';
import { CONSOLE_SIGNIN_HOSTS, isConsoleUrl, openConsole } from '../../electron/service/console.js';
import { DEMO_SSO_NAME, type DemoRoles, seedDemo } from '../../electron/core/features/demo/index.js';
import { type Demo, startDemo, watchDemoMfaCode } from '../../electron/service/demo.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import { trayMenu } from '../../electron/service/tray-menu.js';
import { manualTimers, memoryClipboard } from '../support/service-fixture.js';
import { allowSignIn } from '../support/sso-browser.js';

describe('demo mode: the app against the bundled STS emulator, in a temporary folder', () => {
  let demo: Demo;
  let core: RolebarCore;
  let service: RolebarService;
  let roles: DemoRoles;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    demo = await startDemo();
    env = { ...process.env, ...demo.env };
    core = createCore({
      settings: openSettings({ dir: demo.home }),
      secrets: demo.secrets,
      env,
      homedir: demo.dir,
      sts: createStsCaller({ maxAttempts: 1 }),
    });
    roles = await seedDemo(core);
    service = createRolebarService({
      core,
      settings: openSettings({ dir: demo.home }),
      clipboard: memoryClipboard(),
      timers: manualTimers(),
      app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: true },
      location: location({ env, homedir: demo.dir }),
    });
  });
  after(async () => {
    core.close();
    await demo.close();
    assert.equal(existsSync(demo.dir), false, 'the temporary folder is removed');
  });

  it('keeps everything in its own folder and its secrets in memory', async () => {
    assert.ok(demo.env.AWS_SHARED_CREDENTIALS_FILE?.startsWith(demo.dir));
    assert.ok(demo.env.AWS_CONFIG_FILE?.startsWith(demo.dir));
    assert.ok(demo.env.ROLEBAR_HOME?.startsWith(os.tmpdir()));
    assert.equal(demo.env.AWS_ENDPOINT_URL_STS, demo.emulator.endpoint);
    assert.deepEqual((await demo.secrets.list()).length, 1, "alice's secret, in the memory store");
    const again = await seedDemo(core);
    assert.deepEqual(again, roles, 'seeding twice changes nothing');
  });

  it('switches a plain role, a chained one and the MFA one through the service', async () => {
    const worker = await service['role:switch']({ roleId: roles.worker });
    assert.ok(worker.ok, JSON.stringify(worker));
    const deployer = await service['role:switch']({ roleId: roles.deployer });
    assert.ok(deployer.ok, JSON.stringify(deployer));
    assert.equal(deployer.value.session.via, 'chained');
    const needs = await service['role:switch']({ roleId: roles.admin });
    assert.equal(!needs.ok && needs.error.code, 'mfa-required');
    const admin = await service['role:switch']({ roleId: roles.admin, mfaCode: demo.mfaCode() });
    assert.ok(admin.ok, JSON.stringify(admin));
    const written = readFileSync(demo.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
    assert.match(written, /\[prod-admin\]/);

    const state = await service.state();
    assert.equal(state.activeRoleId, roles.admin);
    const menu = trayMenu(state, Date.now(), { consoleAvailable: true });
    const checked = menu.flatMap((i) => (i.type === 'checkbox' && i.checked ? [i.label] : []));
    assert.equal(checked.length, 1, 'one role is checked');
    assert.match(checked[0] as string, /^prod admin — (\d+ min|1 h 00 min) left$/);
  });

  it('refuses to open the emulator’s console page in a browser', async () => {
    const opened: string[] = [];
    const result = await openConsole(
      { core, env, openExternal: async (url) => void opened.push(url) },
      roles.worker,
    );
    assert.equal(!result.ok && result.error.code, 'console-url-refused');
    assert.deepEqual(opened, []);
  });

  it('opens an AWS sign-in URL it built, never anything else', async () => {
    const opened: string[] = [];
    const fakeFetch = (async () =>
      new Response(JSON.stringify({ SigninToken: 'token-EXAMPLE' }), { status: 200 })) as typeof fetch;
    const awsEnv = { ...env, ROLEBAR_FEDERATION_ENDPOINT: '' };
    const result = await openConsole(
      { core, env: awsEnv, fetch: fakeFetch, openExternal: async (url) => void opened.push(url) },
      roles.worker,
    );
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(opened.length, 1);
    assert.ok(isConsoleUrl(opened[0] as string));
    assert.equal(new URL(opened[0] as string).hostname, 'signin.aws.amazon.com');
  });

  it('has an Identity Center identity to sign in to with a code, whose permission sets can be switched to', async () => {
    const before = await service.state();
    const identity = before.identities.find((i) => i.id === roles.identityCenterId);
    assert.equal(identity?.name, DEMO_SSO_NAME);
    assert.equal(identity?.signInNeeded, true, 'the window and the tray offer the sign-in');
    const signingIn = service['sso:sign-in']({ id: roles.identityCenterId, deviceCode: true });
    try {
      const deadline = Date.now() + 30_000;
      let code: (typeof before.identities)[number]['deviceCode'];
      while (!code && Date.now() < deadline) {
        code = (await service.state()).identities.find((i) => i.id === roles.identityCenterId)?.deviceCode;
        if (!code) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(code, 'the code is shown');
      assert.ok(code.verificationUri.startsWith(demo.emulator.endpoint), "the emulator's page, not AWS");
      await allowSignIn(`${code.verificationUri}?user_code=${encodeURIComponent(code.userCode)}`);
      assert.deepEqual(await signingIn, { ok: true, value: { roles: 3 } });
      const role = core.roles.find('prod/ReadOnlyAccess');
      assert.ok(role, 'its permission sets are roles');
      const switched = await service['role:switch']({ roleId: role.id });
      assert.ok(switched.ok, JSON.stringify(switched));
      assert.equal(switched.value.session.accountId, '222222222222');
    } finally {
      // Leaves the demo as the other tests expect it: no Identity Center sign-in, no session of its roles.
      for (const r of core.roles.list().filter((x) => x.sso)) await core.signOut(r.id).catch(() => undefined);
      await core.identityCenter.signOut(roles.identityCenterId);
    }
  });

  it('announces the demo MFA code at every 30-second step, on one timer', () => {
    const timers = manualTimers();
    let now = 1_000;
    const codes: string[] = [];
    const stop = watchDemoMfaCode(demo, (code) => codes.push(code), { now: () => now, timers });
    assert.equal(codes.length, 1);
    assert.match(codes[0] as string, /^\d{6}$/);
    now = 30_500;
    timers.fireAll();
    assert.equal(codes.length, 2);
    assert.equal(timers.pending(), 1);
    stop();
    assert.equal(timers.pending(), 0);
  });
});

describe('isConsoleUrl: shell.openExternal only ever sees AWS sign-in pages', () => {
  it('accepts the three partitions’ https sign-in endpoints', () => {
    for (const host of CONSOLE_SIGNIN_HOSTS) {
      assert.ok(isConsoleUrl(`https://${host}/federation?Action=login&SigninToken=x`), host);
    }
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://signin.aws.amazon.com/federation',
      'https://signin.aws.amazon.com.evil.example/federation',
      'https://evil.example/?https://signin.aws.amazon.com/federation',
      'https://signin.aws.amazon.com:8443/federation',
      'https://user:pw@signin.aws.amazon.com/federation',
      'https://signin.aws.amazon.com/oauth',
      'https://console.aws.amazon.com/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://127.0.0.1:4566/federation',
      'not a url',
      '',
    ]) {
      assert.equal(isConsoleUrl(url), false, url);
    }
  });
});
