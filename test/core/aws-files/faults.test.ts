/*
 * Faults and odd files around the writer: backups on every overwrite of someone else's bytes, paths that are
 * not regular files, binary files, leftover temp and lock files. Real files, real processes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import {
  AwsFileError,
  listProfiles,
  readProfileCredentials,
  writeProfile,
} from '../../../electron/core/aws-files/index.js';
import { MAX_BACKUPS } from '../../../electron/core/aws-files/backups.js';
import { type TempHome, fakeSession, makeTempHome } from './helpers.js';

let home: TempHome;
beforeEach(async () => {
  home = await makeTempHome();
  await mkdir(path.dirname(home.credentials), { recursive: true, mode: 0o700 });
});
afterEach(() => home.cleanup());

const awsDir = () => path.dirname(home.credentials);
const backupsOf = async (base = 'credentials') =>
  (await readdir(awsDir())).filter((f) => f.startsWith(`${base}.rolebar-backup-`)).sort();
const code = (expected: string) => (error: unknown) =>
  error instanceof AwsFileError && error.code === expected;
const LONG_TERM = (tag: string) =>
  `[dev]\naws_access_key_id = AKIAFAKELONGTERM${tag}\naws_secret_access_key = fake/old/secret/${tag}\n`;

test('a temp file a killed writer left is cleaned even when the next write changes nothing', async () => {
  await writeProfile(fakeSession('p'), home.where);
  const leftover = path.join(awsDir(), '.credentials.rolebar-tmp-999999999-abcdef012345');
  await writeFile(leftover, 'half a file');
  const again = await writeProfile(fakeSession('p'), home.where); // the same values: no bytes change
  assert.deepEqual(again.backups, []);
  assert.deepEqual(
    (await readdir(awsDir())).filter((f) => f.includes('rolebar-tmp')),
    [],
    'the leftover was cleaned',
  );
});

test('--force after an earlier backup keeps the overwritten long-term secret in a new backup', async () => {
  await writeFile(home.credentials, '[other]\nk = v\n', { mode: 0o600 });
  const first = await writeProfile(fakeSession('mine'), home.where);
  assert.equal(first.backups.length, 1, 'the first change made a backup');
  // Later the user adds long-term keys by hand; a forced write then replaces them.
  await writeFile(home.credentials, `${await readFile(home.credentials, 'utf8')}${LONG_TERM('ONE0')}`);
  const forced = await writeProfile(fakeSession('dev', 'F'), { ...home.where, force: true });
  assert.equal(forced.backups.length, 1, 'a new backup although one existed');
  assert.match(await readFile(forced.backups[0] ?? '', 'utf8'), /fake\/old\/secret\/ONE0/);
  // Forcing again over our own section now needs no backup; new foreign bytes do.
  const again = await writeProfile(fakeSession('dev', 'G'), { ...home.where, force: true });
  assert.deepEqual(again.backups, []);
  const text = await readFile(home.credentials, 'utf8');
  await writeFile(home.credentials, text.replace(/\[dev\][^[]*/, LONG_TERM('TWO0')));
  const second = await writeProfile(fakeSession('dev', 'H'), { ...home.where, force: true });
  assert.equal(second.backups.length, 1);
  assert.match(await readFile(second.backups[0] ?? '', 'utf8'), /fake\/old\/secret\/TWO0/);
  // The same foreign bytes forced twice are backed up once.
  await writeFile(home.credentials, text.replace(/\[dev\][^[]*/, LONG_TERM('TWO0')));
  const third = await writeProfile(fakeSession('dev', 'I'), { ...home.where, force: true });
  assert.deepEqual(third.backups, []);
});

test('backups are bounded, but a forced backup younger than 30 days is never pruned', async () => {
  await writeFile(home.credentials, LONG_TERM('KEEP'), { mode: 0o600 });
  const old = (day: number, forced: boolean) =>
    `credentials.rolebar-backup-202001${String(day).padStart(2, '0')}T000000Z${forced ? '-forced' : ''}`;
  const recentForced = `credentials.rolebar-backup-${new Date(Date.now() - 86_400_000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-forced`;
  for (let day = 1; day <= MAX_BACKUPS + 5; day++)
    await writeFile(path.join(awsDir(), old(day, day % 2 === 0)), `old ${day}\n`);
  await writeFile(path.join(awsDir(), recentForced), 'the only copy\n');
  const forced = await writeProfile(fakeSession('dev'), { ...home.where, force: true });
  assert.equal(forced.backups.length, 1);
  const kept = await backupsOf();
  assert.equal(kept.length, MAX_BACKUPS);
  assert.ok(kept.includes(recentForced), 'the recent forced backup is kept');
  assert.ok(kept.includes(path.basename(forced.backups[0] ?? '')), 'the new backup is kept');
  assert.ok(!kept.includes(old(1, false)), 'the oldest was pruned');
});

