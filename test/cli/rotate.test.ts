// `rolebar identity rotate` end to end: the built CLI against the emulator's IAM, the private keychain and temp
// files; and a kill -9 loop that stops rotations at random moments, after each of which the keychain must hold a
// key that works.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createCore } from '../../electron/core/index.js';
import { openKeychain, type SecretStore } from '../../electron/core/platform/keychain/keychain.js';
import { openSettings } from '../../electron/core/store/settings.js';
import { createStsCaller } from '../../electron/core/aws/sts/client.js';
import { SEED_KEYS } from '../../electron/emulator/index.js';
import { CLI, type CliRun, type CliWorld, explain, startCliWorld } from './helpers.js';

const DAVE_ARN = 'arn:aws:iam::111111111111:user/dave';

describe('rolebar identity rotate against the emulator’s IAM', () => {
  let w: CliWorld;
  let env: NodeJS.ProcessEnv;
  let secrets: SecretStore;
  const rolebar = (args: string[], input?: string): Promise<CliRun> =>
    w.rolebar(args, { env, ...(input ? { input } : {}) });
  const daveKeys = () => {
    const user = w.emu.world.userByArn(DAVE_ARN);
    return user ? w.emu.world.keysOf(user) : [];
  };
  /** The key id settings name for dave, and whether the keychain's key works (a fresh core, as after a crash). */
  const keychainCheck = async (): Promise<{ keyId: string; arn: string }> => {
    const core = createCore({
      settings: openSettings({ dir: w.sandbox.rolebarHome }),
      secrets,
      env,
      homedir: w.sandbox.dir,
      sts: createStsCaller({ maxAttempts: 1, requestTimeoutMs: 3_000 }),
    });
    try {
      // A key made just before the kill may still be propagating (the emulator's delay), and a loaded machine may
      // be slow to answer: try for a while before calling the key broken.
      for (let attempt = 0; ; attempt++) {
        try {
          await core.identities.settle();
          const identity = core.identities.find('dave');
          assert.ok(identity?.kind === 'iam-user', 'dave is still an IAM user identity');
          const { arn } = await core.whoAmI({ identityId: identity.id });
          return { keyId: identity.accessKeyId, arn };
        } catch (error) {
          if (attempt >= 20) throw error;
          await sleep(200);
        }
      }
    } finally {
      core.close();
    }
  };

  before(async () => {
    w = await startCliWorld('cli-rotate');
    env = { ...w.env, AWS_ENDPOINT_URL_IAM: w.emu.endpoint };
    // One keychain for every check: a fresh keychain helper per check would only add load.
    secrets = openKeychain({ service: w.sandbox.keychainService, env });
    const added = await rolebar(
      ['identity', 'add', 'dave', '--access-key-id', SEED_KEYS.dave.accessKeyId],
      `${SEED_KEYS.dave.secretAccessKey}\n`,
    );
    assert.equal(added.code, 0, explain(added));
  });
  after(() => w.close());

  it('rotates, prints what happened, and policy --rotate prints the policy it needs', async () => {
    w.emu.world.newKeyDelayMs = 500;
    const run = await rolebar(['identity', 'rotate', 'dave']);
    assert.equal(run.code, 0, explain(run));
    const [key] = daveKeys();
    assert.equal(daveKeys().length, 1);
    assert.equal(
      run.stdout,
      `Rotated "dave": the new key ${key?.accessKeyId} is in the keychain and works; the old key ${SEED_KEYS.dave.accessKeyId} was deleted.\n`,
    );
    assert.ok(!run.stdout.includes(key?.secretAccessKey ?? '-'), 'the secret is never printed');
    assert.equal((await keychainCheck()).arn, DAVE_ARN);

    const policy = await rolebar(['policy', '--rotate']);
    assert.equal(policy.code, 0, explain(policy));
    const doc = JSON.parse(policy.stdout);
    assert.deepEqual(doc.Statement[0].Action, [
      'iam:ListAccessKeys',
      'iam:CreateAccessKey',
      'iam:UpdateAccessKey',
      'iam:DeleteAccessKey',
      'iam:GetAccessKeyLastUsed',
    ]);
    assert.equal((await rolebar(['policy'])).code, 2);
  });

  it('with two keys: refused, both listed, exit 1; --delete-key chooses', async () => {
    const kept = daveKeys()[0]?.accessKeyId ?? '';
    await rolebar(['identity', 'rotate', 'dave', '--deactivate-old']);
    const two = daveKeys().map((k) => k.accessKeyId);
    assert.equal(two.length, 2);
    const refused = await rolebar(['identity', 'rotate', 'dave']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already has two access keys, IAM's limit; nothing was changed:/);
    for (const id of two) assert.match(refused.stderr, new RegExp(`${id} (Active|Inactive), created`));
    assert.match(refused.stderr, new RegExp(`--delete-key ${kept}`));
    assert.deepEqual(
      daveKeys().map((k) => k.accessKeyId),
      two,
    );
    const chosen = await rolebar(['identity', 'rotate', 'dave', '--delete-key', kept]);
    assert.equal(chosen.code, 0, explain(chosen));
    assert.equal(daveKeys().length, 1);
  });

  it('status and identity list show key age and last use; without the permission, unknown and which one', async () => {
    const alice = await rolebar(
      ['identity', 'add', 'alice', '--access-key-id', SEED_KEYS.alice.accessKeyId],
      `${SEED_KEYS.alice.secretAccessKey}\n`,
    );
    assert.equal(alice.code, 0, explain(alice));
    const today = new Date(w.emu.now()).toISOString().slice(0, 10);
    for (const words of [['identity', 'list'], ['status']]) {
      const run = await rolebar(words);
      assert.equal(run.code, 0, explain(run));
      assert.match(run.stdout, /KEY AGE AND LAST USE/);
      assert.match(
        run.stdout,
        new RegExp(`dave .*created ${today} \\(today\\), last used ${today} with (sts|iam) in us-east-1`),
      );
      assert.match(run.stdout, /alice .*age unknown, last use unknown \(unknown: needs iam:ListAccessKeys\)/);
    }
    const json = JSON.parse((await rolebar(['identity', 'list', '--json'])).stdout);
    const dave = json.find((i: { name: string }) => i.name === 'dave');
    assert.equal(dave.key.createDate.slice(0, 10), today);
    assert.equal((await rolebar(['identity', 'rm', 'alice'])).code, 0);
  });

  it('a kill -9 at 50 random moments always leaves a keychain key that works', async () => {
    w.emu.world.newKeyDelayMs = 200;
    // One whole rotation, timed, bounds the moments to kill at.
    const started = Date.now();
    const whole = await rolebar(['identity', 'rotate', 'dave']);
    assert.equal(whole.code, 0, explain(whole));
    const span = Date.now() - started;
    let killed = 0;
    for (let i = 0; killed < 50 && i < 150; i++) {
      const child = spawn(process.execPath, [CLI, 'identity', 'rotate', 'dave'], { env, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await Promise.race([sleep(Math.random() * span), exited]);
      if (child.exitCode === null && child.kill('SIGKILL')) killed++;
      await exited;
      const { keyId, arn } = await keychainCheck();
      assert.equal(arn, DAVE_ARN, `after kill ${i}`);
      // What a user would do after reading the message: delete the other key, so the next rotation may run.
      for (const key of daveKeys()) if (key.accessKeyId !== keyId) w.emu.world.keys.delete(key.accessKeyId);
    }
    assert.ok(killed >= 50, `50 runs were killed part-way (${killed})`);
  });
});
