// The README's set-up, word for word, on a fresh clone with a fresh HOME (no npm cache), as root without sudo:
// the apt line, then `npm install && npm start`, then the README's own test in that clone (the whole `npm test`
// takes many minutes more). It needs the network and minutes, so it runs only when asked:
// ROLEBAR_FRESH_INSTALL=1 npm test -- test/setup/readme-setup.test.ts
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explain, runProgram } from '../cli/helpers.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The shell lines of the README's Install section, in order. */
function installSteps(): string[] {
  const section = readme.split('\n## Install\n')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => (match[1] ?? '').split('\n'))
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter(Boolean);
}

const asked = process.env.ROLEBAR_FRESH_INSTALL === '1';
const isRoot = process.getuid?.() === 0;

describe(
  "the README's set-up on a fresh clone",
  { skip: asked ? false : 'set ROLEBAR_FRESH_INSTALL=1 to run it' },
  () => {
    it('works word for word as root without sudo, with a fresh HOME', { timeout: 30 * 60_000 }, async () => {
      const steps = installSteps();
      assert.deepEqual(
        steps.map((step) => step.split(' ').slice(0, 2).join(' ')),
        ['apt-get install', 'npm install', 'npm test'],
      );
      const sandbox = makeSandbox('fresh-clone');
      try {
        const clone = path.join(sandbox.dir, 'rolebar');
        const cloned = await runProgram('git', ['clone', '--quiet', root, clone], sandbox.env);
        assert.equal(cloned.code, 0, explain(cloned));
        const env: NodeJS.ProcessEnv = { ...sandbox.env, PWD: clone };
        delete env.DISPLAY;
        const run = (line: string) => runProgram('sh', ['-c', `cd "${clone}" && ${line}`], env);

        const [apt = '', install = ''] = steps;
        assert.ok(!apt.includes('sudo'), 'no sudo: a container has none');
        if (isRoot) {
          const packages = await run(apt);
          assert.equal(packages.code, 0, explain(packages));
        }
        // npm start cannot get Electron's binary here (Node 20 or offline): it must say so in one line.
        const started = await run(install);
        const lines = started.stderr.split('\n').filter((line) => line.startsWith('npm start:'));
        assert.ok(
          existsSync(path.join(clone, 'node_modules/.package-lock.json')),
          `npm install: ${explain(started)}`,
        );
        assert.ok(started.code === 0 || lines.length === 1, explain(started));
        const tested = await run('npm test -- test/setup/readme.test.ts test/setup/install.test.ts');
        assert.equal(tested.code, 0, explain(tested));
      } finally {
        sandbox.cleanup();
      }
    });
  },
);
