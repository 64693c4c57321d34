/*
 * Several processes writing at once lose nothing; a writer killed at any moment leaves the old file
 * or the new one, never a mix or a truncation.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { listProfiles, writeProfile } from '../../../electron/core/aws-files/index.js';
import { type TempHome, fakeSession, makeTempHome } from './helpers.js';

const childSource = fileURLToPath(new URL('./writer-child.ts', import.meta.url));
let child = '';
// Bundled once to plain JS: a child then starts in tens of ms instead of ~0.5 s under tsx, so 40+ kills stay quick.
const spawnChild = (...args: string[]): ChildProcess =>
  spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });

function exited(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

let home: TempHome;
before(async () => {
  home = await makeTempHome();
  child = path.join(home.home, 'writer-child.mjs');
  await build({
    entryPoints: [childSource],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
});
after(() => home.cleanup());

test('four processes writing different profiles concurrently: every update is present', async () => {
  const names = [0, 1, 2, 3].map((p) => [0, 1, 2, 3, 4].map((i) => `proc${p}-p${i}`));
  const procs = names.map((list) => spawnChild('profiles', home.home, ...list));
  const codes = await Promise.all(procs.map(exited));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const listed = await listProfiles(home.where);
  const ours = listed
    .filter((p) => p.owned && p.inCredentials && p.region === 'eu-west-1')
    .map((p) => p.name);
  assert.deepEqual(ours.sort(), names.flat().sort());
  const files = await readdir(path.dirname(home.credentials));
  assert.ok(!files.some((f) => f.endsWith('.rolebar-lock')), 'a lock was left behind');
});

test('in-process concurrent writes to one file all land', async () => {
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => writeProfile(fakeSession(`inproc${i}`, String(i)), home.where)),
  );
  const names = (await listProfiles(home.where)).map((p) => p.name);
  for (let i = 0; i < 10; i++) assert.ok(names.includes(`inproc${i}`));
});

test('SIGKILL at random moments during writes of a large file never leaves a mix or a truncation', async () => {
  // Each worker owns a home with a ~0.5 MB credentials file and flips one profile between A and B.
  const workers = 4;
  const killsPerWorker = 8;
  const bodies = Array.from(
    { length: 8_000 },
    (_, i) => `[user${i}]\naws_access_key_id = AKIAUSER${i}\n# comment ${i}\n\n`,
  ).join('');
  const run = async (w: number): Promise<number> => {
    const dir = path.join(home.home, `kill${w}`);
    const where = {
      homedir: dir,
      env: { AWS_SHARED_CREDENTIALS_FILE: `${dir}/.aws/credentials`, AWS_CONFIG_FILE: `${dir}/.aws/config` },
    };
    await mkdir(`${dir}/.aws`, { recursive: true });
    await writeFile(where.env.AWS_SHARED_CREDENTIALS_FILE, bodies, { mode: 0o600 });
    await writeProfile(fakeSession('big', 'B'), where);
    const contentB = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
    await writeProfile(fakeSession('big', 'A'), where);
    const contentA = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
    let seenB = 0;
    for (let k = 0; k < killsPerWorker; k++) {
      const proc = spawnChild('flip', dir, 'big');
      await new Promise<void>((resolve, reject) => {
        proc.stdout?.once('data', () => resolve());
        proc.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      proc.kill('SIGKILL');
      await exited(proc);
      const now = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
      const isA = now.equals(contentA);
      const isB = now.equals(contentB);
      assert.ok(
        isA || isB,
        `kill ${k} of worker ${w}: the file is neither the old nor the new content (${now.length} bytes)`,
      );
      if (isB) seenB++;
    }
    // Temp files a kill left behind are cleaned by the next write.
    await writeProfile(fakeSession('big', 'A'), where);
    const left = (await readdir(`${dir}/.aws`)).filter((f) => f.includes('rolebar-tmp'));
    assert.deepEqual(left, []);
    return seenB;
  };
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
  assert.equal(results.length, workers);
});
