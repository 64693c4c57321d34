// Keychain-backed profiles for any AWS tool: `setup-profile --identity` writes a credential_process line that
// serves the identity's long-term key from the keychain (what plaintext keys did); with --session, a short session
// (GetSessionToken, with MFA when it has a device), cached in the keychain, never in settings; an identity with a
// device fails fast without a code.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { awsCliPath } from '../support/prerequisites.js';
import { addAlice, type CliWorld, explain, startCliWorld } from './helpers.js';

const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';

describe('credential-process --identity and setup-profile --identity', () => {
  let w: CliWorld | undefined;
  let proxy: AwsProxy | undefined;
  const world = () => {
    assert.ok(w, 'the world started');
    return w;
  };
  before(async () => {
    const started = await startCliWorld('cli-identity-process');
    w = started;
    proxy = await startAwsProxy({ target: started.emu.endpoint });
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('setup-profile --identity: the AWS CLI signs with the identity’s key; with --session, a short session IAM refuses', async () => {
    const w = world();
    assert.equal((await addAlice(w)).code, 0);
    const setup = await w.rolebar(['setup-profile', '--identity', 'alice', '--profile', 'alice-kc']);
    assert.equal(setup.code, 0, explain(setup));
    const session = await w.rolebar([
      'setup-profile',
      '--identity',
      'alice',
      '--session',
      '--profile',
      'alice-session',
    ]);
    assert.equal(session.code, 0, explain(session));
    const config = w.files().config ?? '';
    const line = (profile: string, tail: string) =>
      new RegExp(
        `\\[profile ${profile}\\]\\ncredential_process = \\/\\S+node\\S* \\/\\S+\\/credential-process\\.mjs credential-process --identity alice${tail}\\n`,
      );
    assert.match(config, line('alice-kc', ''));
    assert.match(config, line('alice-session', ' --session'));
    const aws = (profile: string, ...command: string[]) =>
      w.run(
        awsCliPath(),
        [...command, '--profile', profile, '--endpoint-url', w.emu.endpoint, '--output', 'json'],
        { env: { AWS_DEFAULT_REGION: 'us-east-1' } },
      );
    w.emu.clearRequests();
    const withKey = await aws('alice-kc', 'iam', 'get-user');
    assert.equal(withKey.code, 0, explain(withKey));
    assert.equal(JSON.parse(withKey.stdout).User.Arn, ALICE_ARN);
    const who = await aws('alice-session', 'sts', 'get-caller-identity');
    assert.equal(who.code, 0, explain(who));
    assert.equal(JSON.parse(who.stdout).Arn, ALICE_ARN);
    const refused = await aws('alice-session', 'iam', 'get-user');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /InvalidClientTokenId/, 'a session without MFA cannot call IAM, as on AWS');
    const keys = w.emu.requests().map((r) => [r.action, r.accessKeyId?.slice(0, 4)]);
    assert.deepEqual(keys, [
      ['GetUser', 'AKIA'],
      ['GetSessionToken', 'AKIA'],
      ['GetCallerIdentity', 'ASIA'],
      ['GetUser', 'ASIA'],
    ]);
    const settings = w.files().settings ?? '';
    assert.ok(!settings.includes(SEED_KEYS.alice.secretAccessKey));
    assert.doesNotMatch(
      settings,
      /ASIA|SessionToken|sessionToken/,
      'the identity session lives in the keychain',
    );
  });

  it('with an MFA device: fails fast without a code, then serves an MFA session that can assume an MFA role', async () => {
    const w = world();
    const added = await w.rolebar(
      [
        'identity',
        'add',
        'alice-mfa',
        '--access-key-id',
        SEED_KEYS.alice.accessKeyId,
        '--mfa-serial',
        SEED_MFA.alice.serial,
      ],
      { input: `${SEED_KEYS.alice.secretAccessKey}\n` },
    );
    assert.equal(added.code, 0, explain(added));
    const key = await w.rolebar(['credential-process', '--identity', 'alice-mfa']);
    assert.equal(key.code, 0, explain(key));
    assert.equal(JSON.parse(key.stdout).AccessKeyId, SEED_KEYS.alice.accessKeyId, 'its key: no MFA asked');
    const noCode = await w.rolebar(['credential-process', '--identity', 'alice-mfa', '--session']);
    assert.equal(noCode.code, 1);
    assert.equal(noCode.stdout, '');
    assert.match(noCode.stderr, /has an MFA device .*--session --mfa-code CODE/);

    const started = await w.rolebar([
      'credential-process',
      '--identity',
      'alice-mfa',
      '--session',
      '--mfa-code',
      w.emu.totp(SEED_MFA.alice.serial),
    ]);
    assert.equal(started.code, 0, explain(started));
    const sessionKey = String(JSON.parse(started.stdout).AccessKeyId);
    assert.match(sessionKey, /^ASIA/);
    const again = await w.rolebar(['credential-process', '--identity', 'alice-mfa', '--session']);
    assert.equal(again.code, 0, explain(again));
    assert.equal(JSON.parse(again.stdout).AccessKeyId, sessionKey, 'served from the cache, no code asked');

    // The AWS CLI's own chain: the MFA session from credential_process, then AssumeRole of the admin role,
    // whose trust policy wants aws:MultiFactorAuthPresent.
    assert.equal(
      (await w.rolebar(['setup-profile', '--identity', 'alice-mfa', '--session', '--profile', 'mfa-kc']))
        .code,
      0,
    );
    appendFileSync(
      w.sandbox.configFile,
      `\n[profile adm]\nrole_arn = ${SEED_ROLES.admin}\nsource_profile = mfa-kc\n`,
    );
    const aws = await w.run(
      awsCliPath(),
      ['sts', 'get-caller-identity', '--profile', 'adm', '--output', 'json'],
      {
        env: { ...proxy?.env, AWS_DEFAULT_REGION: 'us-east-1' },
      },
    );
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Arn, /^arn:aws:sts::222222222222:assumed-role\/admin\//);
  });
});
