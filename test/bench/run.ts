/**
 * `npm run bench`: builds, then runs every test/bench/*.bench.ts in its own process, one after another
 * (these machines are noisy: each bench compares figures taken in the same run). Prints; never fails on speed.
 * Isolated like `npm test` (private keyring and HOME), so benches never touch the user's keychain or ~/.aws.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsIsolation, runIsolated } from '../support/isolation.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const only = process.argv.slice(2);
if (needsIsolation()) process.exit(await runIsolated(root, 'test/bench/run.ts', only));

const build = spawnSync(process.execPath, ['--import', 'tsx', 'build/build.ts'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const benches = readdirSync(path.join(root, 'test/bench'))
  .filter(
    (file) => file.endsWith('.bench.ts') && (only.length === 0 || only.some((name) => file.includes(name))),
  )
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n▶ ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('test/bench', file)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed++;
}
// A bench that crashed is a broken script, not a slow machine: say so in the exit code.
process.exit(failed ? 1 : 0);
