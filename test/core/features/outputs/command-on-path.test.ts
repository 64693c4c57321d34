// "Install 'rolebar' command in PATH": the launcher runs the command line the packaged app ships from any shell
// that has the user's bin folder on PATH, a file Rolebar did not write is never replaced, and the window's button
// does it through the service.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  installCommandOnPath,
  LAUNCHER_MARK,
  userBinDir,
} from '../../../../electron/core/features/outputs/command-on-path.js';
import {
  cliDirOf,
  findRolebarEntry,
} from '../../../../electron/core/features/outputs/credential-process-command.js';
import { explain, runProgram } from '../../../cli/helpers.js';
import { packagedResources } from '../../../support/packaged.js';
import { makeSandbox } from '../../../support/sandbox.js';
import { startServiceFixture } from '../../../support/service-fixture.js';

/** The system's programs, and no `rolebar`. */
const BARE_PATH = '/usr/bin:/bin';

describe("installing the 'rolebar' command in PATH", () => {
  it('puts a launcher for the CLI the packaged app ships in ~/.local/bin, which a shell then runs', async () => {
    const sandbox = makeSandbox('cli-install');
    try {
      const resources = packagedResources(path.join(sandbox.dir, 'Rolebar', 'resources'));
      const at = findRolebarEntry({
        cliDir: cliDirOf({ outDir: '/nowhere', packaged: true, resourcesPath: resources }),
        execPath: path.join(sandbox.dir, 'Rolebar', 'rolebar'),
        runsOnNode: false,
        env: { PATH: `${path.dirname(process.execPath)}:${BARE_PATH}` },
      });
      const binDir = userBinDir(sandbox.dir);
      const installed = await installCommandOnPath({ at, binDir, env: { PATH: BARE_PATH } });
      assert.deepEqual(installed, { path: path.join(binDir, 'rolebar'), onPath: false });
      assert.equal(statSync(installed.path).mode & 0o777, 0o755);
      const run = await runProgram('sh', ['-c', 'rolebar version'], {
        ...sandbox.env,
        PATH: `${binDir}:${BARE_PATH}`,
      });
      assert.equal(run.code, 0, explain(run));
      assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
      // Again, now with the folder on PATH: its own launcher is rewritten.
      const again = await installCommandOnPath({ at, binDir, env: { PATH: `${binDir}:${BARE_PATH}` } });
      assert.equal(again.onPath, true);
    } finally {
      sandbox.cleanup();
    }
  });

  it('never replaces a rolebar it did not write, and refuses on Windows', async () => {
    const sandbox = makeSandbox('cli-install-foreign');
    try {
      const binDir = userBinDir(sandbox.dir);
      mkdirSync(binDir, { recursive: true });
      const foreign = '#!/bin/sh\nexec node /somewhere/else/rolebar.mjs "$@"\n';
      writeFileSync(path.join(binDir, 'rolebar'), foreign, { mode: 0o755 });
      const at = { node: process.execPath, entry: '/opt/Rolebar/resources/cli/credential-process.mjs' };
      await assert.rejects(installCommandOnPath({ at, binDir, env: {} }), { code: 'cli-install-exists' });
      assert.equal(readFileSync(path.join(binDir, 'rolebar'), 'utf8'), foreign);
      const elsewhere = path.join(sandbox.dir, 'win');
      await assert.rejects(installCommandOnPath({ at, binDir: elsewhere, env: {}, platform: 'win32' }), {
        code: 'cli-install-unsupported',
      });
      assert.equal(existsSync(elsewhere), false);
    } finally {
      sandbox.cleanup();
    }
  });

  it("is the window's cli:install: the launcher in the user's bin folder, or a failure as a value", async () => {
    const f = await startServiceFixture('cli-install-service');
    try {
      const result = await f.service['cli:install']();
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.value.path, path.join(f.sandbox.dir, '.local', 'bin', 'rolebar'));
      assert.ok(readFileSync(result.value.path, 'utf8').includes(LAUNCHER_MARK));
    } finally {
      await f.close();
    }
  });
});
