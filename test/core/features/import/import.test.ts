import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { applyImport, planImport } from '../../../../electron/core/features/import/import.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../../../electron/emulator/index.js';

const CREDENTIALS = [
  '# keys I should not keep in plaintext',
  '[alice]',
  `aws_access_key_id = ${SEED_KEYS.alice.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[temp]',
  'aws_access_key_id = ASIATEMPORARYFAKE000',
  'aws_secret_access_key = temp/FAKE/secret/EXAMPLE',
  'aws_session_token = FAKE-token',
  '',
].join('\n');

const CONFIG = [
  '[profile alice]',
  'region = eu-west-1',
  '',
  '[profile prod-ro]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = alice',
  'role_session_name = alice-import',
  '',
  '[profile deployer]',
  `role_arn = ${SEED_ROLES.deployer}`,
  'source_profile = prod-ro',
  'duration_seconds = 3600',
  '',
  '[profile ci]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'credential_source = Environment',
  '',
  '[profile admin]',
  `role_arn = ${SEED_ROLES.admin}`,
  'source_profile = alice',
  'mfa_serial = arn:aws:iam::111111111111:mfa/alice',
  '',
  // A name that is no profile name Rolebar can write: its sessions go to one made from it (ops-rolebar).
  '[profile ops!]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = alice',
  '',
  // Nothing of it can go into a profile name: skipped in the preview, never half-imported.
  '[profile 🚀]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = alice',
  '',
  '[profile corp-sso]',
  'sso_start_url = https://example.awsapps.com/start',
  'sso_role_name = Dev',
  '',
].join('\n');

describe('import from ~/.aws', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('import');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  after(() => f.close());

  it('previews what would change, without changing anything', async () => {
    const plan = await planImport(f.core, location({ env: f.sandbox.env, homedir: f.sandbox.dir }));
    const summary = plan.items.map((i) => `${i.action} ${i.profile}`).sort();
    assert.deepEqual(summary, [
      'add-identity alice',
      'add-role admin',
      'add-role ci',
      'add-role deployer',
      'add-role ops!',
      'add-role prod-ro',
      'skip corp-sso',
      'skip temp',
      'skip 🚀',
    ]);
    assert.match(
      plan.items.find((i) => i.profile === '🚀')?.detail ?? '',
      /^its name gives no usable Rolebar profile name/,
    );
    assert.doesNotMatch(JSON.stringify(plan), /alice\/FAKE\/secret/, 'the preview never shows a secret');
    assert.deepEqual(f.core.identities.list(), []);
  });

  it('imports keys into the keychain and role profiles as roles, chains included; the files stay byte for byte', async () => {
    const result = await applyImport(f.core, location({ env: f.sandbox.env, homedir: f.sandbox.dir }));
    assert.equal(readFileSync(f.sandbox.credentialsFile, 'utf8'), CREDENTIALS);
    assert.equal(readFileSync(f.sandbox.configFile, 'utf8'), CONFIG);
    const alice = f.core.identities.find('alice');
    assert.ok(alice && alice.kind === 'iam-user');
    assert.equal(alice.region, 'eu-west-1');
    assert.equal(
      alice.mfaSerial,
      undefined,
      'the admin profile’s mfa_serial is that role’s, not the identity’s',
    );
    assert.equal(await f.core.identities.secretOf(alice.id), SEED_KEYS.alice.secretAccessKey);
    assert.doesNotMatch(
      readFileSync(path.join(f.sandbox.rolebarHome, 'settings.json'), 'utf8'),
      /FAKE\/secret/,
    );
    assert.equal(result.roles.length, 5);
    assert.equal(f.core.roles.find('ops!')?.profileName, 'ops-rolebar');
    const deployer = f.core.roles.find('deployer');
    assert.ok(deployer);
    assert.deepEqual(
      f.core.roles.chain(deployer.id).hops.map((r) => r.label),
      ['prod-ro', 'deployer'],
    );
    const admin = f.core.roles.find('admin');
    assert.ok(admin);
    assert.deepEqual([admin.mfa, admin.mfaSerial], [true, SEED_MFA.alice.serial]);
    assert.equal(f.core.roles.find('ci')?.source.kind, 'identity');

    const outcome = await f.core.assumeRole(deployer.id);
    assert.equal(
      outcome.session.principalArn,
      'arn:aws:sts::222222222222:assumed-role/deployer/rolebar-alice',
    );
    assert.equal(outcome.session.profileName, 'deployer-rolebar');
    const mfa = await f.core.assumeRole(admin.id, { mfaCode: f.emu.totp(SEED_MFA.alice.serial) });
    assert.match(mfa.session.principalArn, /assumed-role\/admin\//, 'the role’s own device signs its MFA');
  });

  it('a credential_source Environment identity signs with the environment’s keys', async () => {
    f.sandbox.env.AWS_ACCESS_KEY_ID = SEED_KEYS.carol.accessKeyId;
    f.sandbox.env.AWS_SECRET_ACCESS_KEY = SEED_KEYS.carol.secretAccessKey;
    const core = f.reopen();
    const ci = core.roles.find('ci');
    assert.ok(ci);
    const outcome = await core.assumeRole(ci.id);
    assert.match(outcome.session.principalArn, /^arn:aws:sts::222222222222:assumed-role\/readonly\//);
  });

  it('only when asked, replaces the imported plaintext keys with credential_process after a backup, leaving everything else', async () => {
    const fresh = await startCoreFixture('import-keys');
    try {
      mkdirSync(path.dirname(fresh.sandbox.credentialsFile), { recursive: true });
      writeFileSync(fresh.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
      const where = location({ env: fresh.sandbox.env, homedir: fresh.sandbox.dir });
      const result = await applyImport(fresh.core, where, {
        removePlaintextKeys: true,
        identityProcess: (name) => `rolebar credential-process --identity ${name}`,
      });
      assert.deepEqual(result.keysRemovedFrom, ['alice']);
      assert.equal(result.backups.length, 1);
      assert.equal(
        readFileSync(result.backups[0] ?? '', 'utf8'),
        CREDENTIALS,
        'the backup is the file as it was',
      );
      const after = readFileSync(fresh.sandbox.credentialsFile, 'utf8');
      assert.doesNotMatch(after, /AKIAALICE|alice\/FAKE/);
      assert.equal(
        after,
        CREDENTIALS.replace(
          /\[alice\]\n(?:aws_[^\n]*\n)+/,
          '[alice]\ncredential_process = rolebar credential-process --identity alice\n',
        ),
        'only the keys of alice went, a credential_process line in their place',
      );
      const imported = fresh.core.identities.find('alice');
      assert.ok(imported);
      assert.equal(
        (await fresh.core.whoAmI({ identityId: imported.id })).arn,
        'arn:aws:iam::111111111111:user/alice',
      );
    } finally {
      await fresh.close();
    }
  });

  it('importing again adds nothing twice', async () => {
    const again = await applyImport(f.core, location({ env: f.sandbox.env, homedir: f.sandbox.dir }));
    assert.equal(again.identities.length, 0);
    assert.equal(again.roles.length, 0);
  });
});
