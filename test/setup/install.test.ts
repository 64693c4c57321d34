// A fresh machine without libsecret: `npm install` must not die in node-gyp's output. keytar (the keychain
// module) is an optional dependency, so npm goes on without it when it cannot be built, and Rolebar says at the
// first keychain write, in one line, which command installs what it needs.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SEED_KEYS } from '../../electron/emulator/index.js';
import { KEYTAR_BUILD_PACKAGES } from '../../electron/core/platform/keychain/keychain.js';
import { explain, runProgram } from '../cli/helpers.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/** An npm failure that means "no registry here", not "the install failed". */
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|ENOTCACHED/;

describe('installing without libsecret', () => {
  it('keeps keytar an optional dependency, in package.json and in the lock', () => {
    assert.equal(manifest.dependencies.keytar, undefined);
    assert.ok(manifest.optionalDependencies?.keytar);
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string>; optional?: boolean }>;
    };
    assert.equal(lock.packages['']?.optionalDependencies?.keytar, manifest.optionalDependencies?.keytar);
    assert.equal(lock.packages['node_modules/keytar']?.optional, true);
  });

  it('npm install ends well, in a few lines, when pkg-config cannot find libsecret', async (t) => {
    const sandbox = makeSandbox('install');
    try {
      const project = path.join(sandbox.dir, 'project');
      mkdirSync(project);
      // Rolebar's own keytar line, in a project of its own: the part of `npm install` that needs libsecret.
      writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({
          name: 'rolebar-install-check',
          version: '1.0.0',
          private: true,
          optionalDependencies: { keytar: manifest.optionalDependencies?.keytar },
        }),
      );
      const run = await runProgram('npm', ['install', '--no-audit', '--no-fund', '--prefix', project], {
        ...sandbox.env,
        PKG_CONFIG_PATH: '',
        PKG_CONFIG_LIBDIR: '',
        // As on a machine that cannot download keytar's prebuilt binary: it is built from source, and fails.
        npm_config_build_from_source: 'true',
        npm_config_cache: path.join(sandbox.dir, 'npm-cache'),
        npm_config_update_notifier: 'false',
      });
      if (run.code !== 0 && OFFLINE.test(run.stderr)) {
        t.skip('the npm registry is not reachable from here');
        return;
      }
      assert.equal(run.code, 0, explain(run));
      const lines = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.trim() !== '');
      assert.ok(lines.length <= 4, `npm install printed ${lines.length} lines:\n${lines.join('\n')}`);
      assert.doesNotMatch(`${run.stdout}${run.stderr}`, /gyp|libsecret/);
      assert.equal(existsSync(path.join(project, 'node_modules/keytar/build/Release/keytar.node')), false);
    } finally {
      sandbox.cleanup();
    }
  });

  it('the CLI without keytar says what to install, in one line, at the first keychain write, and keeps nothing', async () => {
    const sandbox = makeSandbox('no-keytar');
    try {
      // The built CLI where no node_modules can be found: keytar is missing, as after an install that skipped it.
      const app = path.join(sandbox.dir, 'app');
      cpSync(path.join(root, 'out/cli'), path.join(app, 'cli'), { recursive: true });
      cpSync(path.join(root, 'out/keychain-helper.mjs'), path.join(app, 'keychain-helper.mjs'));
      const run = await runProgram(
        process.execPath,
        [
          path.join(app, 'cli/rolebar.mjs'),
          'identity',
          'add',
          'alice',
          '--access-key-id',
          SEED_KEYS.alice.accessKeyId,
          '--no-verify',
        ],
        sandbox.env,
        `${SEED_KEYS.alice.secretAccessKey}\n`,
      );
      assert.equal(run.code, 1, explain(run));
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, /keytar\) is not installed/);
      assert.ok(run.stderr.includes('As root, or with sudo'), run.stderr);
      assert.ok(run.stderr.includes(`apt-get install -y ${KEYTAR_BUILD_PACKAGES.join(' ')}`), run.stderr);
      assert.ok(!run.stderr.includes(SEED_KEYS.alice.secretAccessKey));
      const list = await runProgram(
        process.execPath,
        [path.join(app, 'cli/rolebar.mjs'), 'identity', 'list', '--json'],
        sandbox.env,
      );
      assert.equal(list.code, 0, explain(list));
      assert.deepEqual(JSON.parse(list.stdout), []);
    } finally {
      sandbox.cleanup();
    }
  });
});
