import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { type ManualClock, SEED_MFA, SEED_ROLES, type StsEmulator } from '../../electron/emulator/index.js';
import {
  AwsCliSandbox,
  alice,
  type CliResult,
  type Creds,
  credsOf,
  requireAwsCli,
  sdk,
  startManual,
} from './helpers.js';

/** Credentials from `aws sts assume-role` JSON output. */
function cliCreds(result: CliResult): Creds {
  const c = result.json?.Credentials as
    { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined;
  assert.ok(
    c?.AccessKeyId && c.SecretAccessKey && c.SessionToken,
    `no credentials in CLI output (${result.stderr})`,
  );
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

function assertCliError(result: CliResult, code: string, operation: string, message?: string): void {
  assert.equal(
    result.exitCode,
    254,
    `expected a service error, got exit ${result.exitCode}: ${result.stderr}`,
  );
  const prefix = `An error occurred (${code}) when calling the ${operation} operation: `;
  assert.ok(result.stderr.startsWith(prefix), `unexpected CLI error: ${result.stderr}`);
  if (message !== undefined) assert.equal(result.stderr, `${prefix}${message}`);
}

describe('the official AWS CLI v2 (/usr/bin/aws) against the emulator', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  let cli: AwsCliSandbox;
  before(async () => {
    requireAwsCli();
    ({ emu, clock } = await startManual());
    cli = new AwsCliSandbox(emu);
  });
  after(async () => {
    cli?.dispose();
    await emu?.close();
  });

  it('get-caller-identity with a profile from a temp credentials file', async () => {
    const r = await cli.run(['sts', 'get-caller-identity'], { profile: 'alice' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.equal(r.json?.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.equal(r.json?.Account, '111111111111');
  });

  it('assume-role accepted, then a chained hop with the returned session credentials', async () => {
    const hop1 = await cli.run(
      [
        'sts',
        'assume-role',
        '--role-arn',
        SEED_ROLES.readonly,
        '--role-session-name',
        'cli',
        '--tags',
        'Key=team,Value=platform',
      ],
      { profile: 'alice' },
    );
    assert.equal(hop1.exitCode, 0, hop1.stderr);
    assert.deepEqual(
      hop1.json?.AssumedRoleUser && (hop1.json.AssumedRoleUser as { Arn: string }).Arn,
      'arn:aws:sts::222222222222:assumed-role/readonly/cli',
    );
    assert.equal(typeof hop1.json?.PackedPolicySize, 'number');
    const hop2 = await cli.run(
      ['sts', 'assume-role', '--role-arn', SEED_ROLES.deployer, '--role-session-name', 'cli-hop'],
      cliCreds(hop1),
    );
    assert.equal(hop2.exitCode, 0, hop2.stderr);
    const who = await cli.run(['sts', 'get-caller-identity'], cliCreds(hop2));
    assert.equal(who.json?.Arn, 'arn:aws:sts::222222222222:assumed-role/deployer/cli-hop');
  });

  it('assume-role refused by policy, with AWS’s message', async () => {
    const r = await cli.run(
      ['sts', 'assume-role', '--role-arn', SEED_ROLES.billing, '--role-session-name', 'cli'],
      { profile: 'alice' },
    );
    assertCliError(
      r,
      'AccessDenied',
      'AssumeRole',
      `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: ${SEED_ROLES.billing}`,
    );
  });

  it('a wrong secret key fails SigV4 verification', async () => {
    const r = await cli.run(['sts', 'get-caller-identity'], {
      ...alice,
      secretAccessKey: `${alice.secretAccessKey.slice(0, -1)}X`,
    });
    assertCliError(r, 'SignatureDoesNotMatch', 'GetCallerIdentity');
  });

  it('MFA: --serial-number/--token-code accepted once, the replay refused', async () => {
    clock.advance(30_000);
    const args = ['sts', 'assume-role', '--role-arn', SEED_ROLES.admin, '--role-session-name', 'cli-admin'];
    const mfa = ['--serial-number', SEED_MFA.alice.serial, '--token-code', emu.totp(SEED_MFA.alice.serial)];
    const ok = await cli.run([...args, ...mfa], { profile: 'alice' });
    assert.equal(ok.exitCode, 0, ok.stderr);
    const replay = await cli.run([...args, ...mfa], { profile: 'alice' });
    assertCliError(
      replay,
      'AccessDenied',
      'AssumeRole',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
    );
  });

  it('expired session credentials are refused with ExpiredToken', async () => {
    const realNow = Date.now();
    clock.set(realNow - 20 * 60_000); // issue a 15-minute session 20 minutes in the past...
    const r = await sdk(emu, alice).send(
      new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'old', DurationSeconds: 900 }),
    );
    clock.set(realNow); // ...so it is expired now, while the CLI's signature time is current
    const who = await cli.run(['sts', 'get-caller-identity'], credsOf(r.Credentials));
    assertCliError(
      who,
      'ExpiredToken',
      'GetCallerIdentity',
      'The security token included in the request is expired',
    );
  });
});
