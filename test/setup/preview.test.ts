// `npm run preview`: the real window in Chromium against the demo service, no Electron, no AWS.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
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

  it('without a display says so in one line, with the command that works, and builds or starts nothing', async () => {
    const sandbox = makeSandbox('preview-headless');
    try {
      const env: NodeJS.ProcessEnv = { ...sandbox.env, TMPDIR: sandbox.dir };
      delete env.DISPLAY;
      delete env.WAYLAND_DISPLAY;
      const run = await runProgram(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'build/preview.ts')],
        env,
      );
      assert.equal(run.code, 1, explain(run));
      assert.equal(run.stdout, '');
      assert.equal(
        run.stderr,
        'npm run preview needs a display (no DISPLAY is set): run it as `xvfb-run -a npm run preview`.\n',
      );
      // Nothing was started: no demo folder, no browser profile in the temp folder it was given (tsx's cache aside).
      const left = readdirSync(sandbox.dir).filter((name) => !name.startsWith('tsx-'));
      assert.deepEqual(left, ['rolebar']);
    } finally {
      sandbox.cleanup();
    }
  });
});
