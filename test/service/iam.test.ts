// The window's IAM channels through the service layer, against the emulator's IAM and STS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { location } from '../../electron/core/sessions/assume.js';
import { REVOKE_POLICY_NAME } from '../../electron/core/features/iam/index.js';
import { requestArgs } from '../../electron/ipc/contract.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import { addAlice, type CoreFixture, startCoreFixture } from '../support/core-fixture.js';
import { manualTimers, memoryClipboard } from '../support/service-fixture.js';
import { SEED_EXTERNAL_ID, SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';

const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';

describe('the iam:* channels of the service layer', () => {
  let f: CoreFixture;
  let service: RolebarService;
  let pushes = 0;
  let aliceId: string;
  let readonlyId: string;
  let adminId: string;
  before(async () => {
    f = await startCoreFixture('service-iam');
    // IAM is served on the STS endpoint, as the AWS tools configure it.
    const env = { ...f.sandbox.env, AWS_ENDPOINT_URL_IAM: f.emu.endpoint };
    service = createRolebarService({
      core: f.core,
      settings: f.settings,
      clipboard: memoryClipboard(),
      timers: manualTimers(),
      app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: false },
      location: location({ env, homedir: f.sandbox.dir }),
      onStateChanged: () => (pushes += 1),
    });
    aliceId = (await addAlice(f.core)).id;
    const source = { kind: 'identity' as const, id: aliceId };
    readonlyId = f.core.roles.add({ label: 'readonly', roleArn: SEED_ROLES.readonly, source, mfa: false }).id;
    adminId = f.core.roles.add({ label: 'admin', roleArn: SEED_ROLES.admin, source, mfa: true }).id;
  });
  after(() => f.close());

  it('iam:discover lists verdicts and drafts that role:add takes as they are, never a secret', async () => {
    const before = pushes;
    const found = await service['iam:discover']({ using: { identityId: aliceId } });
    assert.ok(found.ok, JSON.stringify(found));
    assert.equal(found.value.accountId, '111111111111');
    assert.equal(found.value.principalArn, ALICE_ARN);
    const [worker, deploy] = found.value.roles;
    assert.equal(worker?.canAssume, 'likely');
    assert.equal(deploy?.canAssume, 'if-allowed');
    assert.equal(deploy?.needsIdentityPolicy, true);
    assert.doesNotMatch(JSON.stringify(found), /FAKE\/secret/);
    assert.equal(pushes, before, 'nothing changed, nothing pushed');

    const draft = worker?.draft;
    assert.ok(draft);
    const [checked] = requestArgs['role:add']([draft]);
    const added = await service['role:add'](checked);
    assert.ok(added.ok, JSON.stringify(added));
    const switched = await service['role:switch']({ roleId: added.value.id });
    assert.ok(switched.ok, JSON.stringify(switched));
    assert.equal(
      switched.value.session.principalArn,
      'arn:aws:sts::111111111111:assumed-role/ec2-worker/rolebar-alice',
    );
  });

  it('iam:discover with a role session lists its account, for another principal', async () => {
    await f.core.assumeRole(readonlyId);
    const found = await service['iam:discover']({
      using: { roleId: readonlyId },
      assumeAs: { identityId: aliceId },
    });
    assert.ok(found.ok, JSON.stringify(found));
    assert.equal(found.value.accountId, '222222222222');
    const byName = new Map(found.value.roles.map((r) => [r.roleName, r]));
    assert.equal(byName.get('admin')?.draft?.mfa, true);
    assert.equal(byName.get('partner')?.draft?.externalId, SEED_EXTERNAL_ID);
    assert.equal(byName.get('readonly')?.existingRoleId, readonlyId);
    assert.equal(byName.get('deployer')?.canAssume, 'no');
    assert.equal(byName.get('deployer')?.draft, undefined);
  });

  it('iam:policies gives both documents as JSON text, with who applies which', async () => {
    const answer = await service['iam:policies']({
      roleArn: SEED_ROLES.deployer,
      forSource: { identityId: aliceId },
      mfa: true,
      externalId: 'abc-123',
    });
    assert.ok(answer.ok, JSON.stringify(answer));
    const trust = JSON.parse(answer.value.trustPolicy);
    assert.deepEqual(trust.Statement[0].Principal, { AWS: ALICE_ARN });
    assert.deepEqual(trust.Statement[0].Condition.StringEquals, { 'sts:ExternalId': 'abc-123' });
    assert.equal(JSON.parse(answer.value.permissionPolicy).Statement[0].Resource, SEED_ROLES.deployer);
    assert.deepEqual(
      answer.value.placements.map((p) => [p.document, p.accountId, p.required]),
      [
        ['trust', '222222222222', true],
        ['permission', '111111111111', true],
      ],
    );
    assert.match(answer.value.explanation, /both are needed/);
    const bad = await service['iam:policies']({
      roleArn: 'arn:aws:iam::1:role/x',
      forSource: { identityId: aliceId },
    });
    assert.equal(!bad.ok && bad.error.code, 'invalid-input');
  });

  it('the contract refuses ambiguous sources and unconfirmed revokes before any handler', () => {
    assert.throws(
      () => requestArgs['iam:discover']([{ using: { identityId: 'a', roleId: 'b' } }]),
      /using\.identityId must be absent/,
    );
    assert.throws(
      () => requestArgs['iam:revoke']([{ roleId: 'r', using: { roleId: 'a' }, confirm: false }]),
      /argument 1\.confirm must be true/,
    );
    assert.throws(
      () => requestArgs['iam:revoke']([{ roleId: 'r', using: { roleId: 'a' } }]),
      /confirm must be true/,
    );
  });

  it('iam:revoke-preview and iam:revoke: the older session is forgotten, a fresh one works', async () => {
    const preview = await service['iam:revoke-preview']({ roleId: readonlyId });
    assert.ok(preview.ok, JSON.stringify(preview));
    assert.equal(preview.value.roleArn, SEED_ROLES.readonly);
    assert.match(preview.value.text, /^Revoke every session of the role readonly \(account 222222222222\)/);
    const both = await service['iam:revoke-preview']({ roleId: readonlyId, roleArn: SEED_ROLES.readonly });
    assert.equal(!both.ok && both.error.code, 'invalid-input');

    await f.core.assumeRole(adminId, { mfaCode: f.emu.totp(SEED_MFA.alice.serial) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const revoked = await service['iam:revoke']({
      roleId: readonlyId,
      using: { roleId: adminId },
      confirm: true,
    });
    assert.ok(revoked.ok, JSON.stringify(revoked));
    assert.equal(revoked.value.policyName, REVOKE_POLICY_NAME);
    assert.ok(f.emu.world.roleByArn(SEED_ROLES.readonly)?.inlinePolicies.has(REVOKE_POLICY_NAME));

    // The window's revoked session is forgotten, so it is not used again.
    const stale = await service['iam:discover']({ using: { roleId: readonlyId } });
    assert.equal(!stale.ok && stale.error.code, 'no-session');
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok((await service['role:switch']({ roleId: readonlyId })).ok);
    assert.ok((await service['iam:discover']({ using: { roleId: readonlyId } })).ok);
  });

  it('denied: without IAM rights, or a session, each channel answers a clear failure and changes nothing', async () => {
    const carol = await service['identity:add']({
      name: 'carol',
      accessKeyId: SEED_KEYS.carol.accessKeyId,
      secretAccessKey: SEED_KEYS.carol.secretAccessKey,
    });
    assert.ok(carol.ok);
    const listed = await service['iam:discover']({ using: { identityId: carol.value.id } });
    assert.deepEqual(listed, {
      ok: false,
      error: {
        code: 'iam-access-denied',
        message: 'You may not list roles in account 111111111111 (iam:ListRoles).',
        hint: 'Type the role ARN or name instead.',
      },
    });
    const revoked = await service['iam:revoke']({
      roleArn: SEED_ROLES.devDeploy,
      using: { identityId: carol.value.id },
      confirm: true,
    });
    assert.equal(!revoked.ok && revoked.error.code, 'iam-access-denied');
    assert.match(!revoked.ok ? revoked.error.message : '', /\(iam:PutRolePolicy\); nothing was changed\.$/);
    assert.equal(f.emu.world.roleByArn(SEED_ROLES.devDeploy)?.inlinePolicies.size, 0);

    await f.core.signOut(readonlyId);
    const noSession = await service['iam:policies']({
      roleArn: SEED_ROLES.deployer,
      forSource: { roleId: readonlyId },
    });
    assert.equal(!noSession.ok && noSession.error.code, 'no-session');
  });
});
