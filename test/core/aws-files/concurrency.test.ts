/*
 * Several processes writing at once lose nothing; a writer killed at any moment, mid-write included, leaves the
 * old file or the new one, never a mix or a truncation.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
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

/** A flipping writer, started parked (it writes once told to go), with its exit watched from the start. */
interface Writer {
  proc: ChildProcess;
  exit: Promise<unknown>;
  /** Tells it to start writing; resolves after its first write. Rejects if it exits first. */
  go(): Promise<void>;
}

function startWriter(dir: string): Writer {
  const proc = spawn(process.execPath, [child, 'flip', dir, 'big'], { stdio: ['pipe', 'pipe', 'inherit'] });
  // Watched at once: a writer that died before the test looked would otherwise leave it waiting forever.
  const exit = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(signal ?? code)));
  proc.stdin?.on('error', () => undefined); // a writer that died early: its exit says so, not a broken pipe
  const go = () =>
    new Promise<void>((resolve, reject) => {
      proc.stdout?.once('data', () => resolve());
      void exit.then((how) => reject(new Error(`writer exited before its first write (${String(how)})`)));
      proc.stdin?.write('go\n');
    });
  return { proc, exit, go };
}

/** The state letter of process `pid` (R running, S sleeping, T stopped…), from /proc. */
function stateOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/**
 * Stops the writer the moment it creates its temp file, makes sure it is stopped with the temp file still there
 * (written into, not yet renamed over the credentials), and kills it there: a kill provably mid-write. When the
 * rename beat the stop, it lets the writer go on and waits for its next write. Returns the temp file's name.
 */
async function killMidWrite(w: Writer, awsDir: string): Promise<string> {
  const prefix = `.credentials.rolebar-tmp-${w.proc.pid}-`;
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise<void>((resolve) => {
      const watcher = watch(awsDir, (_event, name) => {
        if (!name?.startsWith(prefix)) return;
        w.proc.kill('SIGSTOP');
        watcher.close();
        resolve();
      });
    });
    // kill() only sends the signal: look at the writer once it has really stopped.
    for (let state = stateOf(w.proc.pid ?? 0); state !== 'T'; state = stateOf(w.proc.pid ?? 0)) {
      if (state === undefined) throw new Error('the writer ended instead of stopping');
      await new Promise((r) => setTimeout(r, 1));
    }
    const temp = readdirSync(awsDir).find((name) => name.startsWith(prefix));
    if (temp) {
      w.proc.kill('SIGKILL');
      await w.exit;
      return temp;
    }
    w.proc.kill('SIGCONT');
  }
  throw new Error('the writer was never caught between creating its temp file and renaming it');
}

test('SIGKILL during writes of a large file (at random moments, and provably mid-write) never leaves a mix or a truncation', async () => {
  // Each worker owns a home with a ~0.5 MB credentials file and flips one profile between A and B. Every other
  // kill is aimed: the writer is stopped with its temp file written into and not yet renamed, then killed.
  const workers = 2;
  const killsPerWorker = 8;
  const aimed = existsSync('/proc/self/stat'); // the stop is checked in /proc (Linux)
  const bodies = Array.from(
    { length: 8_000 },
    (_, i) => `[user${i}]\naws_access_key_id = AKIAUSER${i}\n# comment ${i}\n\n`,
  ).join('');
  const started: Writer[] = [];
  const run = async (w: number): Promise<number> => {
    const dir = path.join(home.home, `kill${w}`);
    const awsDir = `${dir}/.aws`;
    const where = {
      homedir: dir,
      env: { AWS_SHARED_CREDENTIALS_FILE: `${awsDir}/credentials`, AWS_CONFIG_FILE: `${awsDir}/config` },
    };
    await mkdir(awsDir, { recursive: true });
    await writeFile(where.env.AWS_SHARED_CREDENTIALS_FILE, bodies, { mode: 0o600 });
    await writeProfile(fakeSession('big', 'B'), where);
    const contentB = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
    await writeProfile(fakeSession('big', 'A'), where);
    const contentA = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
    let midWrite = 0;
    // The next writer starts (Node's start-up) while the current one writes: only its writing is waited for.
    let next = startWriter(dir);
    started.push(next);
    for (let k = 0; k < killsPerWorker; k++) {
      const writer = next;
      await writer.go();
      if (k + 1 < killsPerWorker) started.push((next = startWriter(dir)));
      if (aimed && k % 2 === 1) {
        const temp = await killMidWrite(writer, awsDir);
        assert.ok(existsSync(path.join(awsDir, temp)), 'the killed write left its temp file');
        midWrite++;
      } else {
        await new Promise((r) => setTimeout(r, Math.random() * 40));
        writer.proc.kill('SIGKILL');
        await writer.exit;
      }
      const now = await readFile(where.env.AWS_SHARED_CREDENTIALS_FILE);
      assert.ok(
        now.equals(contentA) || now.equals(contentB),
        `kill ${k} of worker ${w}: the file is neither the old nor the new content (${now.length} bytes)`,
      );
    }
    // Temp files a kill left behind are cleaned by the next write.
    await writeProfile(fakeSession('big', 'A'), where);
    const left = (await readdir(awsDir)).filter((f) => f.includes('rolebar-tmp'));
    assert.deepEqual(left, []);
    return midWrite;
  };
  try {
    const midWrites = await Promise.all(Array.from({ length: workers }, (_, w) => run(w)));
    if (aimed)
      assert.deepEqual(midWrites, Array(workers).fill(killsPerWorker / 2), 'kills that landed mid-write');
  } finally {
    for (const writer of started) writer.proc.kill('SIGKILL');
  }
});
