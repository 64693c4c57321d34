import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RolebarError } from '../../../../electron/core/domain/errors.js';
import {
  createIamCaller,
  createIamTools,
  IamError,
  type IamTools,
  resolveIamTarget,
} from '../../../../electron/core/features/iam/index.js';
import { addAlice, addCarol, type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_EXTERNAL_ID, SEED_KEYS, SEED_ROLES } from '../../../../electron/emulator/index.js';

async function expectIamFailure(promise: Promise<unknown>, code: string): Promise<RolebarError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RolebarError, `expected a RolebarError, got ${String(error)}`);
    assert.equal(error.code, code, error.toUserString());
    const shown = `${error.toUserString()} ${JSON.stringify(error.context)}`;
    for (const key of Object.values(SEED_KEYS)) assert.ok(!shown.includes(key.secretAccessKey), 'no secret');
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('discovering roles through the core, against the emulator’s IAM', () => {
  let f: CoreFixture;
  let tools: IamTools;
  let aliceId: string;
  let readonlyId: string;
  before(async () => {
    f = await startCoreFixture('iam-discover');
    tools = createIamTools({
      core: f.core,
      env: { ...f.sandbox.env, AWS_ENDPOINT_URL_IAM: f.emu.endpoint },
      homedir: f.sandbox.dir,
    });
    aliceId = (await addAlice(f.core, { mfa: false })).id;
    readonlyId = f.core.roles.add({
      label: 'readonly',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    }).id;
  });
  after(async () => {
    tools.close();
    await f.close();
  });

  it('lists the identity’s own account and classifies each trust policy for it', async () => {
    const found = await tools.discover({ listWith: { identityId: aliceId } });
    assert.equal(found.accountId, '111111111111');
    assert.deepEqual(
      found.assumable.map((r) => [r.roleName, r.verdict.canAssume, r.verdict.matchedBy]),
      [
        ['ec2-worker', 'likely', 'user'],
        ['dev-deploy', 'if-allowed', 'account'],
      ],
    );
    const draft = found.assumable[0]?.draft;
    assert.deepEqual(draft, {
      label: 'ec2-worker',
      roleArn: SEED_ROLES.ec2Worker,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
      sessionName: 'rolebar-alice',
      durationSeconds: 3600,
    });
    assert.ok(draft);
    const added = f.core.roles.add(draft);
    const outcome = await f.core.assumeRole(added.id);
    assert.equal(
      outcome.session.principalArn,
      'arn:aws:sts::111111111111:assumed-role/ec2-worker/rolebar-alice',
    );
  });

  it('lists prod with a prod role session and pre-fills MFA and ExternalId for the identity', async () => {
    await f.core.assumeRole(readonlyId);
    f.emu.clearRequests();
    const found = await tools.discover({
      listWith: { roleId: readonlyId },
      assumeAs: { identityId: aliceId },
      pageSize: 2,
    });
    assert.equal(found.accountId, '222222222222');
    assert.equal(f.emu.countRequests('ListRoles', 'OK'), 3, 'every page was fetched');
    assert.equal(found.roles.length, 6);
    const byName = new Map(found.roles.map((r) => [r.roleName, r]));
    assert.equal(byName.get('admin')?.draft?.mfa, true);
    assert.equal(byName.get('admin')?.verdict.mfaMaxAgeSeconds, 3600);
    assert.equal(byName.get('admin')?.draft?.durationSeconds, 7200);
    assert.equal(byName.get('partner')?.draft?.externalId, SEED_EXTERNAL_ID);
    assert.equal(byName.get('deployer')?.verdict.canAssume, 'no', 'only the readonly role may');
    assert.equal(byName.get('deployer')?.draft, undefined);
    assert.equal(byName.get('readonly')?.existingRoleId, readonlyId);
    assert.equal(byName.get('readonly')?.draft?.label, 'readonly@222222222222', 'labels stay unique');
    assert.equal(byName.get('long-session')?.draft?.durationSeconds, 43200);

    const partner = byName.get('partner')?.draft;
    assert.ok(partner);
    const outcome = await f.core.assumeRole(f.core.roles.add(partner).id);
    assert.equal(outcome.session.accountId, '222222222222');
  });

  it('classifies for the role session itself when no other principal is named (chains)', async () => {
    const found = await tools.discover({ listWith: { roleId: readonlyId } });
    assert.deepEqual(
      found.assumable.map((r) => [r.roleName, r.verdict.canAssume]),
      [['deployer', 'likely']],
    );
    const draft = found.assumable[0]?.draft;
    assert.deepEqual(draft?.source, { kind: 'role', id: readonlyId });
    assert.equal(draft?.durationSeconds, 3600, 'chained sessions last at most an hour');
    assert.ok(draft);
    const outcome = await f.core.assumeRole(f.core.roles.add(draft).id);
    assert.equal(
      outcome.session.principalArn,
      'arn:aws:sts::222222222222:assumed-role/deployer/rolebar-alice',
    );
  });

  it('looks up a role by name, the how-to’s list-roles --query', async () => {
    const role = await tools.findRole({ identityId: aliceId }, 'team/dev-deploy');
    assert.equal(role.arn, SEED_ROLES.devDeploy);
    assert.deepEqual(
      (role.trustPolicy as { Statement: Array<{ Principal: unknown }> }).Statement[0]?.Principal,
      {
        AWS: '111111111111',
      },
    );
    const missing = await expectIamFailure(
      tools.findRole({ identityId: aliceId }, 'nope'),
      'iam-no-such-role',
    );
    assert.equal(missing.message, 'There is no role named nope in account 111111111111.');
  });

  it('without iam:ListRoles: a clear message and the fallback (type an ARN or a name)', async () => {
    const carol = await addCarol(f.core);
    const error = await expectIamFailure(
      tools.discover({ listWith: { identityId: carol.id } }),
      'iam-access-denied',
    );
    assert.equal(error.message, 'You may not list roles in account 111111111111 (iam:ListRoles).');
    assert.equal(error.hint, 'Type the role ARN or name instead.');
    assert.ok(error instanceof IamError);
    assert.match(error.awsMessage ?? '', /because no identity-based policy allows the iam:ListRoles action/);
    const noSession = f.core.roles.add({
      label: 'never-switched',
      roleArn: SEED_ROLES.billing,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    await expectIamFailure(tools.discover({ listWith: { roleId: noSession.id } }), 'no-session');
  });

  it('the client retries throttling, and maps a wrong secret and an unreachable endpoint', async () => {
    const target = resolveIamTarget('aws', { AWS_ENDPOINT_URL_IAM: f.emu.endpoint });
    const iam = createIamCaller({ maxAttempts: 2, requestTimeoutMs: 2_000 });
    const alice = {
      accessKeyId: SEED_KEYS.alice.accessKeyId,
      secretAccessKey: SEED_KEYS.alice.secretAccessKey,
    };
    try {
      f.emu.faults.throttle(1, { action: 'ListRoles' });
      assert.equal((await iam.listRoles(target, alice, {}, { action: 'ListRoles' })).roles.length, 2);
      f.emu.faults.throttle(2, { action: 'ListRoles' });
      await expectIamFailure(iam.listRoles(target, alice, {}, { action: 'ListRoles' }), 'iam-throttled');
      const wrong = { ...alice, secretAccessKey: SEED_KEYS.carol.secretAccessKey };
      await expectIamFailure(iam.listRoles(target, wrong, {}, { action: 'ListRoles' }), 'iam-wrong-secret');
      // A 403 in the <ErrorResponse><Errors><Error> shape is access denied (naming the permission), not "try again".
      f.emu.faults.answerWith(
        {
          status: 403,
          headers: { 'content-type': 'text/xml' },
          body:
            '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Errors><Error><Type>Sender</Type>' +
            '<Code>AccessDenied</Code><Message>User: arn:aws:iam::111111111111:user/alice is not authorized to ' +
            'perform: iam:ListRoles</Message></Error></Errors><RequestId>0</RequestId></ErrorResponse>',
        },
        1,
        { action: 'ListRoles' },
      );
      const denied = await expectIamFailure(
        iam.listRoles(target, alice, {}, { action: 'ListRoles' }),
        'iam-access-denied',
      );
      assert.match(denied.message, /iam:ListRoles/);
      const offline = { ...target, endpoint: 'http://127.0.0.1:1' };
      const error = await expectIamFailure(
        iam.listRoles(offline, alice, {}, { action: 'ListRoles' }),
        'iam-offline',
      );
      assert.match(error.message, /connection was refused/);
    } finally {
      f.emu.faults.clear();
      iam.close();
    }
  });
});
