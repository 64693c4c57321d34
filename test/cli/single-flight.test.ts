// The session layer through the built CLI: a burst of credential-process calls for an expired session makes one
// AssumeRole (the others wait on the role's lock and reuse it), and removing a role others chain from changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeProfile } from '../../electron/core/aws-files/index.js';
import { openCore } from '../../electron/core/index.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, type CliWorld, explain, startCliWorld } from './helpers.js';

/** Makes the role's session one that ended a minute ago: its record and its profile, as after a night's sleep. */
async function expire(world: CliWorld, label: string): Promise<void> {
  const core = openCore(world.env);
  try {
    const role = core.roles.find(label);
    const record = role && core.sessions.get(role.id);
    const credentials = role && (await core.credentialsOf(role.id));
    assert.ok(record && credentials, `"${label}" has a live session to expire`);
    const ended = new Date(Date.now() - 60_000);
    await writeProfile(
      { name: record.profileName, ...credentials, expiration: ended, principalArn: record.principalArn },
      { env: world.env, homedir: world.sandbox.dir },
    );
    await core.sessions.save({ ...record, expiration: ended.toISOString() });
  } finally {
    core.close();
  }
}

describe('one session layer, through the built CLI', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-flight');
    const alice = await addAlice(w);
    assert.equal(alice.code, 0, explain(alice));
    for (const [label, arn, source] of [
      ['burst', SEED_ROLES.readonly, 'alice'],
      ['hub', SEED_ROLES.readonly, 'alice'],
      ['spoke', SEED_ROLES.deployer, 'hub'],
      ['rim', SEED_ROLES.auditor, 'hub'],
    ] as const) {
      const add = await w.rolebar(['role', 'add', label, '--role-arn', arn, '--source', source]);
      assert.equal(add.code, 0, explain(add));
    }
  });
  after(() => w.close());

  it('10 concurrent credential-process calls for an expired session make exactly 1 AssumeRole', async () => {
    const first = await w.rolebar(['assume', 'burst']);
    assert.equal(first.code, 0, explain(first));
    await expire(w, 'burst');
    w.emu.clearRequests();
    const runs = await Promise.all(
      Array.from({ length: 10 }, () => w.rolebar(['credential-process', 'burst'])),
    );
    for (const run of runs) assert.equal(run.code, 0, explain(run));
    assert.equal(w.emu.countRequests('AssumeRole'), 1, 'one renewal for the whole burst');
    const keys = new Set(runs.map((run) => (JSON.parse(run.stdout) as { AccessKeyId: string }).AccessKeyId));
    assert.equal(keys.size, 1, 'every caller got the one renewed session');
    const answer = JSON.parse(runs[0]?.stdout ?? '{}') as { Expiration: string };
    assert.ok(Date.parse(answer.Expiration) > Date.now() + 50 * 60_000, 'a fresh hour');
  });

  it('role rm of a role others chain from changes nothing and names them', async () => {
    const assumed = await w.rolebar(['assume', 'hub']);
    assert.equal(assumed.code, 0, explain(assumed));
    const before = w.files();
    const run = await w.rolebar(['role', 'rm', 'hub']);
    assert.equal(run.code, 1, explain(run));
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Cannot remove "hub": "spoke", "rim" are assumed from it\. Nothing was changed/);
    assert.deepEqual(w.files(), before, 'settings, credentials and config are byte-identical');
    const status = await w.rolebar(['status']);
    assert.match(status.stdout, /Active sessions \(\d\)[\s\S]*hub/, 'the session is still live');
  });
});
