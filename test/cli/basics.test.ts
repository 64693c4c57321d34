// The CLI's contract without STS round trips: help, version, usage errors, refusing secrets on argv,
// identities and roles kept in settings and the keychain, and bad input that changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { secretAccount } from '../../electron/core/store/identities.js';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, type CliWorld, explain, startCliWorld } from './helpers.js';

const COMMANDS = [
  ['whoami'],
  ['status'],
  ['identity', 'add'],
  ['identity', 'rm'],
  ['identity', 'rotate'],
  ['identity', 'set-key'],
  ['identity', 'list'],
  ['role', 'add'],
  ['role', 'rm'],
  ['role', 'list'],
  ['assume'],
  ['export'],
  ['unset'],
  ['exec'],
  ['credential-process'],
  ['setup-profile'],
  ['console'],
  ['import'],
  ['completion'],
];

/** Asserts a failure: the exit code, one line on stderr, nothing on stdout, and no secret anywhere. */
function assertOneLineFailure(run: { code: number | null; stdout: string; stderr: string }, code: number) {
  assert.equal(run.code, code, `stderr: ${run.stderr}`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line: ${run.stderr}`);
  assert.match(lines[0] ?? '', /^rolebar: /);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!run.stderr.includes(SEED_KEYS.alice.secretAccessKey));
}

describe('rolebar: help, usage and local state', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-basics');
  });
  after(() => w.close());

  it('prints help and the version; no command is a usage error', async () => {
    const help = await w.rolebar(['help']);
    assert.equal(help.code, 0);
    for (const [name] of COMMANDS) assert.match(help.stdout, new RegExp(`\\n  ${name} `));
    assert.equal((await w.rolebar(['--version'])).stdout.trim(), '0.1.0');
    const none = await w.rolebar([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^Usage: rolebar/);
  });

  it('every command answers --help with its usage and exit 0', async () => {
    const runs = await Promise.all(COMMANDS.map((words) => w.rolebar([...words, '--help'])));
    runs.forEach((run, i) => {
      const words = (COMMANDS[i] ?? []).join(' ');
      assert.equal(run.code, 0, `${words}: ${explain(run)}`);
      assert.ok(run.stdout.startsWith(`Usage: rolebar ${words}`), `${words}: ${run.stdout.slice(0, 80)}`);
    });
    assert.match((await w.rolebar(['help', 'assume'])).stdout, /^Usage: rolebar assume \[ROLE\.\.\.\]/);
  });

  it('usage mistakes exit 2 with one line', async () => {
    assertOneLineFailure(await w.rolebar(['frobnicate']), 2);
    assertOneLineFailure(await w.rolebar(['status', '--bogus']), 2);
    assertOneLineFailure(await w.rolebar(['role', 'add', 'x', '--source', 'alice']), 2);
    assertOneLineFailure(await w.rolebar(['export', 'x', '--format', 'tcsh']), 2);
    assertOneLineFailure(await w.rolebar(['exec']), 2);
    assertOneLineFailure(await w.rolebar(['identity', 'add', 'x']), 2);
  });

  it('refuses a secret on the command line, explains why, and changes nothing', async () => {
    const before = w.files();
    for (const flag of ['--secret-access-key', '--secret']) {
      const run = await w.rolebar([
        'identity',
        'add',
        'alice',
        '--access-key-id',
        SEED_KEYS.alice.accessKeyId,
        flag,
        'not-a-real-secret-EXAMPLE',
      ]);
      assertOneLineFailure(run, 2);
      assert.match(run.stderr, /shell history/);
      assert.match(run.stderr, /stdin/);
    }
    const inline = await w.rolebar(['identity', 'set-key', 'alice', '--secret=not-a-real-secret-EXAMPLE']);
    assertOneLineFailure(inline, 2);
    assert.deepEqual(w.files(), before);
  });

  it('adds an identity with its secret from stdin, into the keychain only', async () => {
    const added = await addAlice(w, ['--mfa-serial', 'arn:aws:iam::111111111111:mfa/alice']);
    assert.equal(added.code, 0, explain(added));
    assert.doesNotMatch(w.files().settings ?? '', new RegExp(SEED_KEYS.alice.secretAccessKey.slice(0, 12)));
    const secrets = openKeychain({ service: w.sandbox.keychainService, env: w.env });
    assert.equal((await secrets.list()).length, 1);
    const list = await w.rolebar(['identity', 'list', '--json']);
    assert.equal(JSON.parse(list.stdout)[0].accessKeyId, SEED_KEYS.alice.accessKeyId);
    const empty = await w.rolebar(['identity', 'add', 'bob', '--access-key-id', SEED_KEYS.bob.accessKeyId]);
    assertOneLineFailure(empty, 1);
    assert.match(empty.stderr, /No secret access key/);
  });

  it('sets a new key by hand, and removes an identity with its keychain entry', async () => {
    const add = await w.rolebar(
      ['identity', 'add', 'carol', '--access-key-id', SEED_KEYS.carol.accessKeyId],
      {
        input: SEED_KEYS.carol.secretAccessKey,
      },
    );
    assert.equal(add.code, 0, explain(add));
    const rotate = await w.rolebar(
      ['identity', 'set-key', 'carol', '--access-key-id', 'AKIACAROLNEWKEYEXAMPLE'],
      {
        input: 'carol/NEW/secret/key/for/tests/EXAMPLE00',
      },
    );
    assert.equal(rotate.code, 0, explain(rotate));
    assert.match((await w.rolebar(['identity', 'list'])).stdout, /AKIACAROLNEWKEYEXAMPLE/);
    assert.equal((await w.rolebar(['identity', 'rm', 'carol'])).code, 0);
    const secrets = openKeychain({ service: w.sandbox.keychainService, env: w.env });
    assert.equal((await secrets.list()).length, 1);
  });

  it('set-key recovers an identity whose secret is gone from the keychain, as orphans says', async () => {
    const add = await w.rolebar(['identity', 'add', 'lost', '--access-key-id', SEED_KEYS.carol.accessKeyId], {
      input: SEED_KEYS.carol.secretAccessKey,
    });
    assert.equal(add.code, 0, explain(add));
    const id = JSON.parse(w.files().settings ?? '{}').identities.find(
      (i: { name: string }) => i.name === 'lost',
    ).id;
    const secrets = openKeychain({ service: w.sandbox.keychainService, env: w.env });
    assert.ok(await secrets.delete(secretAccount(id)));
    const orphans = await w.rolebar(['identity', 'orphans']);
    const advice = `rolebar identity set-key lost --access-key-id ${SEED_KEYS.carol.accessKeyId}`;
    assert.ok(orphans.stdout.includes(`enter it again with \`${advice}\``), orphans.stdout);
    const rotate = await w.rolebar(advice.split(' ').slice(1), { input: SEED_KEYS.carol.secretAccessKey });
    assert.equal(rotate.code, 0, explain(rotate));
    assert.ok(
      (await secrets.get(secretAccount(id))) === SEED_KEYS.carol.secretAccessKey,
      'the new secret is stored',
    );
    assert.doesNotMatch((await w.rolebar(['identity', 'orphans'])).stdout, /has no secret/);
    assert.equal((await w.rolebar(['identity', 'rm', 'lost'])).code, 0);
  });

  it('adds, lists and removes roles; status shows them', async () => {
    const add = await w.rolebar([
      'role',
      'add',
      'prod-ro',
      '--role-arn',
      SEED_ROLES.readonly,
      '--source',
      'alice',
      '--region',
      'eu-central-1',
    ]);
    assert.equal(add.code, 0, explain(add));
    const chained = await w.rolebar([
      'role',
      'add',
      'deployer',
      '--role-arn',
      SEED_ROLES.deployer,
      '--source',
      'prod-ro',
    ]);
    assert.equal(chained.code, 0, explain(chained));
    const list = JSON.parse((await w.rolebar(['role', 'list', '--json'])).stdout) as Array<{ label: string }>;
    assert.deepEqual(
      list.map((r) => r.label),
      ['prod-ro', 'deployer'],
    );
    const inUse = await w.rolebar(['role', 'rm', 'prod-ro']);
    assertOneLineFailure(inUse, 1);
    assert.match(inUse.stderr, /Cannot remove "prod-ro": "deployer" is assumed from it/);
    assert.equal((await w.rolebar(['role', 'rm', 'deployer'])).code, 0);
    const status = await w.rolebar(['status']);
    assert.equal(status.code, 0, explain(status));
    assert.match(
      status.stdout,
      /Identities \(1\)[\s\S]*alice[\s\S]*Roles \(1\)[\s\S]*prod-ro[\s\S]*Active sessions \(0\)/,
    );
    const json = JSON.parse((await w.rolebar(['status', '--json'])).stdout) as Record<string, unknown[]>;
    assert.equal(json.roles?.length, 1);
    const who = await w.rolebar(['whoami']);
    assert.equal(who.code, 0);
    assert.match(who.stdout, /No active session/);
  });

  it('bad input exits 1 with one clear line and leaves every file byte-identical', async () => {
    const before = w.files();
    const cases: Array<[string[], RegExp]> = [
      [['export', 'no-such-role'], /No role "no-such-role"/],
      [['exec', 'no-such-role', '--', 'true'], /No role/],
      [['credential-process', 'no-such-role'], /No role/],
      [['assume', 'arn:aws:iam::12345:role/x'], /is not a role ARN/],
      [['role', 'add', 'bad', '--role-arn', 'arn:aws:iam::1:role/x', '--source', 'alice'], /not a role ARN/],
      [
        ['role', 'add', 'bad', '--role-arn', SEED_ROLES.readonly, '--source', 'nobody'],
        /No identity or role "nobody"/,
      ],
      [['identity', 'rm', 'nobody'], /No identity "nobody"/],
    ];
    for (const [args, message] of cases) {
      const run = await w.rolebar(args);
      assertOneLineFailure(run, 1);
      assert.match(run.stderr, message);
    }
    assert.deepEqual(w.files(), before);
  });
});
