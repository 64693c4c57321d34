// `rolebar import --remove-plaintext-keys` of many key pairs, killed with SIGKILL at moments picked from its journal
// (secrets being written, the commit made, the credentials file edited) and at spread-out times, with the OS
// keychain and with the encrypted keychain file: after the next
// command (an import preview, which settles what was cut short) the import is all or nothing — every identity,
// role and keychain entry with both files fully updated, or none of them with both files as they were — no
// keychain entry is orphaned, and botocore still resolves the profiles. Real gnome-keyring, real files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keychainFileIn, openFileKeychain } from '../../electron/core/platform/keychain/file-store.js';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { TEST_COST } from '../support/keychain-file.js';
import { manyKeyPairs } from '../support/many-keys.js';
import { makeSandbox } from '../support/sandbox.js';
import { CLI, explain, runProgram } from './helpers.js';

const PAIRS = 150;
const { text: credentialsText, pairs } = manyKeyPairs(PAIRS);
const first = pairs[0] as (typeof pairs)[number];
// The first profile's pair is in the config file too (both files are edited); three roles start from keys.
const configText = [
  `[profile ${first.profile}]\naws_access_key_id = ${first.keyId}\naws_secret_access_key = ${first.secret}\n`,
  ...[1, 2, 3].map(
    (i) =>
      `[profile role-${i}]\nrole_arn = arn:aws:iam::222222222222:role/r${i}\nsource_profile = k00000${i}\n`,
  ),
].join('\n');

/** When to kill: once settings show a journal phase, or a file an edit, or after some milliseconds. */
type Point = 'secrets' | 'commit' | 'credentials-edited' | number;
/** Each moment with the OS keychain (gnome-keyring), then a few with the encrypted keychain file (one write). */
const POINTS: Array<[Point, 'os' | 'file']> = [
  ...(['secrets', 'secrets', 'commit', 'commit', 'credentials-edited', 400, 800, 1200, 2000] as const).map(
    (point): [Point, 'os'] => [point, 'os'],
  ),
  ...(['secrets', 'commit', 'credentials-edited', 600] as const).map((point): [Point, 'file'] => [
    point,
    'file',
  ]),
];

describe('an import killed part-way', () => {
  it(`of ${PAIRS} key pairs, at ${POINTS.length} moments: all or nothing after the next command`, async () => {
    const outcomes: string[] = [];
    for (const [round, [point, backend]] of POINTS.entries()) {
      const sandbox = makeSandbox(`import-kill-${round}`);
      const env: NodeJS.ProcessEnv = { ...sandbox.env, NO_COLOR: '1' };
      if (backend === 'file')
        Object.assign(env, { ROLEBAR_KEYCHAIN: 'file', ROLEBAR_KEYCHAIN_PASSPHRASE: 'kill' });
      const fileStore =
        backend === 'file'
          ? openFileKeychain({
              file: keychainFileIn(sandbox.rolebarHome),
              service: sandbox.keychainService,
              env,
              cost: TEST_COST,
            })
          : undefined;
      // A cheap key for the file (its KDF is not under test here): made before the import opens it.
      await fileStore?.unlock();
      const keychain = fileStore ?? openKeychain({ service: sandbox.keychainService, env });
      const settingsFile = path.join(sandbox.rolebarHome, 'settings.json');
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
      const compact = () => read(settingsFile).replace(/\s/g, '');
      const reached: Record<string, () => boolean> = {
        secrets: () => compact().includes('"op":"add"'),
        commit: () => compact().includes('"op":"move-keys"'),
        'credentials-edited': () => !read(sandbox.credentialsFile).includes('aws_secret_access_key'),
      };
      try {
        mkdirSync(path.dirname(sandbox.credentialsFile), { recursive: true });
        writeFileSync(sandbox.credentialsFile, credentialsText, { mode: 0o600 });
        writeFileSync(sandbox.configFile, configText);
        const child = spawn(process.execPath, [CLI, 'import', '--remove-plaintext-keys'], {
          env,
          stdio: 'ignore',
        });
        let done = false;
        const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => (done = true));
        if (typeof point === 'number') await Promise.race([sleep(point), exited]);
        else while (!done && !reached[point]?.()) await sleep(2);
        const killedPartWay = !done;
        child.kill('SIGKILL');
        await exited;

        // The next command: a preview settles what the killed import left (its secrets, or its files' edits).
        const next = await runProgram(process.execPath, [CLI, 'import', '--dry-run', '--json'], env);
        assert.equal(next.code, 0, explain(next));
        const state = JSON.parse(read(settingsFile) || '{"identities":[],"roles":[]}') as {
          identities: Array<{ name: string }>;
          roles: Array<{ label: string }>;
          keychainIntents?: unknown[];
        };
        const accounts = await keychain.list();
        const orphans = await runProgram(process.execPath, [CLI, 'identity', 'orphans', '--json'], env);
        assert.equal(orphans.code, 0, explain(orphans));
        assert.deepEqual(JSON.parse(orphans.stdout), {
          orphanedEntries: [],
          removed: [],
          identitiesWithoutSecret: [],
        });
        assert.equal(state.keychainIntents, undefined, `round ${round}: the journal is empty`);
        const credentials = read(sandbox.credentialsFile);
        const config = read(sandbox.configFile);
        const context = `round ${round} (${point}, ${backend}${killedPartWay ? '' : ', it had finished'})`;
        if (state.identities.length === 0) {
          outcomes.push(`${point} ${backend}${killedPartWay ? '' : ' (done)'}: nothing`);
          assert.deepEqual(state.roles, [], context);
          assert.deepEqual(accounts, [], context);
          assert.equal(credentials, credentialsText, `${context}: the credentials file is as it was`);
          assert.equal(config, configText, `${context}: the config file is as it was`);
        } else {
          outcomes.push(`${point} ${backend}${killedPartWay ? '' : ' (done)'}: everything`);
          assert.equal(state.identities.length, PAIRS, context);
          assert.deepEqual(state.roles.map((r) => r.label).sort(), ['role-1', 'role-2', 'role-3'], context);
          assert.equal(accounts.length, PAIRS, context);
          assert.ok(
            accounts.every((a) => a.startsWith('iam-user:')),
            context,
          );
          // Both files fully updated: no key pair left, a credential_process line for each profile.
          assert.ok(!/aws_secret_access_key/.test(credentials + config), `${context}: no key pair is left`);
          assert.equal(credentials.match(/^credential_process = /gm)?.length, PAIRS, context);
          assert.match(config, new RegExp(`\\[profile ${first.profile}\\]\\ncredential_process = `), context);
        }
        // The journal's own moments give their outcome whatever the machine's speed: before the commit nothing.
        if (point === 'secrets' && killedPartWay) assert.ok(state.identities.length === 0, context);
        if (point === 'commit') assert.equal(state.identities.length, PAIRS, context);

        // botocore resolves a plain profile and its pair as it did, through the keys or Rolebar's line.
        const script = `import botocore.session as s; print(s.Session(profile='k000007').get_credentials().access_key)`;
        const py = await runProgram('/usr/bin/python3', ['-c', script], env);
        assert.equal(py.stdout.trim(), pairs[7]?.keyId, `${context}: ${py.stderr}`);
      } finally {
        for (const account of await keychain.list().catch(() => [])) await keychain.delete(account);
        sandbox.cleanup();
      }
    }
    console.log(`outcomes: ${outcomes.join('; ')}`);
    assert.ok(
      outcomes.some((o) => o.endsWith('nothing')),
      'at least one kill landed before the commit',
    );
  });
});
