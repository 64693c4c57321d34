// Rotating an IAM user's access key through IAM, against the emulator's IAM (two keys at most, a propagation
// delay for new keys, AccessDenied without the permission), with failures injected at each step.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createCore } from '../../../../electron/core/index.js';
import { createIamTools, type IamTools, rotatePolicy } from '../../../../electron/core/features/iam/index.js';
import { secretAccount } from '../../../../electron/core/store/identities.js';
import type { SecretStore } from '../../../../electron/core/platform/keychain/keychain.js';
import { openSettings } from '../../../../electron/core/store/settings.js';
import { createStsCaller } from '../../../../electron/core/aws/sts/client.js';
import { createIamCaller, type IamCaller } from '../../../../electron/core/aws/iam/client.js';
import { SEED_KEYS, SEED_MFA } from '../../../../electron/emulator/index.js';
import {
  addCarol,
  addDave,
  addKeys,
  type CoreFixture,
  startCoreFixture,
} from '../../../support/core-fixture.js';
import { expectFailure } from '../../../support/assertions.js';

describe('identity rotate through IAM, against the emulator', () => {
  let f: CoreFixture;
  let tools: IamTools;
  let daveId: string;
  const dave = () => f.emu.world.userByArn('arn:aws:iam::111111111111:user/dave');
  const keysInAws = () => {
    const user = dave();
    return user ? f.emu.world.keysOf(user).map((k) => `${k.accessKeyId}:${k.status}`) : [];
  };
  const keychainKey = async () => {
    const identity = f.core.identities.get(daveId);
    return identity.kind === 'iam-user' ? identity.accessKeyId : '';
  };
  /** The keychain's key works: GetCallerIdentity through a fresh core (no in-memory secret). */
  const keychainWorks = async () => (await f.reopen().whoAmI({ identityId: daveId })).arn;

  before(async () => {
    f = await startCoreFixture('iam-rotate');
    tools = createIamTools({
      core: f.core,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      verifyTimeoutMs: 5_000,
    });
    daveId = (await addDave(f.core)).id;
  });
  afterEach(() => {
    f.emu.faults.clear();
    f.emu.world.newKeyDelayMs = 0;
  });
  after(async () => {
    tools.close();
    await f.close();
  });

  it('creates, stores, waits for the new key to work, deletes the old one', async () => {
    f.emu.world.newKeyDelayMs = 1_200;
    const before = await keychainKey();
    const result = await tools.rotate({ identityId: daveId });
    assert.equal(result.oldKeyId, before);
    assert.equal(result.oldKey, 'deleted');
    assert.notEqual(result.newKeyId, before);
    assert.equal(await keychainKey(), result.newKeyId);
    assert.deepEqual(keysInAws(), [`${result.newKeyId}:Active`]);
    assert.equal(await keychainWorks(), 'arn:aws:iam::111111111111:user/dave');
    assert.ok(f.emu.countRequests('GetCallerIdentity', 'InvalidClientTokenId') >= 1, 'it waited for the key');
  });

  it('--deactivate-old keeps the old key, inactive', async () => {
    const before = await keychainKey();
    const result = await tools.rotate({ identityId: daveId, deactivateOld: true });
    assert.equal(result.oldKey, 'deactivated');
    assert.deepEqual(keysInAws().sort(), [`${before}:Inactive`, `${result.newKeyId}:Active`].sort());
  });

  it('two keys: refused before any change, both listed with age and last use; then --delete-key chooses', async () => {
    const before = keysInAws();
    const current = await keychainKey();
    const error = await expectFailure(tools.rotate({ identityId: daveId }), 'rotate-two-keys');
    assert.match(error.message, /already has two access keys/);
    const other = (before.find((k) => !k.startsWith(current)) ?? '').split(':')[0] ?? '';
    assert.match(
      error.message,
      new RegExp(`${current} Active, created \\d{4}-\\d\\d-\\d\\d \\(today\\), last used`),
    );
    assert.match(error.message, new RegExp(`${other} Inactive, created .*, last used`));
    assert.match(error.hint ?? '', new RegExp(`--delete-key ${other}`));
    assert.deepEqual(keysInAws(), before, 'nothing changed');
    assert.equal(await keychainKey(), current);
    await expectFailure(tools.rotate({ identityId: daveId, deleteKeyId: current }), 'invalid-input');
    assert.deepEqual(keysInAws(), before, 'choosing the key in use is refused too');
    const result = await tools.rotate({ identityId: daveId, deleteKeyId: other });
    assert.equal(result.removedExtraKeyId, other);
    assert.deepEqual(keysInAws(), [`${result.newKeyId}:Active`]);
  });

  it('create fails: nothing changed, the keychain key works, the message says so', async () => {
    const before = await keychainKey();
    f.emu.faults.internalError(5, { action: 'CreateAccessKey' });
    await expectFailure(tools.rotate({ identityId: daveId }), 'iam-service-error');
    assert.equal(await keychainKey(), before);
    assert.deepEqual(keysInAws(), [`${before}:Active`]);
    await keychainWorks();
  });

  it('store fails (keychain): the new key is deleted again, the old key stays in use', async () => {
    const before = await keychainKey();
    const failing: SecretStore = {
      service: f.secrets.service,
      get: (a) => f.secrets.get(a),
      delete: (a) => f.secrets.delete(a),
      list: () => f.secrets.list(),
      set: (a, s) =>
        a.startsWith('iam-user-next:')
          ? Promise.reject(new Error('keychain write failed'))
          : f.secrets.set(a, s),
    };
    const core = createCore({
      settings: openSettings({ dir: f.sandbox.rolebarHome }),
      secrets: failing,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      sts: createStsCaller({ maxAttempts: 3, requestTimeoutMs: 3_000 }),
    });
    const broken = createIamTools({ core, env: f.sandbox.env, homedir: f.sandbox.dir });
    try {
      const error = await expectFailure(broken.rotate({ identityId: daveId }), 'rotate-failed');
      assert.match(error.message, /stopped at the store step/);
      assert.match(
        error.message,
        new RegExp(
          `the new key AKIATEST\\w+ is deleted again; the old key ${before} is Active\\. The keychain holds ${before}, which works\\.`,
        ),
      );
    } finally {
      broken.close();
      core.close();
    }
    assert.equal(await keychainKey(), before);
    assert.deepEqual(keysInAws(), [`${before}:Active`]);
    await keychainWorks();
  });

  it('verify fails (the new key never works in time): the old key is put back, the new one deleted', async () => {
    const before = await keychainKey();
    f.emu.world.newKeyDelayMs = 60_000;
    const quick = createIamTools({
      core: f.core,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      verifyTimeoutMs: 1_000,
    });
    try {
      const error = await expectFailure(quick.rotate({ identityId: daveId }), 'rotate-failed');
      assert.match(error.message, /stopped at the verify step/);
      assert.match(error.message, new RegExp(`The keychain holds ${before}, which works`));
    } finally {
      quick.close();
    }
    assert.equal(await keychainKey(), before);
    assert.deepEqual(keysInAws(), [`${before}:Active`]);
    await keychainWorks();
  });

  it('delete fails: the new key is in the keychain and works; the message says the old one is still active', async () => {
    const before = await keychainKey();
    f.emu.faults.internalError(5, { action: 'DeleteAccessKey' });
    const error = await expectFailure(tools.rotate({ identityId: daveId }), 'rotate-failed');
    const now = await keychainKey();
    assert.notEqual(now, before);
    assert.match(error.message, /stopped at the delete step/);
    assert.match(
      error.message,
      new RegExp(
        `the old key ${before} is still Active\\. The keychain holds the new key ${now}, which works\\.`,
      ),
    );
    assert.deepEqual(keysInAws().sort(), [`${before}:Active`, `${now}:Active`].sort());
    await keychainWorks();
    f.emu.world.keys.delete(before);
  });

  it('without the IAM permission: AccessDenied naming it, nothing changed', async () => {
    const carol = await addCarol(f.core);
    const error = await expectFailure(tools.rotate({ identityId: carol.id }), 'iam-access-denied');
    assert.match(error.message, /\(iam:ListAccessKeys\)/);
    assert.match(error.hint ?? '', /rolebar policy --rotate/);
    assert.ok(f.emu.world.keys.get(SEED_KEYS.carol.accessKeyId), 'the key is still there');
  });

  it('MFA required by policy: rotates with the MFA session', async () => {
    const erin = await addKeys(f.core, 'erin', SEED_KEYS.erin, { mfaSerial: SEED_MFA.erin.serial });
    await expectFailure(tools.rotate({ identityId: erin.id }), 'mfa-required');
    assert.ok(f.emu.world.keys.get(SEED_KEYS.erin.accessKeyId), 'nothing changed without a code');
    const result = await tools.rotate({ identityId: erin.id, mfaCode: f.emu.totp(SEED_MFA.erin.serial) });
    assert.equal(result.oldKey, 'deleted');
    assert.equal(f.emu.world.keys.get(SEED_KEYS.erin.accessKeyId), undefined);
    assert.ok(await f.secrets.get(secretAccount(erin.id)));
    assert.equal(
      (await f.reopen().whoAmI({ identityId: erin.id })).arn,
      'arn:aws:iam::111111111111:user/erin',
    );
  });

  it('the policy printed by `policy --rotate` names every action the rotation and key view use', () => {
    const text = JSON.stringify(rotatePolicy());
    for (const action of [
      'ListAccessKeys',
      'CreateAccessKey',
      'UpdateAccessKey',
      'DeleteAccessKey',
      'GetAccessKeyLastUsed',
    ])
      assert.ok(text.includes(`iam:${action}`), action);
  });
});

