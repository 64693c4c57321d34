import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import {
  type ManualClock,
  SEED_EXTERNAL_ID,
  SEED_MFA,
  SEED_ROLES,
  type StsEmulator,
  seedWorld,
} from '../../electron/emulator/index.js';
import {
  alice,
  bob,
  type Creds,
  carol,
  credsOf,
  devRoot,
  expectStsError,
  sdk,
  startManual,
} from './helpers.js';

const denied = (who: string, role: string, action = 'sts:AssumeRole') =>
  `User: ${who} is not authorized to perform: ${action} on resource: ${role}`;
const ALICE = 'arn:aws:iam::111111111111:user/alice';
const CAROL = 'arn:aws:iam::111111111111:user/contractors/carol';
const MFA_INVALID = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';

describe('AssumeRole through @aws-sdk/client-sts', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  before(async () => {
    ({ emu, clock } = await startManual());
  });
  after(() => emu.close());

  const assume = (creds: Creds, input: Partial<AssumeRoleCommandInput> & { RoleArn: string }) =>
    sdk(emu, creds).send(new AssumeRoleCommand({ RoleSessionName: 'rolebar', ...input }));
  /** A code for a step no earlier call has used (codes work once per device). */
  const nextCode = () => {
    clock.advance(30_000);
    return emu.totp(SEED_MFA.alice.serial);
  };

  it('issues real credentials for a cross-account role trusted by the account root', async () => {
    const r = await assume(alice, { RoleArn: SEED_ROLES.readonly, RoleSessionName: 'alice-laptop' });
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/readonly/alice-laptop');
    assert.match(r.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z2-7]{17}:alice-laptop$/);
    const c = credsOf(r.Credentials);
    assert.match(c.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(c.secretAccessKey.length, 40);
    assert.ok((c.sessionToken ?? '').length > 300);
    assert.equal(r.Credentials?.Expiration?.getTime(), Math.floor(emu.now() / 1000) * 1000 + 3600_000);
    assert.equal(r.PackedPolicySize, undefined);
    assert.equal(r.SourceIdentity, undefined);
    const id = await sdk(emu, c).send(new GetCallerIdentityCommand({}));
    assert.deepEqual(
      [id.Arn, id.Account, id.UserId],
      [r.AssumedRoleUser?.Arn, '222222222222', r.AssumedRoleUser?.AssumedRoleId],
    );
  });

  it('same account: a trust naming the exact user suffices alone (ec2-worker), others are refused', async () => {
    const r = await assume(alice, { RoleArn: SEED_ROLES.ec2Worker });
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::111111111111:assumed-role/ec2-worker/rolebar');
    await expectStsError(
      assume(carol, { RoleArn: SEED_ROLES.ec2Worker }),
      'AccessDenied',
      403,
      denied(CAROL, SEED_ROLES.ec2Worker),
    );
  });

  it('same account: a trust naming the account also needs an identity policy Allow', async () => {
    const r = await assume(carol, { RoleArn: SEED_ROLES.devDeploy });
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::111111111111:assumed-role/dev-deploy/rolebar');
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.devDeploy }),
      'AccessDenied',
      403,
      denied(ALICE, SEED_ROLES.devDeploy),
    );
  });

  it('explicit Deny wins: in the caller identity policy (billing) and in the trust policy (long-session)', async () => {
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.billing }),
      'AccessDenied',
      403,
      denied(ALICE, SEED_ROLES.billing),
    );
    await assume(carol, { RoleArn: SEED_ROLES.billing });
    await expectStsError(
      assume(carol, { RoleArn: SEED_ROLES.longSession }),
      'AccessDenied',
      403,
      denied(CAROL, SEED_ROLES.longSession),
    );
  });

  it('does not reveal whether a role exists, and validates the ARN shape', async () => {
    const ghost = 'arn:aws:iam::222222222222:role/does-not-exist';
    await expectStsError(assume(alice, { RoleArn: ghost }), 'AccessDenied', 403, denied(ALICE, ghost));
    await expectStsError(
      assume(alice, { RoleArn: 'arn:aws:iam::222222222222:user/readonly' }),
      'ValidationError',
      400,
      /is invalid$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: 'readonly' }),
      'ValidationError',
      400,
      "1 validation error detected: Value 'readonly' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
  });

  it('the root user of the trusted account needs no identity policy; inactive keys are refused', async () => {
    const r = await assume(devRoot, { RoleArn: SEED_ROLES.readonly });
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar');
    await expectStsError(assume(bob, { RoleArn: SEED_ROLES.readonly }), 'InvalidClientTokenId', 403);
  });

  it('MFA: required by the admin role; a valid code works once, wrong or replayed codes are refused', async () => {
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin }),
      'AccessDenied',
      403,
      denied(ALICE, SEED_ROLES.admin),
    );
    const code = nextCode();
    const r = await assume(alice, {
      RoleArn: SEED_ROLES.admin,
      SerialNumber: SEED_MFA.alice.serial,
      TokenCode: code,
    });
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/admin/rolebar');
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin, SerialNumber: SEED_MFA.alice.serial, TokenCode: code }),
      'AccessDenied',
      403,
      MFA_INVALID,
    );
    const wrong = String((Number(nextCode()) + 1) % 1_000_000).padStart(6, '0');
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin, SerialNumber: SEED_MFA.alice.serial, TokenCode: wrong }),
      'AccessDenied',
      403,
      MFA_INVALID,
    );
  });

  it('MFA: accepts the adjacent time step, refuses older ones and devices that are not the caller’s', async () => {
    clock.advance(60_000);
    const previous = emu.totp(SEED_MFA.alice.serial, emu.now() - 30_000);
    await assume(alice, {
      RoleArn: SEED_ROLES.admin,
      SerialNumber: SEED_MFA.alice.serial,
      TokenCode: previous,
    });
    clock.advance(90_000);
    const tooOld = emu.totp(SEED_MFA.alice.serial, emu.now() - 60_000);
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin, SerialNumber: SEED_MFA.alice.serial, TokenCode: tooOld }),
      'AccessDenied',
      403,
      MFA_INVALID,
    );
    const unable = /^MultiFactorAuthentication failed, unable to validate MFA code\./;
    await expectStsError(
      assume(carol, {
        RoleArn: SEED_ROLES.admin,
        SerialNumber: SEED_MFA.alice.serial,
        TokenCode: nextCode(),
      }),
      'AccessDenied',
      403,
      unable,
    );
    await expectStsError(
      assume(alice, {
        RoleArn: SEED_ROLES.admin,
        SerialNumber: 'arn:aws:iam::111111111111:mfa/nobody',
        TokenCode: nextCode(),
      }),
      'AccessDenied',
      403,
      unable,
    );
  });

  it('MFA presence and age propagate from a GetSessionToken session to AssumeRole', async () => {
    const plain = credsOf((await sdk(emu, alice).send(new GetSessionTokenCommand({}))).Credentials);
    await expectStsError(
      sdk(emu, plain).send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.admin, RoleSessionName: 'mfa-s' })),
      'AccessDenied',
      403,
    );
    const mfa = credsOf(
      (
        await sdk(emu, alice).send(
          new GetSessionTokenCommand({ SerialNumber: SEED_MFA.alice.serial, TokenCode: nextCode() }),
        )
      ).Credentials,
    );
    const r = await sdk(emu, mfa).send(
      new AssumeRoleCommand({ RoleArn: SEED_ROLES.admin, RoleSessionName: 'mfa-s' }),
    );
    assert.equal(r.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/admin/mfa-s');
    // A role assumed from session-token credentials counts as role chaining on AWS: at most 1 hour.
    await expectStsError(
      sdk(emu, mfa).send(
        new AssumeRoleCommand({ RoleArn: SEED_ROLES.admin, RoleSessionName: 'mfa-s', DurationSeconds: 7200 }),
      ),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    clock.advance(3600_000); // admin requires aws:MultiFactorAuthAge < 3600
    await expectStsError(
      sdk(emu, mfa).send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.admin, RoleSessionName: 'mfa-s' })),
      'AccessDenied',
      403,
    );
  });

  it('ExternalId: required value must match; its shape is validated', async () => {
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.partner }),
      'AccessDenied',
      403,
      denied(ALICE, SEED_ROLES.partner),
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.partner, ExternalId: 'wrong-id' }),
      'AccessDenied',
      403,
    );
    await assume(alice, { RoleArn: SEED_ROLES.partner, ExternalId: SEED_EXTERNAL_ID });
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.partner, ExternalId: 'x' }),
      'ValidationError',
      400,
      /at 'externalId' .*greater than or equal to 2$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.partner, ExternalId: 'has space' }),
      'ValidationError',
      400,
      "1 validation error detected: Value 'has space' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*",
    );
  });

  it('DurationSeconds: 900..43200, within MaxSessionDuration; default one hour', async () => {
    const v = (n: number, bound: string) =>
      `1 validation error detected: Value '${n}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${bound}`;
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.longSession, DurationSeconds: 899 }),
      'ValidationError',
      400,
      v(899, 'greater than or equal to 900'),
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.longSession, DurationSeconds: 43201 }),
      'ValidationError',
      400,
      v(43201, 'less than or equal to 43200'),
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, DurationSeconds: 7200 }),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    const long = await assume(alice, { RoleArn: SEED_ROLES.longSession, DurationSeconds: 43200 });
    assert.equal(long.Credentials?.Expiration?.getTime(), Math.floor(emu.now() / 1000) * 1000 + 43200_000);
    const short = await assume(alice, { RoleArn: SEED_ROLES.readonly, DurationSeconds: 900 });
    assert.equal(short.Credentials?.Expiration?.getTime(), Math.floor(emu.now() / 1000) * 1000 + 900_000);
  });

  it('role chaining: trust on a role ARN matches its sessions; second hop cross-account; 1-hour limit', async () => {
    const hop1 = credsOf((await assume(alice, { RoleArn: SEED_ROLES.readonly })).Credentials);
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.deployer }),
      'AccessDenied',
      403,
      denied(ALICE, SEED_ROLES.deployer),
    );
    const readonlySession = 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar';
    await expectStsError(
      assume(hop1, { RoleArn: SEED_ROLES.auditor }),
      'AccessDenied',
      403,
      denied(readonlySession, SEED_ROLES.auditor),
    );
    await expectStsError(
      assume(hop1, { RoleArn: SEED_ROLES.deployer, DurationSeconds: 3601 }),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    const hop2 = credsOf(
      (await assume(hop1, { RoleArn: SEED_ROLES.deployer, DurationSeconds: 3600 })).Credentials,
    );
    const hop3 = await assume(hop2, { RoleArn: SEED_ROLES.auditor, RoleSessionName: 'audit' });
    const id = await sdk(emu, credsOf(hop3.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, 'arn:aws:sts::333333333333:assumed-role/auditor/audit');
    assert.equal(emu.sessions.get(credsOf(hop3.Credentials).accessKeyId)?.chained, true);
  });

  it('session policies limit what a session may chain into', async () => {
    const s3Only = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    });
    const hop1 = credsOf((await assume(alice, { RoleArn: SEED_ROLES.readonly })).Credentials);
    const limited = await assume(hop1, { RoleArn: SEED_ROLES.deployer, Policy: s3Only });
    assert.ok((limited.PackedPolicySize ?? 0) > 0);
    const deployer = 'arn:aws:sts::222222222222:assumed-role/deployer/rolebar';
    await expectStsError(
      assume(credsOf(limited.Credentials), { RoleArn: SEED_ROLES.auditor }),
      'AccessDenied',
      403,
      denied(deployer, SEED_ROLES.auditor),
    );
  });

  it('Policy / PolicyArns: size, JSON and count are validated', async () => {
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, Policy: '{not json' }),
      'MalformedPolicyDocument',
      400,
    );
    const big = JSON.stringify({
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(2100) }],
    });
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, Policy: big }),
      'ValidationError',
      400,
      /at 'policy' .*less than or equal to 2048$/,
    );
    const arns = Array.from({ length: 11 }, (_, i) => ({ arn: `arn:aws:iam::aws:policy/Managed${i}` }));
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, PolicyArns: arns }),
      'ValidationError',
      400,
      /at 'policyArns'/,
    );
    const ok = await assume(alice, {
      RoleArn: SEED_ROLES.readonly,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
    assert.ok((ok.PackedPolicySize ?? 0) > 0);
  });

  it('RoleSessionName, SerialNumber and TokenCode shapes are validated (all problems reported at once)', async () => {
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, RoleSessionName: 'a' }),
      'ValidationError',
      400,
      /at 'roleSessionName' .*greater than or equal to 2$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, RoleSessionName: 'x'.repeat(65) }),
      'ValidationError',
      400,
      /less than or equal to 64$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, RoleSessionName: 'no spaces' }),
      'ValidationError',
      400,
      /pattern: \[\\w\+=,\.@-\]\*$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin, SerialNumber: 'arn:mfa', TokenCode: '12345' }),
      'ValidationError',
      400,
      /^2 validation errors detected: .*'serialNumber'.*greater than or equal to 9; .*'tokenCode'.*greater than or equal to 6$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.admin, SerialNumber: SEED_MFA.alice.serial, TokenCode: '12a456' }),
      'ValidationError',
      400,
      /tokenCode.*\[\\d\]\*/,
    );
  });

  it('tags: TransitiveTagKeys and SourceIdentity are returned/propagated; limits and duplicates refused', async () => {
    const r = await assume(alice, {
      RoleArn: SEED_ROLES.readonly,
      Tags: [
        { Key: 'team', Value: 'platform' },
        { Key: 'cost-center', Value: '42' },
      ],
      TransitiveTagKeys: ['team'],
      SourceIdentity: 'alice@example.com',
    });
    assert.ok((r.PackedPolicySize ?? 0) > 0);
    assert.equal(r.SourceIdentity, 'alice@example.com');
    const hop2 = await assume(credsOf(r.Credentials), { RoleArn: SEED_ROLES.deployer });
    const session = emu.sessions.get(credsOf(hop2.Credentials).accessKeyId);
    assert.deepEqual([...(session?.tags ?? [])], [['team', 'platform']]);
    assert.equal(session?.sourceIdentity, 'alice@example.com');
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, Tags: many }),
      'ValidationError',
      400,
      /at 'tags' .*less than or equal to 50$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }),
      'ValidationError',
      400,
      /less than or equal to 128$/,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }),
      'ValidationError',
      400,
      /less than or equal to 256$/,
    );
    await expectStsError(
      assume(alice, {
        RoleArn: SEED_ROLES.readonly,
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'team', Value: 'b' },
        ],
      }),
      'ValidationError',
      400,
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    await expectStsError(
      assume(alice, {
        RoleArn: SEED_ROLES.readonly,
        Tags: [{ Key: 'a', Value: 'b' }],
        TransitiveTagKeys: ['c'],
      }),
      'ValidationError',
      400,
    );
    await expectStsError(
      assume(alice, { RoleArn: SEED_ROLES.readonly, SourceIdentity: 'x' }),
      'ValidationError',
      400,
      /sourceIdentity/,
    );
  });
});

describe('AssumeRole session tagging permissions (custom world)', () => {
  let emu: StsEmulator;
  const strict = 'arn:aws:iam::222222222222:role/strict';
  before(async () => {
    const world = seedWorld();
    world.accounts[1]?.roles?.push({
      name: 'strict',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
    ({ emu } = await startManual(world));
  });
  after(() => emu.close());

  it('needs sts:TagSession for tags and sts:SetSourceIdentity for a source identity', async () => {
    const call = (input: Partial<AssumeRoleCommandInput>) =>
      sdk(emu, alice).send(new AssumeRoleCommand({ RoleArn: strict, RoleSessionName: 'x1', ...input }));
    await call({});
    await expectStsError(
      call({ Tags: [{ Key: 'a', Value: 'b' }] }),
      'AccessDenied',
      403,
      denied(ALICE, strict, 'sts:TagSession'),
    );
    await expectStsError(
      call({ SourceIdentity: 'alice' }),
      'AccessDenied',
      403,
      denied(ALICE, strict, 'sts:SetSourceIdentity'),
    );
  });
});
