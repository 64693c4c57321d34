// `npm test`'s first check: what is missing, and a fix that fits — an override pointing nowhere is blamed as
// such, not answered with packages to install.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProgram } from '../cli/helpers.js';
import { LINUX_TEST_PACKAGES, missingPrerequisites } from '../support/prerequisites.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm test prerequisites', () => {
  it('ROLEBAR_CHROMIUM=/nonexistent blames the override, not a package', () => {
    const missing = missingPrerequisites({ ...process.env, ROLEBAR_CHROMIUM: '/nonexistent' });
    assert.deepEqual(missing, [
      {
        what: 'Chromium',
        fix: 'ROLEBAR_CHROMIUM=/nonexistent is not a file; correct or unset ROLEBAR_CHROMIUM',
      },
    ]);
  });

  it('npm test itself says so in one line and exits 1', async () => {
    const run = await runProgram(process.execPath, ['--import', 'tsx', path.join(root, 'test/run.ts')], {
      ...process.env,
      ROLEBAR_CHROMIUM: '/nonexistent',
    });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr,
      'npm test needs Chromium: ROLEBAR_CHROMIUM=/nonexistent is not a file; correct or unset ROLEBAR_CHROMIUM.\n',
    );
  });

  it('the package list includes what keytar needs to build, and .ci/run installs the same list', () => {
    for (const tool of ['python3', 'make', 'g++', 'pkg-config', 'libsecret-1-dev']) {
      assert.ok((LINUX_TEST_PACKAGES as readonly string[]).includes(tool), tool);
    }
    const ci = /packages=\(([^)]*)\)/.exec(readFileSync(path.join(root, '.ci/run'), 'utf8'))?.[1];
    assert.equal(ci, LINUX_TEST_PACKAGES.join(' '));
  });
});
