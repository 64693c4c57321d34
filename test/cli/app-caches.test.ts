// What the app keeps in memory to switch fast (the source secret, read once) is never served stale after another
// process (the CLI beside the app) changed what it was read from: the next switch in the app sees the change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { expectFailure } from '../support/assertions.js';
import { type CoreFixture, startCoreFixture } from '../support/core-fixture.js';
import { CLI, explain, runProgram } from './helpers.js';

describe("the app's next switch sees what a CLI process changed", () => {
  let f: CoreFixture | undefined;
  const fixture = () => {
    assert.ok(f, 'the fixture started');
    return f;
  };
  before(async () => {
    f = await startCoreFixture('app-caches');
  });
  after(() => f?.close());

  const cli = (args: string[], input?: string) =>
    runProgram(process.execPath, [CLI, ...args], { ...fixture().sandbox.env, NO_COLOR: '1' }, input);
  /** Carol's key id under `name`, with `secret`, and a role assumed from it. */
  const carolRole = async (name: string, secret: string) => {
    const { core } = fixture();
    const carol = (
      await core.addIdentity(
        {
          kind: 'iam-user',
          name,
          accessKeyId: SEED_KEYS.carol.accessKeyId,
          secretAccessKey: secret,
        },
        { verify: false },
      )
    ).identity;
    return core.roles.add({
      label: `${name}-readonly`,
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: carol.id },
      mfa: false,
      sessionName: 'cache-test',
    });
  };

  it('a secret corrected with `rolebar identity set-key` under the same key id is used by the next switch', async () => {
    const { core } = fixture();
    // The secret the app reads (and keeps) first is mistyped: AWS refuses it.
    const role = await carolRole('carol', 'carol/WRONG/secret/key/for/tests/EXAMPLE0');
    await expectFailure(core.assumeRole(role.id), 'sts-wrong-secret');
    // The user follows the hint, in another process, with the same key id.
    const fixed = await cli(
      ['identity', 'set-key', 'carol', '--access-key-id', SEED_KEYS.carol.accessKeyId],
      SEED_KEYS.carol.secretAccessKey,
    );
    assert.equal(fixed.code, 0, explain(fixed));
    const outcome = await core.assumeRole(role.id);
    assert.match(outcome.session.principalArn, /assumed-role\/readonly\/cache-test$/);
  });

  it('a key pair rotated by another process is used by the next switch; the old secret is not', async () => {
    const { core } = fixture();
    const role = await carolRole('carol-app', SEED_KEYS.carol.secretAccessKey);
    await core.assumeRole(role.id); // the secret is now in the app's memory
    // Another process replaces the secret with a wrong one under the same key id: the app must read it too.
    const broken = await cli(
      ['identity', 'set-key', 'carol-app', '--access-key-id', SEED_KEYS.carol.accessKeyId],
      'carol/WRONG/secret/key/for/tests/EXAMPLE0',
    );
    assert.equal(broken.code, 0, explain(broken));
    await expectFailure(core.assumeRole(role.id), 'sts-wrong-secret');
  });
});
