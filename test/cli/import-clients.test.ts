// After `import --remove-plaintext-keys`, the user's own profiles keep every behaviour they had in the real AWS
// clients: [default] now serves alice's long-term key from the keychain through `rolebar credential-process
// --identity` (no session token, no expiry, no MFA), so IAM calls and GetSessionToken still work as they did with
// the plaintext keys, and a user's role_arn + source_profile = default profile still gets the role. Each client
// goes through its own credential chain. The AWS CLI at /usr/bin/aws (2.9) and Debian's boto3 (1.29) predate
// AWS_ENDPOINT_URL_STS: they reach the emulator's STS through an HTTPS proxy (test/support/aws-proxy.ts) as if it
// were sts.amazonaws.com, and its IAM through their endpoint option; the SDK v3 through its endpoint settings.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { awsCliPath } from '../support/prerequisites.js';
import { type CliWorld, explain, startCliWorld } from './helpers.js';

const CREDENTIALS = [
  '[default]',
  `aws_access_key_id = ${SEED_KEYS.alice.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[Mixed Case Keys]',
  `AWS_Access_Key_Id = ${SEED_KEYS.alice.accessKeyId}`,
  `AWS_Secret_Access_Key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[selfie]',
  `aws_access_key_id = ${SEED_KEYS.carol.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.carol.secretAccessKey}`,
  '',
].join('\n');
const CONFIG = `[default]\nregion = us-east-1\n\n[profile user-ro]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = default\n\n[profile mfa]\nrole_arn = ${SEED_ROLES.admin}\nsource_profile = default\nmfa_serial = ${SEED_MFA.alice.serial}\n\n[profile selfie]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = selfie\n\n[profile in-config]\naws_access_key_id = ${SEED_KEYS.devRoot.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.devRoot.secretAccessKey}\n`;
const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';
const READONLY_SESSION = /^arn:aws:sts::222222222222:assumed-role\/readonly\//;