/** Makes a FIFO, a device, a folder and a socket at `file`; returns a closer for the socket. */
async function makeOdd(kind: string, file: string): Promise<() => void> {
  if (kind === 'fifo') execFileSync('mkfifo', [file]);
  if (kind === 'device') execFileSync('mknod', [file, 'c', '1', '3']); // /dev/null's numbers (needs root)
  if (kind === 'folder') await mkdir(file);
  if (kind === 'socket') {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(file, resolve));
    return () => server.close();
  }
  return () => undefined;
}

const canMknod = (() => {
  const probe = path.join(os.tmpdir(), `rolebar-mknod-${process.pid}`);
  try {
    execFileSync('mknod', [probe, 'c', '1', '3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rm', ['-f', probe]);
  }
})();

for (const which of ['credentials', 'config'] as const) {
  for (const kind of ['fifo', 'device', 'folder', 'socket']) {
    test(`a ${kind} at the ${which} path is refused at once and left as it is`, async (t) => {
      if (kind === 'device' && !canMknod) return t.skip('mknod needs root (CAP_MKNOD) here');
      const file = which === 'credentials' ? home.credentials : home.config;
      const close = await makeOdd(kind, file);
      try {
        const before = await stat(file);
        const started = Date.now();
        const session = { ...fakeSession('dev'), region: 'eu-west-1' };
        await assert.rejects(writeProfile(session, home.where), (error: unknown) => {
          assert.ok(error instanceof AwsFileError && error.code === 'not-a-file', String(error));
          assert.ok(error.message.includes(file), 'names the path');
          return true;
        });
        await assert.rejects(listProfiles(home.where), code('not-a-file'));
        assert.ok(Date.now() - started < 2_000, 'refused within 2 s');
        const after = await stat(file);
        assert.equal(after.ino, before.ino, 'not replaced');
        assert.equal(after.mode, before.mode);
        assert.ok(!(await readdir(awsDir())).some((f) => f.includes('rolebar-lock')), 'no lock left');
      } finally {
        close();
      }
    });
  }
}

test('a binary file at the credentials path is refused, named and left unchanged', async () => {
  const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256));
  await writeFile(home.credentials, binary, { mode: 0o600 });
  await assert.rejects(writeProfile(fakeSession('dev'), home.where), (error: unknown) => {
    assert.ok(error instanceof AwsFileError && error.code === 'not-text');
    assert.ok(error.message.includes(home.credentials));
    return true;
  });
  assert.ok((await readFile(home.credentials)).equals(binary));
  assert.equal(await readProfileCredentials('dev', home.where), undefined);
});

test('a leftover .break file and a stale lock: no busy spin, the writer proceeds', async () => {
  await writeFile(home.credentials, '', { mode: 0o600 });
  const lock = `${home.credentials}.rolebar-lock`;
  await writeFile(lock, `999999999 ${os.hostname()} then x\n`); // a dead holder: stale
  await writeFile(`${lock}.break`, ''); // a breaker that crashed just now
  const cpu = process.cpuUsage();
  await writeProfile(fakeSession('dev'), { ...home.where, timeoutMs: 8_000 });
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  // The old loop retried without sleeping and burnt a core for ~10 s; waiting costs next to no CPU.
  assert.ok(cpuMs < 1_500, `the wait used ${Math.round(cpuMs)} ms of CPU`);
  assert.ok((await readProfileCredentials('dev', home.where))?.accessKeyId);
  await assert.rejects(stat(`${lock}.break`), { code: 'ENOENT' });
});

test('a lock dated in the future is judged abandoned, not waited on until the clock catches up', async () => {
  await writeFile(home.credentials, '', { mode: 0o600 });
  const lock = `${home.credentials}.rolebar-lock`;
  await writeFile(lock, `${process.pid} ${os.hostname()} future x\n`); // a live pid: only the date is wrong
  const future = new Date(Date.now() + 3_600_000);
  await utimes(lock, future, future);
  // Far below the 12 s default: a future-dated lock must not make the writer wait for it.
  await writeProfile(fakeSession('dev'), { ...home.where, timeoutMs: 3_000 });
  await assert.rejects(stat(lock), { code: 'ENOENT' });
  await rm(home.credentials);
});
