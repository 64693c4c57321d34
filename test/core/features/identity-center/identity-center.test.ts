import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { createCore, type RolebarCore } from '../../../../electron/core/index.js';
import type { SignInPrompt } from '../../../../electron/core/features/identity-center/index.js';
import { openSettings } from '../../../../electron/core/store/settings.js';
import { ssoTokenAccount } from '../../../../electron/core/store/secret-journal.js';
import { createStsCaller } from '../../../../electron/core/aws/sts/client.js';
import {
  manyAccountsWorld,
  SEED_ROLES,
  SEED_SSO,
  seedWorldWithIdentityCenter,
} from '../../../../electron/emulator/index.js';
import { addAcme, type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { allowSignIn } from '../../../support/sso-browser.js';

/** A user who allows the sign-in in the browser: the authorize page, then the redirect to Rolebar's loopback. */
function allowingBrowser(seen: string[] = []): SignInPrompt {
  return {
    async openBrowser(url) {
      seen.push(url);
      await allowSignIn(url);
    },
    showDeviceCode: () => undefined,
  };
}

describe('Identity Center identities (core, against the emulator)', () => {
  let fx: CoreFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  async function signedIn(world = seedWorldWithIdentityCenter()) {
    fx = await startCoreFixture('sso', world);
    const identity = await addAcme(fx.core);
    const seen: string[] = [];
    await fx.core.identityCenter.signIn(identity.id, allowingBrowser(seen));
    return { fx, identity, seen };
  }

  /** A second core over the same settings, keychain and files, whose clock is `aheadMs` in the future. */
  function coreAhead(f: CoreFixture, aheadMs: number): RolebarCore {
    return createCore({
      settings: openSettings({ dir: f.sandbox.rolebarHome }),
      secrets: f.secrets,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      now: () => Date.now() + aheadMs,
      sts: createStsCaller({ maxAttempts: 1 }),
    });
  }

  it('signs in with the authorization code + PKCE flow through a loopback redirect; tokens only in the keychain', async () => {
    const { fx, identity, seen } = await signedIn();
    const url = new URL(seen[0] ?? '');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.ok((url.searchParams.get('state') ?? '').length >= 32);
    assert.deepEqual(await fx.secrets.list(), [`sso-token:${identity.id}`]);
    const token = await fx.secrets.get(`sso-token:${identity.id}`);
    const settingsText = readFileSync(fx.settings.path, 'utf8');
    for (const field of ['accessToken', 'refreshToken', 'clientSecret'] as const) {
      const value: unknown = JSON.parse(token ?? '{}')[field];
      assert.equal(typeof value, 'string');
      assert.ok(!settingsText.includes(String(value)), `${field} leaked into settings`);
    }
    assert.equal((await fx.core.identityCenter.status(identity.id)).signedIn, true);
  });

  it('signs in with the device code flow', async () => {
    fx = await startCoreFixture('sso-device', seedWorldWithIdentityCenter());
    const identity = await addAcme(fx.core);
    const codes: string[] = [];
    const prompt: SignInPrompt = {
      ...allowingBrowser(),
      showDeviceCode: (c) => codes.push(c.userCode),
    };
    await fx.core.identityCenter.signIn(identity.id, prompt, { useDeviceCode: true });
    assert.equal(codes.length, 1);
    assert.ok(fx.emu.countRequests('CreateToken', 'AuthorizationPendingException') <= 1);
    assert.equal(fx.emu.countRequests('CreateToken', 'OK'), 1);
    assert.equal((await fx.core.identityCenter.status(identity.id)).refreshable, true);
  });

  it('refuses a redirect that does not carry the state it sent, and keeps no token', async () => {
    fx = await startCoreFixture('sso-state', seedWorldWithIdentityCenter());
    const identity = await addAcme(fx.core);
    const forging: SignInPrompt = {
      async openBrowser(url) {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
        redirect.search = 'code=forged&state=not-the-one';
        await fetch(redirect);
      },
      showDeviceCode: () => undefined,
    };
    await assert.rejects(fx.core.identityCenter.signIn(identity.id, forging), { code: 'sso-state-mismatch' });
    assert.deepEqual(await fx.secrets.list(), []);
  });

  it('lists the roles, switches to one (profile, session), and chains an IAM role from it', async () => {
    const { fx, identity } = await signedIn();
    const { roles, added } = await fx.core.identityCenter.syncRoles(identity.id);
    assert.equal(added.length, 3);
    assert.deepEqual(roles.map((r) => r.label).sort(), [
      'dev/AdministratorAccess',
      'dev/ReadOnlyAccess',
      'prod/ReadOnlyAccess',
    ]);
    assert.equal((await fx.core.identityCenter.syncRoles(identity.id)).added.length, 0); // idempotent
    const admin = roles.find(
      (r) => r.sso?.roleName === 'AdministratorAccess' && r.sso.accountId === '111111111111',
    );
    assert.ok(admin);
    const outcome = await fx.core.assumeRole(admin.id);
    assert.match(
      outcome.session.principalArn,
      /:assumed-role\/AWSReservedSSO_AdministratorAccess_\w+\/dana@example\.com$/,
    );
    assert.equal(outcome.session.accountId, '111111111111');
    assert.equal(fx.emu.countRequests('GetRoleCredentials', 'OK'), 1);
    const who = await fx.core.whoAmI({ roleId: admin.id });
    assert.equal(who.arn, outcome.session.principalArn);

    const deploy = fx.core.roles.add({
      label: 'deploy',
      roleArn: SEED_ROLES.devDeploy,
      source: { kind: 'role', id: admin.id },
      mfa: false,
    });
    const chained = await fx.core.assumeRole(deploy.id);
    assert.match(chained.session.principalArn, /:assumed-role\/dev-deploy\//);
    assert.equal(chained.session.via, 'chained');
  });

  it('refreshes the access token before it ends; an ended sign-in asks for a new one and loses nothing', async () => {
    const { fx, identity } = await signedIn();
    const { roles } = await fx.core.identityCenter.syncRoles(identity.id);
    const role = roles[0];
    assert.ok(role);
    await fx.core.assumeRole(role.id);
    const before = await fx.secrets.get(`sso-token:${identity.id}`);
    // 55 minutes later the 1-hour token is within the refresh margin.
    const later = coreAhead(fx, 55 * 60_000);
    try {
      await later.identityCenter.ensureSignedIn(identity.id);
      assert.equal(fx.emu.countRequests('CreateToken', 'OK'), 2);
      const after = await fx.secrets.get(`sso-token:${identity.id}`);
      assert.notEqual(JSON.parse(after ?? '{}').accessToken, JSON.parse(before ?? '{}').accessToken);
    } finally {
      later.close();
    }
    // The administrator ends every sign-in; two hours on, the token can't be refreshed.
    fx.emu.identityCenter.state?.endAllSignIns();
    const ended = coreAhead(fx, 2 * 3600_000);
    try {
      await assert.rejects(ended.assumeRole(role.id), { code: 'sso-sign-in-required' });
      await assert.rejects(ended.identityCenter.listRoles(identity.id), { code: 'sso-sign-in-required' });
    } finally {
      ended.close();
    }
    assert.equal(fx.core.roles.list().length, 3);
    assert.ok(fx.core.sessions.get(role.id));
    assert.ok(await fx.secrets.get(`sso-token:${identity.id}`));
    // A new sign-in brings everything back.
    await fx.core.identityCenter.signIn(identity.id, allowingBrowser());
    await fx.core.assumeRole(role.id);
  });

  it('signs out: the portal ends the sign-in and the tokens leave the keychain', async () => {
    const { fx, identity } = await signedIn();
    assert.deepEqual(await fx.core.identityCenter.signOut(identity.id), { removed: true });
    assert.deepEqual(await fx.secrets.list(), []);
    assert.equal(fx.emu.countRequests('Logout', 'OK'), 1);
    assert.equal((await fx.core.identityCenter.status(identity.id)).signedIn, false);
    await assert.rejects(fx.core.identityCenter.listRoles(identity.id), { code: 'sso-sign-in-required' });
  });

  it('removing an Identity Center identity ends its sign-in at the portal too, not only here', async () => {
    const { fx, identity } = await signedIn();
    await fx.core.removeIdentity(identity.id);
    assert.equal(fx.emu.countRequests('Logout', 'OK'), 1);
    assert.deepEqual(await fx.secrets.list(), []);
  });

  it('signing out with an expired access token refreshes it first, so the portal still ends the sign-in', async () => {
    const { fx, identity } = await signedIn();
    const later = coreAhead(fx, 2 * 3600_000);
    try {
      assert.deepEqual(await later.identityCenter.signOut(identity.id), { removed: true });
    } finally {
      later.close();
    }
    assert.equal(fx.emu.countRequests('Logout', 'OK'), 1);
    assert.deepEqual(await fx.secrets.list(), []);
  });

  it('two organisations whose accounts and permission sets have the same names both sign in, their labels apart', async () => {
    const { fx, identity } = await signedIn();
    await fx.core.identityCenter.syncRoles(identity.id);
    // A second organisation with the same account and permission set names (the same portal serves it here).
    const other = (
      await fx.core.addIdentity({
        kind: 'identity-center',
        name: 'globex',
        startUrl: SEED_SSO.startUrl,
        ssoRegion: SEED_SSO.region,
      })
    ).identity;
    await fx.core.identityCenter.signIn(other.id, allowingBrowser());
    const { added } = await fx.core.identityCenter.syncRoles(other.id);
    assert.deepEqual(added.map((r) => r.label).sort(), [
      'globex/dev/AdministratorAccess',
      'globex/dev/ReadOnlyAccess',
      'globex/prod/ReadOnlyAccess',
    ]);
    const labels = fx.core.roles.list().map((r) => r.label);
    assert.ok(labels.includes('dev/AdministratorAccess'), 'the first organisation keeps its labels');
    const switched = await fx.core.assumeRole(added[0]?.id ?? '');
    assert.match(switched.session.profileName, /^globex/);
  });

  it('a name no SDK reads as [sso-session NAME] is refused for the AWS CLI token cache, with the reason', async () => {
    fx = await startCoreFixture('sso-names');
    const core = fx.core;
    const input = {
      kind: 'identity-center',
      startUrl: SEED_SSO.startUrl,
      ssoRegion: SEED_SSO.region,
    } as const;
    await assert.rejects(core.addIdentity({ ...input, name: 'acme (demo)', awsCliCache: true }), {
      code: 'sso-session-name',
      message: /AWS SDK for JavaScript reads such names only with letters, digits/,
    });
    const spaced = (await core.addIdentity({ ...input, name: 'acme two' })).identity;
    await assert.rejects(core.identityCenter.setAwsCliCache(spaced.id, true), { code: 'sso-session-name' });
    assert.equal(Reflect.get(core.identities.get(spaced.id), 'awsCliCache'), undefined, 'nothing turned on');
    const plain = (await core.addIdentity({ ...input, name: 'acme-demo', awsCliCache: true })).identity;
    assert.equal(core.identities.get(plain.id).name, 'acme-demo');
    // Renaming one that shares the cache (the window's and the CLI's edit both go through this) is refused too.
    assert.throws(() => core.identities.update(plain.id, { name: 'acme (demo)' }), {
      code: 'sso-session-name',
    });
    assert.equal(core.identities.get(plain.id).name, 'acme-demo', 'the name is kept');
    core.identities.update(spaced.id, { name: 'acme three' }); // no cache shared: any identity name
    assert.equal(core.identities.get(spaced.id).name, 'acme three');
  });

  it('with the AWS CLI cache shared, a valid cache file of the same session signs it in (as after aws sso login)', async () => {
    const { fx, identity } = await signedIn();
    const change = await fx.core.identityCenter.setAwsCliCache(identity.id, true);
    assert.equal(change.cache, 'written');
    // Rolebar's own entry gone, as for a session the user signed in to with `aws sso login` alone.
    await fx.secrets.delete(ssoTokenAccount(identity.id));
    const { roles } = await fx.core.identityCenter.syncRoles(identity.id);
    assert.equal(roles.length, 3);
    const outcome = await fx.core.assumeRole(roles[0]?.id ?? '');
    assert.match(outcome.session.principalArn, /^arn:aws:sts::\d{12}:assumed-role\//);
    assert.ok(
      await fx.secrets.get(ssoTokenAccount(identity.id)),
      'kept in the keychain, to be refreshed there',
    );
  });

  it('lists an organisation of 300 accounts across pages', async () => {
    const { fx, identity } = await signedIn(manyAccountsWorld(300));
    const { roles, added } = await fx.core.identityCenter.syncRoles(identity.id);
    assert.equal(added.length, 300);
    assert.equal(new Set(roles.map((r) => r.sso?.accountId)).size, 300);
    assert.ok(fx.emu.countRequests('ListAccounts', 'OK') >= 3);
  });
});
