// `rolebar import` end to end: the built CLI reads real ~/.aws files (temp ones), previews, imports, and only
// when asked removes the plaintext keys after a backup.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { awsCliPath } from '../support/prerequisites.js';
import { type CliWorld, explain, startCliWorld } from './helpers.js';

const CREDENTIALS = `[alice]\naws_access_key_id = ${SEED_KEYS.alice.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}\n`;
const CONFIG = `[profile alice]\nregion = eu-west-1\n\n[profile prod-ro]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = alice\n`;

describe('rolebar import', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-import');
    mkdirSync(path.dirname(w.sandbox.credentialsFile), { recursive: true });
    writeFileSync(w.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(w.sandbox.configFile, CONFIG);
  });
  after(() => w.close());

  it('--dry-run previews without changing anything, and never shows a secret', async () => {
    const { credentials, config } = w.files();
    const run = await w.rolebar(['import', '--dry-run']);
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stdout, /alice/);
    assert.match(run.stdout, /prod-ro/);
    // Why `--profile prod-ro` is not Rolebar's, and how to make it so.
    assert.match(
      run.stdout,
      /--profile prod-ro keeps assuming the role through the AWS tool itself .*rolebar setup-profile prod-ro --profile prod-ro --force/,
    );
    assert.ok(
      !run.stdout.includes(SEED_KEYS.alice.secretAccessKey) &&
        !run.stderr.includes(SEED_KEYS.alice.secretAccessKey),
    );
    assert.deepEqual(
      { credentials: w.files().credentials, config: w.files().config },
      { credentials, config },
    );
  });

  it('imports keys into the keychain and the role profile as a role that then switches', async () => {
    const run = await w.rolebar(['import']);
    assert.equal(run.code, 0, explain(run));
    assert.equal(readFileSync(w.sandbox.credentialsFile, 'utf8'), CREDENTIALS, 'the files stay as they were');
    const assume = await w.rolebar(['assume', 'prod-ro']);
    assert.equal(assume.code, 0, explain(assume));
    assert.match(assume.stdout + assume.stderr, /assumed-role\/readonly\//);
    // The command the preview names for keeping the user's own name: [profile prod-ro] then serves Rolebar's session.
    const keep = await w.rolebar(['setup-profile', 'prod-ro', '--profile', 'prod-ro', '--force']);
    assert.equal(keep.code, 0, explain(keep));
    const section = /\[profile prod-ro\]\n([^[]*)/.exec(w.files().config ?? '')?.[1] ?? '';
    assert.match(section, /^credential_process = .* credential-process prod-ro$/m);
    assert.doesNotMatch(section, /role_arn/, 'the AWS CLI would assume the role itself while role_arn stays');
    const aws = await w.run(awsCliPath(), [
      'sts',
      'get-caller-identity',
      '--profile',
      'prod-ro',
      '--endpoint-url',
      w.emu.endpoint,
      '--output',
      'json',
    ]);
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Arn, /assumed-role\/readonly\//);
  });

  it('--remove-plaintext-keys later takes the already imported keys out of the file after a backup', async () => {
    const run = await w.rolebar(['import', '--remove-plaintext-keys']);
    assert.equal(run.code, 0, explain(run));
    const after = readFileSync(w.sandbox.credentialsFile, 'utf8');
    assert.ok(!after.includes(SEED_KEYS.alice.accessKeyId), 'the plaintext key is gone');
    const backups = readdirSync(path.dirname(w.sandbox.credentialsFile)).filter((f) =>
      f.includes('rolebar-backup'),
    );
    assert.ok(backups.length >= 1, 'a backup was kept');
  });
});
