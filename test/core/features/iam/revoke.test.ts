import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  createIamTools,
  type IamTools,
  REVOKE_POLICY_NAME,
} from '../../../../electron/core/features/iam/index.js';
import { addAlice, addCarol, type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_MFA, SEED_ROLES } from '../../../../electron/emulator/index.js';
import { expectFailure } from '../../../support/assertions.js';

describe('revoking a role’s older sessions (the console’s "Revoke active sessions")', () => {
  let f: CoreFixture;
  let tools: IamTools;
  let aliceId: string;
  let readonlyId: string;
  let adminId: string;
  before(async () => {
    f = await startCoreFixture('iam-revoke');
    tools = createIamTools({
      core: f.core,
      env: { ...f.sandbox.env, AWS_ENDPOINT_URL_IAM: f.emu.endpoint },
      homedir: f.sandbox.dir,
    });
    aliceId = (await addAlice(f.core)).id;
    const source = { kind: 'identity' as const, id: aliceId };
    readonlyId = f.core.roles.add({ label: 'readonly', roleArn: SEED_ROLES.readonly, source, mfa: false }).id;
    adminId = f.core.roles.add({ label: 'admin', roleArn: SEED_ROLES.admin, source, mfa: true }).id;
  });
  after(async () => {
    tools.close();
    await f.close();
  });

  it("denies sessions issued before and forgets Rolebar's own, lets a fresh session work", async () => {
    await f.core.assumeRole(readonlyId);
    assert.equal((await tools.discover({ listWith: { roleId: readonlyId } })).accountId, '222222222222');
    await f.core.assumeRole(adminId, { mfaCode: f.emu.totp(SEED_MFA.alice.serial) });
    await sleep(5);

    const result = await tools.revokeOlderSessions({
      roleArn: SEED_ROLES.readonly,
      using: { roleId: adminId },
    });
    assert.equal(result.policyName, REVOKE_POLICY_NAME);
    const stored = f.emu.world.roleByArn(SEED_ROLES.readonly)?.inlinePolicies.get(REVOKE_POLICY_NAME);
    assert.deepEqual(stored, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': result.revokedBefore } },
        },
      ],
    });

    // Rolebar's own revoked session is forgotten (record, memory, profile), so it is never handed out again.
    assert.deepEqual(result.forgotten, [readonlyId]);
    assert.equal(f.core.sessions.get(readonlyId), undefined);
    assert.equal(await f.core.credentialsOf(readonlyId), undefined);
    assert.ok(f.core.sessions.get(adminId), 'the session used to revoke stays');
    await expectFailure(tools.discover({ listWith: { roleId: readonlyId } }), 'no-session');

    await sleep(5);
    await f.core.assumeRole(readonlyId);
    const again = await tools.discover({ listWith: { roleId: readonlyId } });
    assert.equal(again.roles.length, 6, 'a session issued after the revoke works');
  });

  it('refuses a caller without iam:PutRolePolicy with a clear message, and changes nothing', async () => {
    const carol = await addCarol(f.core);
    const error = await expectFailure(
      tools.revokeOlderSessions({ roleArn: SEED_ROLES.devDeploy, using: { identityId: carol.id } }),
      'iam-access-denied',
    );
    assert.equal(
      error.message,
      'You may not change the policies of the role dev-deploy in account 111111111111 (iam:PutRolePolicy); nothing was changed.',
    );
    assert.match(error.hint ?? '', /Revoke sessions/);
    assert.equal(f.emu.world.roleByArn(SEED_ROLES.devDeploy)?.inlinePolicies.size, 0);

    const before = f.emu.countRequests('PutRolePolicy');
    const wrong = await expectFailure(
      tools.revokeOlderSessions({ roleArn: SEED_ROLES.partner, using: { identityId: aliceId } }),
      'iam-wrong-account',
    );
    assert.match(
      wrong.message,
      /only be revoked with credentials of its account 222222222222; these belong to 111111111111/,
    );
    assert.equal(f.emu.countRequests('PutRolePolicy'), before, 'no call was made');
    assert.equal(f.emu.world.roleByArn(SEED_ROLES.partner)?.inlinePolicies.size, 0);
  });
});
