/*
 * Child process for keychain-file-kill.test.ts (not a test file). Usage: keychain-file-writer-child.ts <file>
 * Writes to the keychain file in a loop (ROLEBAR_KEYCHAIN_PASSPHRASE from the environment), printing the value
 * it has just written after each write, until it is killed.
 */
import { openFileKeychain } from '../../../electron/core/platform/keychain/file-store.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: keychain-file-writer-child.ts <file>');
const store = openFileKeychain({
  file,
  service: 'kill-test',
  env: process.env,
  cost: { N: 2 ** 10, r: 8, p: 1 },
});
for (let i = 0; ; i++) {
  // A value that grows and shrinks, so a torn write could not pass for a whole one by its length.
  await store.set('entry', `value-${i}-${'x'.repeat(i % 97)}`);
  process.stdout.write(`${i}\n`);
}
