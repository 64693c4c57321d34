import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetFederationTokenCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { type ManualClock, SEED_ROLES, type StsEmulator } from '../../electron/emulator/index.js';
import { alice, type Creds, credsOf, sdk, startManual } from './helpers.js';

const CONSOLE = 'https://console.aws.amazon.com/console/home?region=us-east-1';

describe('console federation endpoint (/federation)', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  before(async () => {
    ({ emu, clock } = await startManual());
  });
  after(() => emu.close());

  const getSigninToken = async (c: Creds, sessionDuration?: number) => {
    const session = JSON.stringify({
      sessionId: c.accessKeyId,
      sessionKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
    });
    const duration = sessionDuration === undefined ? '' : `&SessionDuration=${sessionDuration}`;
    const res = await fetch(
      `${emu.federationEndpoint}?Action=getSigninToken${duration}&Session=${encodeURIComponent(session)}`,
    );
    const body = (await res.json()) as { SigninToken?: string; Error?: { Code: string } };
    return { status: res.status, token: body.SigninToken, code: body.Error?.Code };
  };
  const login = (token: string) =>
    fetch(
      `${emu.federationEndpoint}?Action=login&Issuer=rolebar&Destination=${encodeURIComponent(CONSOLE)}&SigninToken=${encodeURIComponent(token)}`,
      { redirect: 'manual' },
    );
  const roleCreds = async (duration?: number) => {
    const input = {
      RoleArn: SEED_ROLES.longSession,
      RoleSessionName: 'console',
      ...(duration ? { DurationSeconds: duration } : {}),
    };
    return credsOf((await sdk(emu, alice).send(new AssumeRoleCommand(input))).Credentials);
  };

  it('exchanges role-session credentials for a sign-in token, and the token for a console redirect', async () => {
    const { status, token } = await getSigninToken(await roleCreds(), 43200);
    assert.equal(status, 200);
    assert.ok(token && token.length > 100);
    const res = await login(token);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), CONSOLE);
    assert.equal(
      emu.federation.issued.at(-1)?.principalArn,
      'arn:aws:sts::222222222222:assumed-role/long-session/console',
    );
    assert.equal(emu.countRequests('login', 'OK'), 1);
  });

  it('accepts GetFederationToken credentials; refuses long-term keys and GetSessionToken credentials', async () => {
    const fed = credsOf(
      (await sdk(emu, alice).send(new GetFederationTokenCommand({ Name: 'console-user' }))).Credentials,
    );
    assert.equal((await getSigninToken(fed)).status, 200);
    assert.equal((await getSigninToken(alice)).status, 403);
    const gst = credsOf((await sdk(emu, alice).send(new GetSessionTokenCommand({}))).Credentials);
    assert.equal((await getSigninToken(gst)).status, 403);
  });

  it('validates the credentials it carries: wrong key or token, expired session', async () => {
    const c = await roleCreds(900);
    assert.equal((await getSigninToken({ ...c, secretAccessKey: 'x'.repeat(40) })).status, 403);
    assert.equal((await getSigninToken({ ...c, sessionToken: 'nope' })).status, 403);
    clock.advance(901_000);
    const expired = await getSigninToken(c);
    assert.deepEqual([expired.status, expired.code], [403, 'ExpiredToken']);
  });

  it('limits SessionDuration: 900..43200, and under one hour for chained role sessions', async () => {
    const direct = await roleCreds();
    assert.equal((await getSigninToken(direct, 899)).status, 400);
    assert.equal((await getSigninToken(direct, 43201)).status, 400);
    const hop1 = credsOf(
      (
        await sdk(emu, alice).send(
          new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'hop' }),
        )
      ).Credentials,
    );
    const hop2 = credsOf(
      (
        await sdk(emu, hop1).send(
          new AssumeRoleCommand({ RoleArn: SEED_ROLES.deployer, RoleSessionName: 'hop' }),
        )
      ).Credentials,
    );
    assert.equal((await getSigninToken(hop2, 3600)).status, 400);
    assert.equal((await getSigninToken(hop2, 3599)).status, 200);
    assert.equal((await getSigninToken(hop2)).status, 200);
  });

  it('refuses unknown or stale sign-in tokens at login', async () => {
    assert.equal((await login('not-a-token')).status, 400);
    const { token } = await getSigninToken(await roleCreds());
    clock.advance(15 * 60_000 + 1_000);
    assert.equal((await login(token ?? '')).status, 400);
  });
});