// A rotation killed part-way: the next one finishes or undoes it without asking, and IAM ends with one key. The
// kill is played by an IAM caller that stops the process's work right after a call (no code of the rotation runs
// after it), so the moment is exact rather than random.
describe('identity rotate after a rotation that a kill cut short', () => {
  let f: CoreFixture;
  let daveId: string;
  const keysInAws = () => {
    const user = f.emu.world.userByArn('arn:aws:iam::111111111111:user/dave');
    return user ? f.emu.world.keysOf(user).map((k) => `${k.accessKeyId}:${k.status}`) : [];
  };
  const keychainKey = () => {
    const identity = f.core.identities.get(daveId);
    return identity.kind === 'iam-user' ? identity.accessKeyId : '';
  };
  /** IAM tools whose caller "dies" at `action`: right after IAM did it, or just before it is sent. */
  const dyingAt = (action: 'createAccessKey' | 'deleteAccessKey', when: 'after' | 'before') => {
    const real = createIamCaller({ maxAttempts: 1 });
    const dying: IamCaller = {
      ...real,
      [action]: async (...args: Parameters<IamCaller[typeof action]>) => {
        if (when === 'after') await (real[action] as (...a: typeof args) => Promise<unknown>)(...args);
        throw new Error(`killed ${when} ${action}`);
      },
    };
    return createIamTools({ core: f.core, env: f.sandbox.env, homedir: f.sandbox.dir, iam: dying });
  };
  const rotateNormally = async () => {
    const tools = createIamTools({
      core: f.core,
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
      verifyTimeoutMs: 5_000,
    });
    try {
      return await tools.rotate({ identityId: daveId });
    } finally {
      tools.close();
    }
  };

  before(async () => {
    f = await startCoreFixture('iam-rotate-killed');
    daveId = (await addDave(f.core)).id;
  });
  after(() => f?.close());

  it('killed after CreateAccessKey: the next rotation deletes the key whose secret was lost, then rotates', async () => {
    const before = keychainKey();
    const dying = dyingAt('createAccessKey', 'after');
    await assert.rejects(dying.rotate({ identityId: daveId }), /killed after createAccessKey/);
    dying.close();
    assert.equal(keysInAws().length, 2, 'the orphan key exists in IAM');
    assert.equal(keychainKey(), before, 'the keychain still holds the old key');
    const result = await rotateNormally();
    assert.equal(result.oldKeyId, before);
    assert.deepEqual(keysInAws(), [`${result.newKeyId}:Active`]);
    assert.equal(keychainKey(), result.newKeyId);
    assert.equal(f.settings.read().keyRotations, undefined, 'no rotation is left in flight');
  });

  it('killed after the new key was stored (the old one not yet deleted): the next rotation retires it first', async () => {
    const dying = dyingAt('deleteAccessKey', 'before');
    await assert.rejects(dying.rotate({ identityId: daveId }), /stopped at the delete step/);
    dying.close();
    assert.equal(keysInAws().length, 2, 'the old key is still there');
    const result = await rotateNormally();
    assert.deepEqual(keysInAws(), [`${result.newKeyId}:Active`]);
    assert.equal(keychainKey(), result.newKeyId);
  });
});
