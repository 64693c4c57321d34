import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import {
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  type StsEmulator,
  seedWorld,
  startStsEmulator,
} from '../../electron/emulator/index.js';
import { alice, type Creds, credsOf, expectStsError, sdk, signedPost, startManual } from './helpers.js';

const whoami = (emu: StsEmulator, c: Creds, maxAttempts = 1) =>
  sdk(emu, c, { maxAttempts }).send(new GetCallerIdentityCommand({}));

describe('fault injection and the request log', () => {
  let emu: StsEmulator;
  before(async () => {
    ({ emu } = await startManual());
  });
  after(() => emu.close());

  it('throttles the next N requests with 400 Throttling "Rate exceeded", optionally for one Action only', async () => {
    emu.faults.throttle(2);
    await expectStsError(whoami(emu, alice), 'Throttling', 400, 'Rate exceeded');
    await expectStsError(whoami(emu, alice), 'Throttling', 400, 'Rate exceeded');
    await whoami(emu, alice);
    emu.faults.throttle(1, { action: 'AssumeRole' });
    await whoami(emu, alice);
    const assume = () =>
      sdk(emu, alice).send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'thr' }));
    await expectStsError(assume(), 'Throttling', 400);
    await assume();
    assert.equal(emu.faults.pending, 0);
  });

  it('answers 500 InternalFailure for the next N requests; the SDK retries through them', async () => {
    emu.faults.internalError(1);
    await expectStsError(whoami(emu, alice), 'InternalFailure', 500);
    emu.faults.internalError(2, { action: 'GetCallerIdentity' });
    const id = await whoami(emu, alice, 3);
    assert.equal(id.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.equal(id.$metadata.attempts, 3);
  });

  it('drops connections without answering', async () => {
    emu.faults.dropConnection(1, { action: 'GetCallerIdentity' });
    await assert.rejects(
      whoami(emu, alice),
      (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === undefined,
    );
    assert.equal(emu.requests().at(-1)?.code, 'ConnectionDropped');
    await whoami(emu, alice);
  });

  it('delays answers (slow STS), which client timeouts can observe', async () => {
    emu.faults.delay(400, { count: 1, action: 'GetCallerIdentity' });
    const started = Date.now();
    await whoami(emu, alice);
    assert.ok(Date.now() - started >= 390, 'the answer came too early');
    emu.faults.delay(5_000, { count: 1 });
    const started2 = Date.now();
    await assert.rejects(
      sdk(emu, alice).send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(200) }),
      (e: Error) => /abort|timeout/i.test(`${e.name} ${e.message}`),
    );
    assert.ok(Date.now() - started2 < 4_000, 'the client should have given up long before the answer');
    emu.faults.clear();
  });

  it('records action, principal and result for every request, and lets tests count them', async () => {
    emu.clearRequests();
    await sdk(emu, alice).send(new GetSessionTokenCommand({}));
    await sdk(emu, alice).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    await expectStsError(
      sdk(emu, alice).send(new GetSessionTokenCommand({ DurationSeconds: 1 })),
      'ValidationError',
      400,
    );
    assert.equal(emu.countRequests('GetSessionToken'), 3);
    assert.equal(emu.countRequests('GetSessionToken', 'OK'), 2);
    const last = emu.requests().at(-1);
    assert.deepEqual(
      [last?.action, last?.principalArn, last?.status, last?.code, last?.accessKeyId, last?.region],
      [
        'GetSessionToken',
        'arn:aws:iam::111111111111:user/alice',
        400,
        'ValidationError',
        SEED_KEYS.alice.accessKeyId,
        'us-east-1',
      ],
    );
  });
});

describe('clock skew', () => {
  let emu: StsEmulator;
  before(async () => {
    emu = await startStsEmulator({ world: seedWorld() }); // real clock: the SDK signs with real time
  });
  after(() => emu.close());

  it('refuses requests once the server clock is skewed > 15 min; the SDK corrects itself from the Date header', async () => {
    emu.setClockOffset(20 * 60_000);
    assert.equal(emu.clockOffset(), 20 * 60_000);
    await expectStsError(
      sdk(emu, alice, { skewMs: 0 }).send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than/,
    );
    const retrying = sdk(emu, alice, { skewMs: 0, maxAttempts: 2 });
    const id = await retrying.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.ok(Math.abs((retrying.config.systemClockOffset ?? 0) - 20 * 60_000) < 5_000);
    emu.setClockOffset(-20 * 60_000);
    await expectStsError(
      sdk(emu, alice, { skewMs: 0 }).send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403,
      /^Signature not yet current: /,
    );
    emu.setClockOffset(0);
  });
});

describe('secrets never leak', () => {
  it('no secret key, session token or TOTP seed appears in logs, console output or error answers', async () => {
    const { emu, clock } = await startManual();
    const printed: string[] = [];
    const methods = ['log', 'error', 'warn', 'info', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    for (const m of methods)
      console[m] = (...args: unknown[]) => void printed.push(args.map(String).join(' '));
    const bodies: string[] = [];
    try {
      const role = credsOf(
        (
          await sdk(emu, alice).send(
            new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'leak' }),
          )
        ).Credentials,
      );
      await whoami(emu, role);
      await expectStsError(
        whoami(emu, { ...role, secretAccessKey: alice.secretAccessKey }),
        'SignatureDoesNotMatch',
        403,
      );
      await expectStsError(whoami(emu, { ...role, sessionToken: 'bogus' }), 'InvalidClientTokenId', 403);
      bodies.push(
        (
          await signedPost(
            emu,
            role,
            { Action: 'GetCallerIdentity' },
            { tamper: (r) => void (r.body += '&x=1') },
          )
        ).body,
      );
      bodies.push(
        (
          await signedPost(emu, alice, {
            Action: 'AssumeRole',
            RoleArn: SEED_ROLES.admin,
            RoleSessionName: 'x1',
            SerialNumber: SEED_MFA.alice.serial,
            TokenCode: '000000',
          })
        ).body,
      );
      clock.advance(7200_000);
      await expectStsError(whoami(emu, role), 'ExpiredToken', 403);
      emu.faults.internalError(1);
      await expectStsError(whoami(emu, alice), 'InternalFailure', 500);
    } finally {
      methods.forEach((m, i) => {
        console[m] = originals[i] ?? console[m];
      });
      await emu.close();
    }
    const secrets = [
      ...emu.sessions.all().flatMap((s) => [s.secretAccessKey, s.sessionToken]),
      ...Object.values(SEED_KEYS).map((k) => k.secretAccessKey),
      SEED_MFA.alice.secretBase32,
    ];
    const haystack = [JSON.stringify(emu.requests()), ...printed, ...bodies].join('\n');
    assert.equal(printed.length, 0, 'the emulator printed something');
    for (const secret of secrets) assert.ok(!haystack.includes(secret), 'a secret leaked');
  });
});
