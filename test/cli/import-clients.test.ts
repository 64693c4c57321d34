// After `import --remove-plaintext-keys`, the user's own profiles keep working in the real AWS clients: [default]
// now serves alice from the keychain through `rolebar credential-process --identity`, and a user's role_arn +
// source_profile = default profile still gets the role. The AWS CLI at /usr/bin/aws (2.9) and Debian's boto3
// (1.29) predate AWS_ENDPOINT_URL_STS: the CLI is checked on [default] itself with --endpoint-url, boto3 has its
// STS clients pointed at the emulator in the script, and SDK v3's fromIni through its clientConfig.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
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
].join('\n');
const CONFIG = `[default]\nregion = us-east-1\n\n[profile user-ro]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = default\n`;
const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';

describe('import --remove-plaintext-keys keeps the user’s profiles working in the AWS clients', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-import-clients');
    mkdirSync(path.dirname(w.sandbox.credentialsFile), { recursive: true });
    writeFileSync(w.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(w.sandbox.configFile, CONFIG);
    const run = await w.rolebar(['import', '--remove-plaintext-keys']);
    assert.equal(run.code, 0, explain(run));
  });
  after(() => w.close());

  it('replaces each key pair with credential_process, in one write with one backup', () => {
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
    assert.equal(backups.length, 1, 'one backup for the run');
  });

  it('credential-process --identity serves a short session, and the same one again from the cache', async () => {
    const first = await w.rolebar(['credential-process', '--identity', 'default']);
    assert.equal(first.code, 0, explain(first));
    const answer: unknown = JSON.parse(first.stdout);
    assert.ok(typeof answer === 'object' && answer !== null);
    assert.match(String(Reflect.get(answer, 'AccessKeyId')), /^ASIA/, 'a session, never the long-term key');
    assert.ok(Reflect.get(answer, 'SessionToken'));
    const again = await w.rolebar(['credential-process', '--identity', 'default']);
    assert.equal(JSON.parse(again.stdout).AccessKeyId, Reflect.get(answer, 'AccessKeyId'), 'cached');
    assert.ok(!first.stdout.includes(SEED_KEYS.alice.secretAccessKey));
  });

  it('the AWS CLI v2 signs with [default] through credential_process', async () => {
    const aws = await w.run(awsCliPath(), [
      'sts',
      'get-caller-identity',
      '--endpoint-url',
      w.emu.endpoint,
      '--output',
      'json',
    ]);
    assert.equal(aws.code, 0, explain(aws));
    assert.equal(JSON.parse(aws.stdout).Arn, ALICE_ARN);
  });

  it('boto3 gets the role of a role_arn + source_profile = default profile', async () => {
    const script = [
      'import os, boto3, botocore.session',
      "s = botocore.session.Session(profile='user-ro')",
      'create = s.create_client',
      // botocore 1.29 has no AWS_ENDPOINT_URL_STS: its own STS clients are pointed at the emulator here.
      "s.create_client = lambda name, *a, **k: create(name, *a, **dict(k, endpoint_url=os.environ['EMU'])) if name == 'sts' else create(name, *a, **k)",
      "print(boto3.Session(botocore_session=s).client('sts', endpoint_url=os.environ['EMU']).get_caller_identity()['Arn'])",
    ].join('\n');
    const py = await w.run('/usr/bin/python3', ['-c', script], {
      env: { EMU: w.emu.endpoint, AWS_DEFAULT_REGION: 'us-east-1' },
    });
    assert.equal(py.code, 0, explain(py));
    assert.match(py.stdout, /^arn:aws:sts::222222222222:assumed-role\/readonly\//);
  });

  it('the AWS SDK v3 gets the role of a role_arn + source_profile = default profile', async () => {
    const credentials = fromIni({
      profile: 'user-ro',
      filepath: w.sandbox.credentialsFile,
      configFilepath: w.sandbox.configFile,
      clientConfig: { endpoint: w.emu.endpoint, region: 'us-east-1' },
    });
    // credential_process runs with this process's environment: the sandbox's, as for the clients above.
    const saved = { ...process.env };
    Object.assign(process.env, w.env);
    try {
      const sts = new STSClient({ endpoint: w.emu.endpoint, region: 'us-east-1', credentials });
      const me = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      assert.match(me.Arn ?? '', /^arn:aws:sts::222222222222:assumed-role\/readonly\//);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
