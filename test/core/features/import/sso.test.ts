import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { applyImport, planImport } from '../../../../electron/core/features/import/import.js';
import { SEED_ROLES, SEED_SSO, seedWorldWithIdentityCenter } from '../../../../electron/emulator/index.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { allowSignIn } from '../../../support/sso-browser.js';

const CONFIG = [
  '[sso-session acme]',
  `sso_start_url = ${SEED_SSO.startUrl}`,
  `sso_region = ${SEED_SSO.region}`,
  'sso_registration_scopes = sso:account:access',
  '',
  '[profile dev-admin]',
  'sso_session = acme',
  'sso_account_id = 111111111111',
  'sso_role_name = AdministratorAccess',
  'region = us-east-1',
  '',
  // The legacy style, on the same instance: one identity for both.
  '[profile legacy-ro]',
  `sso_start_url = ${SEED_SSO.startUrl}`,
  `sso_region = ${SEED_SSO.region}`,
  'sso_account_id = 222222222222',
  'sso_role_name = ReadOnlyAccess',
  '',
  '[profile other]',
  'sso_start_url = https://other-corp.awsapps.com/start',
  'sso_region = us-east-2',
  'sso_account_id = 333333333333',
  'sso_role_name = Auditor',
  '',
  '[profile no-session]',
  'sso_session = missing',
  'sso_account_id = 111111111111',
  'sso_role_name = Dev',
  '',
  '[profile deploy]',
  `role_arn = ${SEED_ROLES.devDeploy}`,
  'source_profile = dev-admin',
  '',
].join('\n');

describe('import of IAM Identity Center profiles', () => {
  let f: CoreFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  async function withConfig(): Promise<CoreFixture> {
    f = await startCoreFixture('import-sso', seedWorldWithIdentityCenter());
    mkdirSync(path.dirname(f.sandbox.configFile), { recursive: true });
    writeFileSync(f.sandbox.configFile, CONFIG);
    return f;
  }
  const where = (fx: CoreFixture) => ({ env: fx.sandbox.env, homedir: fx.sandbox.dir });

  it('previews sso_session and legacy profiles as Identity Center roles under their own names', async () => {
    const fx = await withConfig();
    const plan = await planImport(fx.core, where(fx));
    const said = new Map(plan.items.map((i) => [i.profile, `${i.action}: ${i.detail}`]));
    assert.match(
      said.get('dev-admin') ?? '',
      /^add-role: Identity Center AdministratorAccess in 111111111111 .*identity "acme"/,
    );
    assert.match(
      said.get('legacy-ro') ?? '',
      /^add-role: Identity Center ReadOnlyAccess in 222222222222 .*identity "rolebar-example"/,
    );
    assert.match(said.get('other') ?? '', /identity "other-corp"/);
    assert.match(said.get('no-session') ?? '', /^skip: .*\[sso-session missing\] section is missing/);
    assert.match(said.get('deploy') ?? '', /^add-role: .*from profile dev-admin/);
    assert.deepEqual(fx.core.roles.list(), []);
  });

  it('imports them (one identity per instance), then a chain from an Identity Center role works after sign-in', async () => {
    const fx = await withConfig();
    const result = await applyImport(fx.core, where(fx));
    const centers = fx.core.identities.list().filter((i) => i.kind === 'identity-center');
    assert.deepEqual(centers.map((i) => i.name).sort(), ['acme', 'other-corp']);
    assert.deepEqual(result.roles.map((r) => r.label).sort(), ['deploy', 'dev-admin', 'legacy-ro', 'other']);
    const legacy = fx.core.roles.find('legacy-ro');
    const acme = centers.find((i) => i.name === 'acme');
    assert.equal(legacy?.source.id, acme?.id);
    assert.equal(legacy?.profileName, 'legacy-ro-rolebar');
    const deploy = fx.core.roles.find('deploy');
    assert.equal(deploy?.source.kind, 'role');
    assert.ok(acme && deploy);

    await assert.rejects(fx.core.assumeRole(deploy.id), { code: 'sso-sign-in-required' });
    await fx.core.identityCenter.signIn(acme.id, {
      openBrowser: allowSignIn,
      showDeviceCode: () => undefined,
    });
    const chained = await fx.core.assumeRole(deploy.id);
    assert.match(chained.session.principalArn, /:assumed-role\/dev-deploy\//);
    const ro = await fx.core.assumeRole(legacy?.id ?? '');
    assert.match(
      ro.session.principalArn,
      /^arn:aws:sts::222222222222:assumed-role\/AWSReservedSSO_ReadOnlyAccess_/,
    );
  });
});
