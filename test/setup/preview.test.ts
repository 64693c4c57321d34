// `npm run preview`: the real window in Chromium against the demo service, no Electron, no AWS.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explain, runProgram } from '../cli/helpers.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('npm run preview', () => {
  it('opens the built window against the demo and shows its roles (--check: headless, then exits)', async () => {
    const sandbox = makeSandbox('preview');
    try {
      const run = await runProgram(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'build/preview.ts'), '--check', '--no-build'],
        { ...sandbox.env, TMPDIR: sandbox.dir },
      );
      assert.equal(run.code, 0, explain(run));
      assert.match(run.stdout, /preview ok: the window shows the demo roles/);
    } finally {
      sandbox.cleanup();
    }
  });
});
