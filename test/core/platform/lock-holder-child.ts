/*
 * Child process for lock-process.test.ts (not a test file). Usage:
 *   lock-holder-child.ts <target> <staleMs> [host]
 * Takes the lock on <target> (as <host> when given: another machine sharing the folder), prints "held", holds it
 * until its stdin closes, then prints "intact" if the lock file still held its line, "lost" if not, and releases.
 */
import { readFileSync } from 'node:fs';
import { withFileLock } from '../../../electron/core/platform/lock.js';

const [target, staleMs, host] = process.argv.slice(2);
if (!target || !staleMs) throw new Error('usage: lock-holder-child.ts <target> <staleMs> [host]');
await withFileLock(
  target,
  async () => {
    const line = readFileSync(`${target}.rolebar-lock`, 'utf8');
    process.stdout.write('held\n');
    await new Promise((resolve) => process.stdin.once('close', resolve).resume());
    let now = '';
    try {
      now = readFileSync(`${target}.rolebar-lock`, 'utf8');
    } catch {
      // gone: broken by a waiter
    }
    process.stdout.write(now === line ? 'intact\n' : 'lost\n');
  },
  { staleMs: Number(staleMs), ...(host ? { host } : {}) },
);
