// The settings file as a file: a private folder whatever the umask, nothing but a regular file accepted at its
// path (refused at once, never replaced), non-object JSON refused, stale temp files and locks cleaned.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSettings, SettingsFileError } from '../../../electron/core/store/settings.js';
import { withFileLockSync } from '../../../electron/core/platform/lock.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

const SETTINGS_MODULE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../electron/core/store/settings.ts',
);

/**
 * Opens settings in `dir` in a child process: if the refusal broke, a FIFO would hang this test process and a
 * device could fill its memory, so the child is killed after 10 s (and the test fails on that).
 */
async function openInChild(dir: string): Promise<{ ok: boolean; code?: string; message?: string }> {
  const script = `
    const { openSettings } = await import(${JSON.stringify(SETTINGS_MODULE)});
    try {
      openSettings({ dir: ${JSON.stringify(dir)} }).read();
      console.log(JSON.stringify({ ok: true }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, code: error.code, message: error.message }));
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  try {
    const [, signal] = await once(child, 'close');
    assert.equal(signal, null, 'the child hung and was killed');
  } finally {
    clearTimeout(killer);
  }
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

describe('the settings file on disk', () => {
  let sandbox: Sandbox;
  let file: string;
  beforeEach(() => {
    sandbox = makeSandbox('settings-file');
    file = path.join(sandbox.rolebarHome, 'settings.json');
  });
  afterEach(() => sandbox.cleanup());

  it('creates the folder 0700 and the file 0600 even under umask 000', () => {
    const dir = path.join(sandbox.dir, 'fresh', 'Rolebar');
    const previous = process.umask(0);
    try {
      openSettings({ dir }).setPreferences({ theme: 'dark' });
    } finally {
      process.umask(previous);
    }
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(dir, 'settings.json')).mode & 0o777, 0o600);
  });

  for (const kind of ['folder', 'FIFO', 'socket', 'device'] as const) {
    it(`a ${kind} at the settings path is refused at once and left as it was`, async () => {
      let server: Server | undefined;
      if (kind === 'folder') mkdirSync(file);
      if (kind === 'FIFO') spawnSync('mkfifo', [file]);
      if (kind === 'device') symlinkSync('/dev/zero', file);
      if (kind === 'socket') {
        const listening = createServer();
        server = listening;
        await new Promise<void>((resolve) => listening.listen(file, resolve));
      }
      try {
        const before = lstatSync(file);
        const result = await openInChild(sandbox.rolebarHome);
        assert.equal(result.ok, false);
        assert.equal(result.code, 'settings-not-a-file');
        assert.match(
          result.message ?? '',
          /is (a folder|a named pipe \(FIFO\)|a socket|a device), not a file/,
        );
        const after = lstatSync(file);
        assert.equal(after.ino, before.ino, 'never replaced');
        assert.equal(after.mode, before.mode);
      } finally {
        server?.close();
      }
    });
  }

  for (const [name, text] of [
    ['null', 'null'],
    ['[]', '[]'],
    ['a number', '3'],
  ] as const) {
    it(`a settings file holding ${name} is refused as damaged, never reset to defaults`, () => {
      writeFileSync(file, text);
      assert.throws(
        () => openSettings({ dir: sandbox.rolebarHome }),
        (error: unknown) =>
          error instanceof SettingsFileError &&
          error.code === 'settings-corrupt' &&
          /not a settings object/.test(error.message),
      );
      assert.equal(readFileSync(file, 'utf8'), text);
    });
  }

  it('a file that turns into null after opening is refused on the next read, and kept', () => {
    const settings = openSettings({ dir: sandbox.rolebarHome });
    writeFileSync(file, 'null');
    assert.throws(() => settings.read(), /not a settings object/);
    assert.throws(() => settings.setPreferences({ theme: 'dark' }), /not a settings object/);
    assert.equal(readFileSync(file, 'utf8'), 'null');
  });

  it('removes temp files a killed writer left, and keeps a fresh one', () => {
    openSettings({ dir: sandbox.rolebarHome });
    const stale = `${file}.tmp-1764000000abc123`;
    const fresh = `${file}.tmp-1764000001def456`;
    writeFileSync(stale, '{"half":');
    writeFileSync(fresh, '{"half":');
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stale, anHourAgo, anHourAgo);
    openSettings({ dir: sandbox.rolebarHome });
    assert.equal(existsSync(stale), false, 'stale temp removed');
    assert.equal(existsSync(fresh), true, 'a temp that may be in use is left alone');
  });

  it('breaks a lock left by a dead process instead of waiting on it', () => {
    openSettings({ dir: sandbox.rolebarHome });
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    writeFileSync(`${file}.rolebar-lock`, `${dead.stdout.trim()} ${os.hostname()} 2026-11-28T00:00:00Z x\n`);
    const settings = openSettings({ dir: sandbox.rolebarHome });
    settings.setPreferences({ theme: 'light' });
    assert.equal(settings.preferences().theme, 'light');
    assert.equal(existsSync(`${file}.rolebar-lock`), false);
  });

  it('treats a lock dated in the future as abandoned (the AWS files lock rule), without waiting', () => {
    openSettings({ dir: sandbox.rolebarHome });
    const lock = `${file}.rolebar-lock`;
    // A live pid (ours), so only the date can tell: an hour ahead of this clock.
    writeFileSync(lock, `${process.pid} ${os.hostname()} 2026-11-28T00:00:00Z x\n`);
    const inAnHour = new Date(Date.now() + 3_600_000);
    utimesSync(lock, inAnHour, inAnHour);
    assert.equal(
      withFileLockSync(file, () => 'ran', { timeoutMs: 3_000 }),
      'ran',
      'a copy of the rule without the future check waited out the timeout and threw',
    );
    assert.equal(existsSync(lock), false);
  });
});