describe('import --remove-plaintext-keys keeps the user’s profiles working in the AWS clients', () => {
  let w: CliWorld | undefined;
  let proxy: AwsProxy | undefined;
  let imported = '';
  const world = () => {
    assert.ok(w, 'the world started');
    return w;
  };
  /** `aws sts get-caller-identity --profile PROFILE` through the CLI's own chain, STS reached via the proxy. */
  const callerIdentity = (w: CliWorld, profile: string) =>
    w.run(awsCliPath(), ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'], {
      env: { ...proxy?.env, AWS_DEFAULT_REGION: 'us-east-1' },
    });
  before(async () => {
    const started = await startCliWorld('cli-import-clients');
    w = started;
    proxy = await startAwsProxy({ target: started.emu.endpoint });
    mkdirSync(path.dirname(started.sandbox.credentialsFile), { recursive: true });
    writeFileSync(started.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(started.sandbox.configFile, CONFIG);
    const run = await started.rolebar(['import', '--remove-plaintext-keys']);
    assert.equal(run.code, 0, explain(run));
    imported = run.stdout;
  });
  after(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('replaces each key pair with credential_process, in one write with one backup', () => {
    const w = world();
    const after = readFileSync(w.sandbox.credentialsFile, 'utf8');
    assert.ok(!after.includes(SEED_KEYS.alice.secretAccessKey), 'no plaintext secret left');
    assert.match(
      after,
      /\[default\]\ncredential_process = \S+ \S+credential-process\.mjs credential-process --identity default\n/,
    );
    assert.match(
      after,
      /\[Mixed Case Keys\]\ncredential_process = \S+ \S+credential-process\.mjs credential-process --identity 'Mixed Case Keys'\n/,
    );
    const dir = path.dirname(w.sandbox.credentialsFile);
    const backups = readdirSafe(dir).filter((f) => f.includes('rolebar-backup'));
    assert.deepEqual(
      backups.map((f) => f.split('.')[0]).sort(),
      ['config', 'credentials'],
      'one backup per file for the run',
    );
    // Keys kept in the config file go too, replaced there.
    const config = readFileSync(w.sandbox.configFile, 'utf8');
    assert.ok(
      !config.includes(SEED_KEYS.devRoot.secretAccessKey),
      'no plaintext secret left in the config file',
    );
    assert.match(
      config,
      /\[profile in-config\]\ncredential_process = \S+ \S+credential-process\.mjs credential-process --identity in-config\n/,
    );
  });

  it('credential-process --identity serves the long-term key itself: no session token, no expiry, no MFA', async () => {
    const w = world();
    const served = await w.rolebar(['credential-process', '--identity', 'default']);
    assert.equal(served.code, 0, explain(served));
    assert.deepEqual(JSON.parse(served.stdout), {
      Version: 1,
      AccessKeyId: SEED_KEYS.alice.accessKeyId,
      SecretAccessKey: SEED_KEYS.alice.secretAccessKey,
    });
    // The role profile's mfa_serial stays that role's: the identity behind [default] asks for no code.
    const listed = await w.rolebar(['identity', 'list', '--json']);
    const identities = JSON.parse(listed.stdout) as Array<{ name: string; mfaSerial?: string }>;
    assert.equal(identities.find((i) => i.name === 'default')?.mfaSerial, undefined, listed.stdout);
    assert.equal(w.emu.requests().filter((r) => r.action === 'GetSessionToken').length, 0);
  });

  it('the AWS CLI v2, boto3 and the SDK v3 call IAM with [default] as its plaintext keys did', async () => {
    const w = world();
    const iamEnv = { AWS_DEFAULT_REGION: 'us-east-1' };
    const aws = await w.run(
      awsCliPath(),
      ['iam', 'get-user', '--profile', 'default', '--endpoint-url', w.emu.endpoint, '--output', 'json'],
      { env: iamEnv },
    );
    assert.equal(aws.code, 0, explain(aws));
    assert.equal(JSON.parse(aws.stdout).User.Arn, ALICE_ARN);
    const script = `import boto3; print(boto3.Session(profile_name='default').client('iam', endpoint_url=${JSON.stringify(w.emu.endpoint)}).get_user()['User']['Arn'])`;
    const py = await w.run('/usr/bin/python3', ['-c', script], { env: iamEnv });
    assert.equal(py.code, 0, explain(py));
    assert.equal(py.stdout.trim(), ALICE_ARN);
    const sdkScript = [
      `const { fromIni } = await import(${JSON.stringify(import.meta.resolve('@aws-sdk/credential-providers'))});`,
      `const { IAMClient, GetUserCommand } = await import(${JSON.stringify(import.meta.resolve('@aws-sdk/client-iam'))});`,
      `const iam = new IAMClient({ region: 'us-east-1', endpoint: ${JSON.stringify(w.emu.endpoint)}, credentials: fromIni({ profile: 'default' }) });`,
      'const me = await iam.send(new GetUserCommand({}));',
      'process.stdout.write(me.User?.Arn ?? "");',
    ].join('\n');
    const sdk = await w.run(process.execPath, ['--input-type=module', '-e', sdkScript], { env: iamEnv });
    assert.equal(sdk.code, 0, explain(sdk));
    assert.equal(sdk.stdout, ALICE_ARN);
    const getUsers = w.emu.requests().filter((r) => r.action === 'GetUser');
    assert.deepEqual(
      getUsers.map((r) => [r.status, r.accessKeyId]),
      Array(3).fill([200, SEED_KEYS.alice.accessKeyId]),
      'each signed with the long-term key, as the plaintext keys did',
    );
    w.emu.clearRequests();
  });

  it('the AWS CLI v2 still gets a session token with [default], which a served session could not', async () => {
    const w = world();
    const aws = await w.run(
      awsCliPath(),
      ['sts', 'get-session-token', '--profile', 'default', '--output', 'json'],
      { env: { ...proxy?.env, AWS_DEFAULT_REGION: 'us-east-1' } },
    );
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Credentials.AccessKeyId, /^ASIA/);
    w.emu.clearRequests();
  });

  it('the AWS CLI v2 gets the role of a role_arn + source_profile = default profile', async () => {
    const w = world();
    const aws = await callerIdentity(w, 'user-ro');
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Arn, READONLY_SESSION);
    assertWentThroughTheChain(w);
  });

  it('boto3 gets the role of a role_arn + source_profile = default profile', async () => {
    const w = world();
    const script =
      "import boto3; print(boto3.Session(profile_name='user-ro').client('sts').get_caller_identity()['Arn'])";
    const py = await w.run('/usr/bin/python3', ['-c', script], {
      env: { ...proxy?.env, AWS_DEFAULT_REGION: 'us-east-1' },
    });
    assert.equal(py.code, 0, explain(py));
    assert.match(py.stdout, READONLY_SESSION);
    assertWentThroughTheChain(w);
  });

  it('the AWS CLI v2 signs with a profile whose keys were in the config file', async () => {
    const w = world();
    const aws = await callerIdentity(w, 'in-config');
    assert.equal(aws.code, 0, explain(aws));
    assert.equal(JSON.parse(aws.stdout).Account, '111111111111');
    w.emu.clearRequests();
  });

  it('a profile whose role sources its own keys keeps them (the AWS tools allow that only with keys in it)', async () => {
    const w = world();
    assert.match(w.files().credentials ?? '', /\[selfie\]\naws_access_key_id = /);
    assert.match(imported, /kept the plaintext keys of \[selfie\]: its role_arn sources its own keys/);
    const aws = await callerIdentity(w, 'selfie');
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Arn, READONLY_SESSION);
    w.emu.clearRequests();
  });

  it('the AWS SDK v3 default chain gets the role of a role_arn + source_profile = default profile', async () => {
    const w = world();
    // A child Node with the sandbox's environment, as an application would run: the default chain reads
    // AWS_PROFILE, and AWS_ENDPOINT_URL_STS reaches both its AssumeRole client and the caller's STS client.
    const script = [
      `const { fromNodeProviderChain } = await import(${JSON.stringify(import.meta.resolve('@aws-sdk/credential-providers'))});`,
      `const { STSClient, GetCallerIdentityCommand } = await import(${JSON.stringify(import.meta.resolve('@aws-sdk/client-sts'))});`,
      "const sts = new STSClient({ region: 'us-east-1', credentials: fromNodeProviderChain() });",
      'const me = await sts.send(new GetCallerIdentityCommand({}));',
      'process.stdout.write(me.Arn ?? "");',
    ].join('\n');
    const sdk = await w.run(process.execPath, ['--input-type=module', '-e', script], {
      env: { AWS_PROFILE: 'user-ro' },
    });
    assert.equal(sdk.code, 0, explain(sdk));
    assert.match(sdk.stdout, READONLY_SESSION);
    assertWentThroughTheChain(w);
  });
});

/**
 * The emulator saw the chain: AssumeRole of the readonly role signed with alice's long-term key (from the
 * credential_process line, as her plaintext keys signed it). Clears the log for the next client.
 */
function assertWentThroughTheChain(w: CliWorld): void {
  const assumed = w.emu.requests().filter((r) => r.action === 'AssumeRole' && r.status === 200);
  w.emu.clearRequests();
  assert.equal(assumed.length, 1, 'one AssumeRole: the chain, not a shortcut');
  assert.equal(
    assumed[0]?.accessKeyId,
    SEED_KEYS.alice.accessKeyId,
    'signed with the key credential_process served',
  );
  assert.equal(assumed[0]?.principalArn, ALICE_ARN);
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
