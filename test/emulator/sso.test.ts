import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  LogoutCommand,
  paginateListAccounts,
  SSOClient,
} from '@aws-sdk/client-sso';
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import {
  type ManualClock,
  manyAccountsWorld,
  SEED_ROLES,
  SEED_SSO,
  type StsEmulator,
  seedWorldWithIdentityCenter,
} from '../../electron/emulator/index.js';
import { sdk, startManual } from './helpers.js';
import { clickLink } from '../support/sso-browser.js';

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

function clients(emu: StsEmulator): { oidc: SSOOIDCClient; portal: SSOClient } {
  const common = { endpoint: emu.endpoint, region: SEED_SSO.region, maxAttempts: 1 };
  return { oidc: new SSOOIDCClient(common), portal: new SSOClient(common) };
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === name);
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

describe('Identity Center emulator through @aws-sdk/client-sso-oidc and client-sso', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  before(async () => {
    ({ emu, clock } = await startManual(seedWorldWithIdentityCenter({ sessionSeconds: 7200 })));
  });
  after(async () => {
    await emu?.close();
  });

  it('device flow: pending, slow down, allow at the verification page, then portal and STS work', async () => {
    const { oidc, portal } = clients(emu);
    const reg = await oidc.send(
      new RegisterClientCommand({ clientName: 'test', clientType: 'public', scopes: ['sso:account:access'] }),
    );
    assert.ok(reg.clientId && reg.clientSecret);
    const auth = await oidc.send(
      new StartDeviceAuthorizationCommand({
        ...reg,
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: SEED_SSO.startUrl,
      }),
    );
    assert.equal(auth.interval, 1);
    assert.match(auth.userCode ?? '', /^[A-Z]{4}-[A-Z]{4}$/);
    const poll = () =>
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: DEVICE,
          deviceCode: auth.deviceCode,
        }),
      );
    await rejectsWith(poll(), 'AuthorizationPendingException');
    await rejectsWith(poll(), 'SlowDownException');
    assert.equal((await clickLink(auth.verificationUriComplete ?? '', 'Allow access')).status, 200);
    clock.advance(1000);
    const token = await poll();
    assert.ok(token.accessToken && token.refreshToken);
    assert.equal(token.expiresIn, 3600);
    await rejectsWith(poll(), 'InvalidGrantException'); // a device code is used once

    const roles = await portal.send(
      new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: '111111111111' }),
    );
    assert.deepEqual(
      roles.roleList?.map((r) => r.roleName),
      ['AdministratorAccess', 'ReadOnlyAccess'],
    );
    const creds = await portal.send(
      new GetRoleCredentialsCommand({
        accessToken: token.accessToken,
        accountId: '111111111111',
        roleName: 'AdministratorAccess',
      }),
    );
    const rc = creds.roleCredentials;
    assert.ok(rc?.accessKeyId && rc.secretAccessKey && rc.sessionToken);
    assert.equal(rc.expiration, emu.now() + 3600 * 1000);
    const asRole = {
      accessKeyId: rc.accessKeyId,
      secretAccessKey: rc.secretAccessKey,
      sessionToken: rc.sessionToken,
    };
    const who = await sdk(emu, asRole).send(new GetCallerIdentityCommand({}));
    assert.match(
      who.Arn ?? '',
      /^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/dana@example\.com$/,
    );
    const chained = await sdk(emu, asRole).send(
      new AssumeRoleCommand({ RoleArn: SEED_ROLES.devDeploy, RoleSessionName: 'chain' }),
    );
    assert.match(chained.AssumedRoleUser?.Arn ?? '', /assumed-role\/dev-deploy\/chain$/);
    await rejectsWith(
      portal.send(
        new GetRoleCredentialsCommand({
          accessToken: token.accessToken,
          accountId: '222222222222',
          roleName: 'AdministratorAccess',
        }),
      ),
      'ForbiddenException',
    );
  });

  it('device flow: a denied request and an expired device code', async () => {
    const { oidc } = clients(emu);
    const reg = await oidc.send(new RegisterClientCommand({ clientName: 'test', clientType: 'public' }));
    const start = () =>
      oidc.send(
        new StartDeviceAuthorizationCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          startUrl: SEED_SSO.startUrl,
        }),
      );
    const poll = (deviceCode: string | undefined) =>
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: DEVICE,
          deviceCode,
        }),
      );
    const denied = await start();
    await clickLink(denied.verificationUriComplete ?? '', 'Deny');
    await rejectsWith(poll(denied.deviceCode), 'AccessDeniedException');
    const late = await start();
    clock.advance(601_000);
    await rejectsWith(poll(late.deviceCode), 'ExpiredTokenException');
    await rejectsWith(
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: 'wrong',
          grantType: DEVICE,
          deviceCode: late.deviceCode,
        }),
      ),
      'InvalidClientException',
    );
  });

  it('authorization code + PKCE: the browser follows the redirect to the loopback; refresh; expiry; logout', async () => {
    const { oidc, portal } = clients(emu);
    const reg = await oidc.send(
      new RegisterClientCommand({
        clientName: 'test',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
        issuerUrl: SEED_SSO.startUrl,
        scopes: ['sso:account:access'],
      }),
    );
    const { verifier, challenge } = pkce();
    const redirectUri = 'http://127.0.0.1:49999/oauth/callback';
    const url = new URL('/authorize', emu.endpoint);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: reg.clientId ?? '',
      redirect_uri: redirectUri,
      state: 'state-123',
      code_challenge_method: 'S256',
      code_challenge: challenge,
      scopes: 'sso:account:access',
    }))
      url.searchParams.set(k, v);
    const answer = await clickLink(url.toString(), 'Allow access');
    assert.equal(answer.status, 302);
    const back = new URL(answer.headers.get('location') ?? '');
    assert.equal(`${back.origin}${back.pathname}`, redirectUri);
    assert.equal(back.searchParams.get('state'), 'state-123');
    const code = back.searchParams.get('code') ?? '';
    const exchange = (c: string, v: string) =>
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: 'authorization_code',
          code: c,
          redirectUri,
          codeVerifier: v,
        }),
      );
    await rejectsWith(exchange(code, pkce().verifier), 'InvalidGrantException');
    // The failed try used the code up; a fresh one with the right verifier works.
    const again = new URL((await clickLink(url.toString(), 'Allow access')).headers.get('location') ?? '');
    const token = await exchange(again.searchParams.get('code') ?? '', verifier);
    assert.ok(token.accessToken && token.refreshToken);

    clock.advance(3601_000);
    await rejectsWith(
      portal.send(new ListAccountRolesCommand({ accessToken: token.accessToken, accountId: '111111111111' })),
      'UnauthorizedException',
    );
    const refresh = () =>
      oidc.send(
        new CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          grantType: 'refresh_token',
          refreshToken: token.refreshToken,
        }),
      );
    const fresh = await refresh();
    assert.ok(fresh.accessToken && fresh.accessToken !== token.accessToken);
    await portal.send(new LogoutCommand({ accessToken: fresh.accessToken }));
    await rejectsWith(refresh(), 'InvalidGrantException');
    await rejectsWith(
      portal.send(new ListAccountRolesCommand({ accessToken: fresh.accessToken, accountId: '111111111111' })),
      'UnauthorizedException',
    );
  });

  it('a bad redirect URI gets an error page, never a redirect', async () => {
    const { oidc } = clients(emu);
    const reg = await oidc.send(
      new RegisterClientCommand({
        clientName: 'test',
        clientType: 'public',
        grantTypes: ['authorization_code'],
        redirectUris: ['http://127.0.0.1/oauth/callback'],
      }),
    );
    const url = new URL('/authorize', emu.endpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: reg.clientId ?? '',
      redirect_uri: 'https://attacker.example/oauth/callback',
      state: 's',
      code_challenge_method: 'S256',
      code_challenge: pkce().challenge,
    }).toString();
    const answer = await fetch(url, { redirect: 'manual' });
    assert.equal(answer.status, 400);
  });
});

describe('Identity Center emulator: an organisation of 300 accounts', () => {
  let emu: StsEmulator;
  before(async () => {
    ({ emu } = await startManual(manyAccountsWorld(300)));
  });
  after(async () => {
    await emu?.close();
  });

  it('ListAccounts pages through all of them', async () => {
    const { oidc, portal } = clients(emu);
    const reg = await oidc.send(new RegisterClientCommand({ clientName: 'test', clientType: 'public' }));
    const auth = await oidc.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: SEED_SSO.startUrl,
      }),
    );
    await clickLink(auth.verificationUriComplete ?? '', 'Allow access');
    const token = await oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: DEVICE,
        deviceCode: auth.deviceCode,
      }),
    );
    assert.equal(token.refreshToken, undefined); // registered without the refresh_token grant's scope
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: portal }, { accessToken: token.accessToken })) {
      for (const a of page.accountList ?? []) ids.push(a.accountId ?? '');
    }
    assert.equal(ids.length, 300);
    assert.equal(new Set(ids).size, 300);
    assert.ok(emu.countRequests('ListAccounts', 'OK') >= 15);
  });
});
