// `npm start` checks for Electron's binary first and says in one line what is wrong and what to do, instead of
// Electron's stack traces. (Electron 45 has no install script, so a fresh `npm install` never has the binary.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../cli/helpers.js';
import {
  electronPackage,
  ensureElectron,
  installedElectron,
  nodeAtLeast,
} from '../support/electron-binary.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { node: installerNode } = electronPackage();

describe('npm start: the Electron pre-check', () => {
  it('compares Node versions as numbers', () => {
    assert.equal(nodeAtLeast('20.19.6', '22.12.0'), false);
    assert.equal(nodeAtLeast('22.12.0', '22.12.0'), true);
    assert.equal(nodeAtLeast('22.9.1', '22.12.0'), false);
    assert.equal(nodeAtLeast('23.0.0', '22.12.0'), true);
  });

  it('Electron has no npm install script (so `npm install` does not fetch the binary)', async () => {
    const pkg = (await import('../../node_modules/electron/package.json', { with: { type: 'json' } }))
      .default as {
      scripts?: Record<string, string>;
    };
    assert.equal(pkg.scripts?.postinstall ?? pkg.scripts?.install, undefined);
  });

  it(
    'without the binary, on a Node older than its installer needs: one line, exit 1, no download tried',
    { skip: installedElectron() ? 'Electron is installed here' : false },
    async () => {
      const result = ensureElectron('20.0.0');
      assert.equal(result.ok, false);
      assert.ok(
        !result.ok && /^Electron .*installer needs Node\.js >= .*npx install-electron/.test(result.problem),
      );
      if (nodeAtLeast(process.versions.node, installerNode)) return; // `npm start` here would download it.
      const sandbox = makeSandbox('npm-start');
      try {
        const run = await runProgram(
          process.execPath,
          ['--import', 'tsx', path.join(root, 'build/start.ts')],
          sandbox.env,
        );
        assert.equal(run.code, 1);
        assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
        assert.match(run.stderr, /^npm start: Electron [\d.]+'s binary is not downloaded yet/);
        assert.doesNotMatch(run.stderr, /\n\s+at /);
      } finally {
        sandbox.cleanup();
      }
    },
  );
});
