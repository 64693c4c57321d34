// kill -9 in the middle of keychain-file writes: after each kill the file is the old one or the new one, opens
// with the passphrase, and holds a value the writer wrote; never a torn file. A few seconds of real time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { keychainFileIn, openFileKeychain } from '../../../electron/core/platform/keychain/file-store.js';
import { makeSandbox } from '../../support/sandbox.js';

const CHILD = fileURLToPath(new URL('./keychain-file-writer-child.ts', import.meta.url));
const env = { ROLEBAR_KEYCHAIN_PASSPHRASE: 'kill-test-passphrase' };

/** Runs the writer until it has written at least once, lets it write a little longer, then kills it with SIGKILL. */
async function writeThenKill(file: string, extraMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let last = -1;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        const lines = text.trim().split('\n');
        last = Number(lines[lines.length - 1]);
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before writing`)));
    });
    await sleep(extraMs);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  return last;
}

describe('keychain file under kill -9', () => {
  const sandbox = makeSandbox('keychain-kill');
  after(() => sandbox.cleanup());

  it('is always a whole file that opens, holding the last or a later write', async () => {
    const file = keychainFileIn(path.join(sandbox.dir, 'home'));
    for (let round = 0; round < 8; round++) {
      const confirmed = await writeThenKill(file, (round * 37) % 150);
      const store = openFileKeychain({ file, service: 'kill-test', env });
      const value = await store.get('entry');
      const written = Number(/^value-(\d+)-x*$/.exec(value ?? '')?.[1]);
      assert.ok(written >= confirmed, `round ${round}: read ${value}, the writer had confirmed ${confirmed}`);
      // The next writer starts from what is there: a write after the kill works and cleans the temp files.
      await store.set('entry', 'value-0-');
    }
  });
});
