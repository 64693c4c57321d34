import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RolebarError } from '../../../../electron/core/domain/errors.js';
import {
  createIamTools,
  type IamTools,
  type RolePolicies,
} from '../../../../electron/core/features/iam/index.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import type { PolicyDocument, WorldSpec } from '../../../../electron/emulator/index.js';

const DANA = {
  accessKeyId: 'AKIADANAKEY00EXAMPLE',
  secretAccessKey: 'dana/FAKE/secret/key/for/tests/EXAMPLE00',
  status: 'Active' as const,
};
const DANA_MFA = {
  serial: 'arn:aws:iam::444444444444:mfa/dana',
  secretBase32: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU',
};
const ROLE = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
/** A trust policy that lets nobody of ours in: every role starts locked. */
const LOCKED: PolicyDocument = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Principal: { AWS: '999999999999' }, Action: 'sts:AssumeRole' },
};

/** Dana in 444444444444, with no permissions at all; roles in her account and in 555555555555, all locked. */
function lockedWorld(): WorldSpec {
  return {
    accounts: [
      {
        id: '444444444444',
        users: [
          {
            name: 'dana',
            accessKeys: [DANA],
            mfaDevices: [{ name: 'dana', secretBase32: DANA_MFA.secretBase32 }],
          },
        ],
        roles: [
          { name: 'local', trustPolicy: LOCKED },
          { name: 'hop', trustPolicy: LOCKED },
        ],
      },
      {
        id: '555555555555',
        roles: ['app', 'strict', 'chained'].map((name) => ({ name, trustPolicy: LOCKED })),
      },
    ],
  };
}

async function refused(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (e: unknown) => e instanceof RolebarError && e.code === 'sts-access-denied');
}

describe('generated trust and permission policies, loaded into an emulator world', () => {
  let f: CoreFixture;
  let tools: IamTools;
  let danaId: string;
  let step = 0;
  const nextCode = () => {
    step += 1;
    f.emu.setClockOffset(step * 30_000);
    return f.emu.totp(DANA_MFA.serial);
  };
  /** Applies the JSON text itself, as an administrator pasting it would. */
  const applyTrust = (roleArn: string, p: RolePolicies) => {
    const role = f.emu.world.roleByArn(roleArn);
    assert.ok(role);
    role.trustPolicy = JSON.parse(p.trustPolicyJson) as PolicyDocument;
  };
  const applyPermission = (holderArn: string, p: RolePolicies) => {
    const holder = f.emu.world.userByArn(holderArn) ?? f.emu.world.roleByArn(holderArn);
    assert.ok(holder);
    holder.policies.push(JSON.parse(p.permissionPolicyJson) as PolicyDocument);
  };
  before(async () => {
    f = await startCoreFixture('iam-policies', lockedWorld());
    tools = createIamTools({ core: f.core, env: f.sandbox.env, homedir: f.sandbox.dir });
    danaId = (
      await f.core.addIdentity(
        { kind: 'iam-user', name: 'dana', ...DANA, mfaSerial: DANA_MFA.serial },
        { verify: false },
      )
    ).identity.id;
  });
  after(async () => {
    // Each part is closed even when set-up stopped half-way (then some are still unassigned).
    const opened: { tools?: IamTools; f?: CoreFixture } = { tools, f };
    try {
      opened.tools?.close();
    } finally {
      await opened.f?.close();
    }
  });

  it('cross-account: fails without them, with the trust policy alone, and works with both', async () => {
    const app = ROLE('555555555555', 'app');
    const role = f.core.roles.add({
      label: 'app',
      roleArn: app,
      source: { kind: 'identity', id: danaId },
      mfa: false,
    });
    await refused(f.core.assumeRole(role.id));
    const p = await tools.policiesFor({ roleArn: app, assumeAs: { identityId: danaId } });
    assert.equal(p.crossAccount, true);
    assert.deepEqual(p.trustPolicy.Statement[0]?.Principal, { AWS: 'arn:aws:iam::444444444444:user/dana' });
    applyTrust(app, p);
    await refused(f.core.assumeRole(role.id));
    applyPermission(p.placements[1].attachTo, p);
    const outcome = await f.core.assumeRole(role.id);
    assert.equal(outcome.session.principalArn, 'arn:aws:sts::555555555555:assumed-role/app/rolebar-dana');
  });

  it('MFA and ExternalId conditions are enforced as generated', async () => {
    const strict = ROLE('555555555555', 'strict');
    const p = await tools.policiesFor({
      roleArn: strict,
      assumeAs: { identityId: danaId },
      mfa: true,
      externalId: 'dana-ext-1',
    });
    applyTrust(strict, p);
    applyPermission(p.placements[1].attachTo, p);
    const source = { kind: 'identity' as const, id: danaId };
    const bare = f.core.roles.add({ label: 'strict-bare', roleArn: strict, source, mfa: false });
    await refused(f.core.assumeRole(bare.id));
    const noMfa = f.core.roles.add({
      label: 'strict-ext',
      roleArn: strict,
      source,
      mfa: false,
      externalId: 'dana-ext-1',
    });
    await refused(f.core.assumeRole(noMfa.id));
    const full = f.core.roles.add({
      label: 'strict',
      roleArn: strict,
      source,
      mfa: true,
      externalId: 'dana-ext-1',
    });
    const outcome = await f.core.assumeRole(full.id, { mfaCode: nextCode() });
    assert.equal(outcome.session.accountId, '555555555555');
  });

  it('same account, exact user: the trust policy alone suffices (the permission policy is optional)', async () => {
    const local = ROLE('444444444444', 'local');
    const role = f.core.roles.add({
      label: 'local',
      roleArn: local,
      source: { kind: 'identity', id: danaId },
      mfa: false,
    });
    await refused(f.core.assumeRole(role.id));
    const p = await tools.policiesFor({ roleArn: local, assumeAs: { identityId: danaId } });
    assert.equal(p.placements[1].required, false);
    applyTrust(local, p);
    await f.core.assumeRole(role.id);
  });

  it('a role source: the trust names the source role, the permission goes on that role', async () => {
    const hopArn = ROLE('444444444444', 'hop');
    const hop = f.core.roles.add({
      label: 'hop',
      roleArn: hopArn,
      source: { kind: 'identity', id: danaId },
      mfa: false,
    });
    applyTrust(hopArn, await tools.policiesFor({ roleArn: hopArn, assumeAs: { identityId: danaId } }));
    await f.core.assumeRole(hop.id);
    const chainedArn = ROLE('555555555555', 'chained');
    const chained = f.core.roles.add({
      label: 'chained',
      roleArn: chainedArn,
      source: { kind: 'role', id: hop.id },
      mfa: false,
    });
    await refused(f.core.assumeRole(chained.id));
    const p = await tools.policiesFor({ roleArn: chainedArn, assumeAs: { roleId: hop.id } });
    assert.deepEqual(p.trustPolicy.Statement[0]?.Principal, { AWS: hopArn });
    assert.equal(p.placements[1].attachTo, hopArn);
    applyTrust(chainedArn, p);
    await refused(f.core.assumeRole(chained.id));
    applyPermission(hopArn, p);
    const outcome = await f.core.assumeRole(chained.id);
    assert.equal(outcome.session.principalArn, 'arn:aws:sts::555555555555:assumed-role/chained/rolebar-dana');
  });
});
