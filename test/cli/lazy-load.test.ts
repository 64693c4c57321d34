// What the built CLI loads for a listing: `role list` and `status` open the view (core/view.ts), never the engine,
// STS, IAM, Identity Center or the keychain code (a third of the CLI a listing would otherwise compile at 5,000
// catalog roles). A module hook records every file Node loads; each loaded chunk's source map names the sources
// in it. An eager import added back anywhere on the path (a command module, the context, the view) fails here.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { openSettings } from '../../electron/core/store/settings.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

/** Code a listing must not load: the engine and what only a switch, an AWS call or a secret needs. */
const HEAVY = [
  /electron\/core\/platform\/keychain\/(keychain|backend|file-store|secret-service|runner)\.ts$/,
  /electron\/core\/aws\/(sts|iam)\//,
  /electron\/core\/features\/iam\/(?!key-info\.ts$)/,
  /electron\/core\/features\/identity-center\//,
  /electron\/core\/sessions\/(engine|assume|layer)\.ts$/,
  /electron\/core\/index\.ts$/,
  /node_modules\/@(aws-sdk|smithy)\//,
];

describe('a listing loads only what it shows', () => {
  let w: CliWorld;
  let hooks: string;
  let plainHome: string;
  before(async () => {
    w = await startCliWorld('cli-lazy-load');
    const alice = await addAlice(w);
    assert.equal(alice.code, 0, explain(alice));
    await addRole(w, 'prod-ro');
    // A second settings folder whose one identity keeps no key and has no MFA device: status reads no secret.
    plainHome = path.join(w.sandbox.dir, 'plain-rolebar');
    openSettings({ dir: plainHome }).update((data) => {
      data.identities.push({ id: 'me', kind: 'aws-profile', name: 'me', profile: 'default' });
      data.roles.push({
        id: 'r1',
        label: 'ops',
        roleArn: 'arn:aws:iam::222222222222:role/ops',
        source: { kind: 'identity', id: 'me' },
        mfa: false,
      });
    });
    hooks = path.join(w.sandbox.dir, 'load-hooks');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(
      path.join(hooks, 'hooks.mjs'),
      "import { appendFileSync } from 'node:fs';\n" +
        'export async function load(url, context, next) {\n' +
        "  if (url.startsWith('file:')) appendFileSync(process.env.ROLEBAR_TEST_LOADED, url + '\\n');\n" +
        '  return next(url, context);\n' +
        '}\n',
    );
    writeFileSync(
      path.join(hooks, 'register.mjs'),
      "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n",
    );
  });
  after(() => w?.close());

  /** Runs the built CLI; resolves to the sources (from each loaded chunk's source map) it loaded. */
  async function loadedSources(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
    const record = path.join(hooks, `loaded-${args.join('-')}-${Date.now()}.txt`);
    try {
      const run = await w.run(
        process.execPath,
        ['--import', path.join(hooks, 'register.mjs'), CLI, ...args],
        { env: { ...env, ROLEBAR_TEST_LOADED: record } },
      );
      assert.equal(run.code, 0, explain(run));
      const files = readFileSync(record, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file:'))
        .map((url) => fileURLToPath(url))
        .filter((file) => path.dirname(file) === path.dirname(CLI));
      assert.ok(files.includes(CLI), `the hook saw the CLI load: ${files.join(', ')}`);
      return files.flatMap((file) =>
        (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources.map((source) =>
          path.resolve(path.dirname(file), source).split(path.sep).join('/'),
        ),
      );
    } finally {
      rmSync(record, { force: true });
    }
  }

  const heavyIn = (sources: string[]) => sources.filter((s) => HEAVY.some((pattern) => pattern.test(s)));

  it('role list, as a table and as JSON: no engine, STS, IAM or keychain code', async () => {
    for (const args of [
      ['role', 'list'],
      ['role', 'list', '--json'],
    ]) {
      const sources = await loadedSources(args);
      assert.ok(
        sources.some((s) => s.endsWith('electron/core/view.ts')),
        'the view is what role list opens',
      );
      assert.deepEqual(heavyIn(sources), [], `${args.join(' ')} loaded them`);
    }
  });

  it('status without a key or an MFA session to read: no engine, STS, IAM or keychain code', async () => {
    const sources = await loadedSources(['status'], { ROLEBAR_HOME: plainHome });
    assert.deepEqual(heavyIn(sources), [], 'status loaded them');
  });

  it('status with an IAM user: the keychain and IAM code open for her key age (the check sees them load)', async () => {
    const heavy = heavyIn(await loadedSources(['status']));
    assert.ok(
      heavy.some((s) => s.includes('/platform/keychain/')),
      'the keychain opens for her secret',
    );
    assert.ok(
      heavy.some((s) => s.includes('/aws/iam/')),
      'the IAM client asks for her key age',
    );
  });

  it('a switch still loads the engine (the check sees it)', async () => {
    const heavy = heavyIn(await loadedSources(['assume', 'prod-ro']));
    assert.ok(heavy.some((s) => s.endsWith('electron/core/sessions/engine.ts')));
    assert.ok(heavy.some((s) => s.includes('/aws/sts/')));
  });
});
