import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  buildWorld,
  parseWorldJson,
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  seedWorld,
  startStsEmulator,
  type WorldSpec,
} from '../../electron/emulator/index.js';
import { FAKE_KEY_ID_PATTERN, FAKE_KEY_MARKERS } from '../../electron/emulator/world.js';
import { sdk } from './helpers.js';

describe('seed world', () => {
  it('has the accounts, users and roles the app and its docs rely on', () => {
    const world = buildWorld(seedWorld());
    assert.equal(world.account('111111111111')?.alias, 'dev');
    assert.equal(world.account('222222222222')?.alias, 'prod');
    assert.ok(world.account('333333333333'));
    for (const name of ['alice', 'bob', 'carol'])
      assert.ok(world.account('111111111111')?.users.has(name), name);
    for (const arn of Object.values(SEED_ROLES)) assert.ok(world.roleByArn(arn), arn);
    assert.equal(world.roleByArn(SEED_ROLES.longSession)?.maxSessionDuration, 43200);
    assert.equal(world.mfaDevices.get(SEED_MFA.alice.serial)?.user.name, 'alice');
    assert.equal(world.keys.get(SEED_KEYS.bob.accessKeyId)?.status, 'Inactive');
    assert.equal(world.account('111111111111')?.users.get('carol')?.mfaDevices.length, 0);
  });

  it('only contains fake-looking key ids and 40-character secrets', () => {
    const text = JSON.stringify(seedWorld());
    const ids = text.match(/AKIA[A-Z0-9]{16}/g) ?? [];
    assert.ok(ids.length >= 4);
    for (const id of ids) assert.match(id, FAKE_KEY_MARKERS);
    for (const key of Object.values(SEED_KEYS)) {
      assert.match(key.accessKeyId, FAKE_KEY_ID_PATTERN);
      assert.equal(key.secretAccessKey.length, 40);
      assert.match(key.secretAccessKey, /FAKE/);
    }
  });

  it('returns a fresh object each time (mutating one copy does not leak into the next)', () => {
    const a = seedWorld();
    a.accounts.length = 0;
    assert.equal(seedWorld().accounts.length, 3);
  });

  it('round-trips through JSON and serves the same identities', async () => {
    const world = parseWorldJson(JSON.stringify(seedWorld()));
    const emu = await startStsEmulator({ world });
    try {
      const id = await sdk(emu, SEED_KEYS.alice).send(new GetCallerIdentityCommand({}));
      assert.equal(id.Arn, 'arn:aws:iam::111111111111:user/alice');
      assert.match(id.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    } finally {
      await emu.close();
    }
  });

  it('refuses invalid worlds with a message that names the problem (never a secret)', () => {
    const bad = (mutate: (w: WorldSpec) => void, pattern: RegExp): void => {
      const w = seedWorld();
      mutate(w);
      assert.throws(
        () => buildWorld(w),
        (e: Error) => {
          assert.match(e.message, pattern);
          assert.ok(!e.message.includes(SEED_KEYS.alice.secretAccessKey));
          return true;
        },
      );
    };
    const alice = (w: WorldSpec) => w.accounts[0]?.users?.[0];
    bad((w) => {
      const key = alice(w)?.accessKeys?.[0];
      if (key) key.accessKeyId = ['AKIA', 'IOSFODNN7REALKEY'].join(''); // split so no committed line looks like a real key
    }, /must match .* contain EXAMPLE, FAKE or TEST/);
    bad((w) => {
      const key = alice(w)?.accessKeys?.[0];
      if (key) key.secretAccessKey = 'short';
    }, /must be 40 characters/);
    bad((w) => {
      const role = w.accounts[1]?.roles?.[0];
      if (role) role.maxSessionDuration = 50000;
    }, /MaxSessionDuration/);
    bad((w) => {
      if (w.accounts[0]) w.accounts[0].id = '1234';
    }, /12 digits/);
    bad((w) => {
      const device = alice(w)?.mfaDevices?.[0];
      if (device) device.secretBase32 = 'not base32!';
    }, /base32/);
    assert.throws(() => parseWorldJson('{"users":[]}'), /"accounts" array/);
  });
});
