import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { applyImport, planImport } from '../../../../electron/core/features/import/import.js';
import { SEED_KEYS, SEED_ROLES } from '../../../../electron/emulator/index.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';

// A ~/.aws pair as users really have it: comments after values, quoted names (and a name giving the same
// Rolebar profile), keys in the config file,
// a profile sourced from itself (and one whose role is refused), dangling and contradictory sources, SSO and web identity profiles.
const CREDENTIALS = [
  '[default]',
  `aws_access_key_id = ${SEED_KEYS.alice.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[old]',
  `aws_access_key_id = ${SEED_KEYS.bob.accessKeyId} ; old key`,
  `aws_secret_access_key = ${SEED_KEYS.bob.secretAccessKey}`,
  '',
  '[Mixed Case Keys]',
  `AWS_Access_Key_Id = ${SEED_KEYS.carol.accessKeyId}`,
  `Aws_Secret_Access_Key = ${SEED_KEYS.carol.secretAccessKey}`,
  '',
  `[${'long'.repeat(17)}]`,
  `aws_access_key_id = ${SEED_KEYS.bob.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.bob.secretAccessKey}`,
  '',
  '[selfie]',
  `aws_access_key_id = ${SEED_KEYS.alice.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[self-both]',
  `aws_access_key_id = ${SEED_KEYS.carol.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.carol.secretAccessKey}`,
  '',
].join('\n');

const CONFIG = [
  '[default]',
  'region = eu-west-1',
  '',
  '[profile "quoted name"]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  '',
  '[profile quoted-name]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  '',
  '[profile in-config]',
  `aws_access_key_id = ${SEED_KEYS.devRoot.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.devRoot.secretAccessKey}`,
  '',
  '[profile selfie]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = selfie',
  '',
  '[profile self-both]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = self-both',
  'credential_source = Environment',
  '',
  '[profile slow]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  'duration_seconds = 2h',
  '',
  '[profile westy]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  'region = us-west-1 # comment',
  '',
  '[profile dangling]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = doesnotexist',
  '',
  '[profile both]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  'credential_source = Environment',
  '',
  '[profile on-slow]',
  `role_arn = ${SEED_ROLES.deployer}`,
  'source_profile = slow',
  '',
  '[profile webby]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'web_identity_token_file = /var/run/token',
  '',
  '[profile corp]',
  'sso_session = corp',
  'sso_account_id = 111111111111',
  'sso_role_name = Dev',
  '',
  `[profile ${'r'.repeat(130)}]`,
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  '',
  '[profile good]',
  `role_arn = ${SEED_ROLES.readonly}`,
  'source_profile = default',
  '',
].join('\n');

describe('import of a messy ~/.aws pair', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('import-messy');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  after(() => f.close());

  const where = () => location({ env: f.sandbox.env, homedir: f.sandbox.dir });

  it('previews every profile once, with what will happen and why', async () => {
    const plan = await planImport(f.core, where());
    const byProfile = new Map<string, string[]>();
    for (const i of plan.items)
      byProfile.set(i.profile, [...(byProfile.get(i.profile) ?? []), `${i.action}: ${i.detail}`]);
    const said = (name: string) => (byProfile.get(name) ?? []).join(' | ');
    assert.match(said('default'), /^add-identity/);
    assert.match(said('Mixed Case Keys'), /^add-identity/);
    assert.match(said('in-config'), /^add-identity/, 'keys in the config file are read');
    assert.match(
      said('quoted name'),
      /^add-role: .*profile "quoted-name-rolebar"/,
      'the quoted header names "quoted name"',
    );
    assert.match(
      said('quoted-name'),
      /^skip: its Rolebar profile "quoted-name-rolebar" would be the same as quoted name's/,
      'two names that give one profile: the first keeps it, the other is named, and the import goes on',
    );
    assert.match(
      said('selfie'),
      /add-identity.*\| add-role.*its own keys \(source_profile is itself: one hop\)/,
    );
    assert.match(
      said('self-both'),
      /^skip: has both source_profile and credential_source[^|]*$/,
      'a self-sourced profile whose role is skipped keeps its keys out too: half of one hop is not what the user had',
    );
    assert.match(
      said('old'),
      /^skip: aws_access_key_id \(in the credentials file\) has text after the value/,
    );
    assert.match(said('westy'), /^skip: region \(in the config file\) has text after the value/);
    assert.match(said('slow'), /^skip: duration_seconds = 2h is not whole seconds/);
    assert.match(said('on-slow'), /^skip: its source profile slow is skipped/);
    assert.match(said('dangling'), /^skip: source_profile doesnotexist is not a profile/);
    assert.match(said('both'), /^skip: has both source_profile and credential_source/);
    assert.match(said('webby'), /^skip: a web identity profile .*stays as it is/);
    assert.match(said('corp'), /^skip: an IAM Identity Center \(SSO\) profile.*stays as it is/);
    assert.match(said('good'), /^add-role/);
    assert.match(said('r'.repeat(130)), /^skip: its name cannot be a role's label: .*1–128 characters/);
    assert.match(said('long'.repeat(17)), /^skip: its name cannot be an identity's: .*1–64 characters/);
    assert.doesNotMatch(JSON.stringify(plan), /FAKE/i, 'no secret in the preview');
  });

  it('imports every good profile, skips every bad one by name, and assumes a self-sourced role in one hop', async () => {
    const result = await applyImport(f.core, where());
    assert.deepEqual(result.identities.map((i) => i.name).sort(), [
      'Mixed Case Keys',
      'default',
      'in-config',
      'selfie',
    ]);
    assert.deepEqual(result.roles.map((r) => r.label).sort(), ['good', 'quoted name', 'selfie']);
    assert.equal(f.core.roles.find('quoted name')?.profileName, 'quoted-name-rolebar');
    assert.deepEqual(result.skipped.map((s) => s.profile).sort(), [
      'both',
      'corp',
      'dangling',
      'long'.repeat(17),
      'old',
      'on-slow',
      'quoted-name',
      'r'.repeat(130),
      'self-both',
      'slow',
      'webby',
      'westy',
    ]);
    assert.equal(readFileSync(f.sandbox.credentialsFile, 'utf8'), CREDENTIALS, 'the files stay as they were');
    assert.equal(readFileSync(f.sandbox.configFile, 'utf8'), CONFIG);
    const selfie = f.core.roles.find('selfie');
    assert.ok(selfie);
    const chain = f.core.roles.chain(selfie.id);
    assert.deepEqual(
      chain.hops.map((r) => r.label),
      ['selfie'],
      'one hop',
    );
    assert.equal(chain.identity.name, 'selfie');
    const outcome = await f.core.assumeRole(selfie.id);
    assert.match(outcome.session.principalArn, /assumed-role\/readonly\//);
  });
});
