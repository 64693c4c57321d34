import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  type GetFederationTokenCommandInput,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { type ManualClock, SEED_MFA, SEED_ROLES, type StsEmulator } from '../../electron/emulator/index.js';
import { alice, type Creds, carol, credsOf, devRoot, expectStsError, sdk, startManual } from './helpers.js';

const whoami = (emu: StsEmulator, c: Creds) => sdk(emu, c).send(new GetCallerIdentityCommand({}));
const seconds = (emu: StsEmulator, s: number) => Math.floor(emu.now() / 1000) * 1000 + s * 1000;

describe('GetCallerIdentity, GetSessionToken and GetFederationToken through the SDK', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  before(async () => {
    ({ emu, clock } = await startManual());
  });
  after(() => emu.close());

  it('GetCallerIdentity names users, root and federated users like AWS', async () => {
    const user = await whoami(emu, carol);
    assert.deepEqual(
      [user.Arn, user.Account],
      ['arn:aws:iam::111111111111:user/contractors/carol', '111111111111'],
    );
    assert.match(user.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    const root = await whoami(emu, devRoot);
    assert.deepEqual([root.Arn, root.UserId], ['arn:aws:iam::111111111111:root', '111111111111']);
  });

  it('GetSessionToken: default 12 h, 900..129600, the user keeps its identity', async () => {
    const r = await sdk(emu, alice).send(new GetSessionTokenCommand({}));
    assert.equal(r.Credentials?.Expiration?.getTime(), seconds(emu, 43200));
    const c = credsOf(r.Credentials);
    assert.match(c.accessKeyId, /^ASIA/);
    assert.equal((await whoami(emu, c)).Arn, 'arn:aws:iam::111111111111:user/alice');
    const max = await sdk(emu, alice).send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
    assert.equal(max.Credentials?.Expiration?.getTime(), seconds(emu, 129600));
    await expectStsError(
      sdk(emu, alice).send(new GetSessionTokenCommand({ DurationSeconds: 899 })),
      'ValidationError',
      400,
      /greater than or equal to 900$/,
    );
    await expectStsError(
      sdk(emu, alice).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })),
      'ValidationError',
      400,
      /less than or equal to 129600$/,
    );
    await expectStsError(
      sdk(emu, devRoot).send(new GetSessionTokenCommand({ DurationSeconds: 7200 })),
      'ValidationError',
      400,
      /less than or equal to 3600$/,
    );
  });

  it('GetSessionToken refuses session credentials, and bad MFA', async () => {
    const session = credsOf((await sdk(emu, alice).send(new GetSessionTokenCommand({}))).Credentials);
    await expectStsError(
      sdk(emu, session).send(new GetSessionTokenCommand({})),
      'AccessDenied',
      403,
      'Cannot call GetSessionToken with session credentials',
    );
    const role = credsOf(
      (
        await sdk(emu, alice).send(
          new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'gst' }),
        )
      ).Credentials,
    );
    await expectStsError(
      sdk(emu, role).send(new GetSessionTokenCommand({})),
      'AccessDenied',
      403,
      'Cannot call GetSessionToken with session credentials',
    );
    clock.advance(30_000);
    const code = emu.totp(SEED_MFA.alice.serial);
    await sdk(emu, alice).send(
      new GetSessionTokenCommand({ SerialNumber: SEED_MFA.alice.serial, TokenCode: code }),
    );
    await expectStsError(
      sdk(emu, alice).send(
        new GetSessionTokenCommand({ SerialNumber: SEED_MFA.alice.serial, TokenCode: code }),
      ),
      'AccessDenied',
      403,
      'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
    );
    assert.equal(
      emu.sessions.all().filter((s) => s.kind === 'session-token' && s.mfaAuthenticatedAt !== undefined)
        .length,
      1,
    );
  });

  it('GetFederationToken: long-term user keys with permission; returns the federated user', async () => {
    const r = await sdk(emu, alice).send(new GetFederationTokenCommand({ Name: 'alice-console' }));
    assert.deepEqual(r.FederatedUser, {
      Arn: 'arn:aws:sts::111111111111:federated-user/alice-console',
      FederatedUserId: '111111111111:alice-console',
    });
    assert.equal(r.Credentials?.Expiration?.getTime(), seconds(emu, 43200));
    assert.equal(r.PackedPolicySize, undefined);
    const fed = credsOf(r.Credentials);
    const id = await whoami(emu, fed);
    assert.deepEqual(
      [id.Arn, id.UserId],
      ['arn:aws:sts::111111111111:federated-user/alice-console', '111111111111:alice-console'],
    );
    await expectStsError(
      sdk(emu, fed).send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'fed' })),
      'AccessDenied',
      403,
      /^User: arn:aws:sts::111111111111:federated-user\/alice-console is not authorized to perform: sts:AssumeRole/,
    );
    await expectStsError(
      sdk(emu, fed).send(new GetFederationTokenCommand({ Name: 'again' })),
      'AccessDenied',
      403,
      'Cannot call GetFederationToken with session credentials',
    );
    await expectStsError(
      sdk(emu, carol).send(new GetFederationTokenCommand({ Name: 'carol' })),
      'AccessDenied',
      403,
      'User: arn:aws:iam::111111111111:user/contractors/carol is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::111111111111:federated-user/carol',
    );
  });

  it('GetFederationToken validates Name, DurationSeconds and returns PackedPolicySize with a policy', async () => {
    const call = (input: Partial<GetFederationTokenCommandInput>) =>
      sdk(emu, alice).send(new GetFederationTokenCommand({ Name: 'fed-user', ...input }));
    await expectStsError(
      call({ Name: 'a' }),
      'ValidationError',
      400,
      /at 'name' .*greater than or equal to 2$/,
    );
    await expectStsError(call({ Name: 'n'.repeat(33) }), 'ValidationError', 400, /less than or equal to 32$/);
    await expectStsError(call({ Name: 'bad name' }), 'ValidationError', 400, /regular expression pattern/);
    await expectStsError(
      call({ DurationSeconds: 129601 }),
      'ValidationError',
      400,
      /less than or equal to 129600$/,
    );
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    });
    const r = await call({ Policy: policy, DurationSeconds: 900 });
    assert.ok((r.PackedPolicySize ?? 0) > 0);
    assert.equal(r.Credentials?.Expiration?.getTime(), seconds(emu, 900));
  });

  it('temporary credentials stop working at Expiration (ExpiredToken), by moving the clock', async () => {
    const r = await sdk(emu, alice).send(
      new AssumeRoleCommand({
        RoleArn: SEED_ROLES.readonly,
        RoleSessionName: 'expiring',
        DurationSeconds: 900,
      }),
    );
    const c = credsOf(r.Credentials);
    clock.advance(899_000);
    await whoami(emu, c);
    clock.advance(1_000);
    await expectStsError(
      whoami(emu, c),
      'ExpiredToken',
      403,
      'The security token included in the request is expired',
    );
    await expectStsError(
      sdk(emu, c).send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.deployer, RoleSessionName: 'late' })),
      'ExpiredToken',
      403,
    );
  });

  it('a key deactivated at runtime is refused from then on', async () => {
    emu.world.setAccessKeyStatus(carol.accessKeyId, 'Inactive');
    try {
      await expectStsError(whoami(emu, carol), 'InvalidClientTokenId', 403);
    } finally {
      emu.world.setAccessKeyStatus(carol.accessKeyId, 'Active');
    }
    await whoami(emu, carol);
  });
});
