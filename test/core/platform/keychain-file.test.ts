// The encrypted-file keychain on a real disk: what it writes (0600 in a 0700 folder, nothing readable but the
// header, a fresh nonce per write), and what it refuses without changing a byte: a wrong passphrase, a truncated
// or bit-flipped file, a locked file with nobody to ask.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { KeychainUnavailableError } from '../../../electron/core/platform/keychain/keychain.js';
import { keychainFileIn, openFileKeychain } from '../../../electron/core/platform/keychain/file-store.js';
import { TEST_COST } from '../../support/keychain-file.js';
import { makeSandbox } from '../../support/sandbox.js';

const PASS = 'correct horse battery staple';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEFILEKEY';

describe('encrypted-file keychain', () => {
  const sandbox = makeSandbox('keychain-file');
  after(() => sandbox.cleanup());
  let n = 0;
  /** A store over a file of its own, with `passphrase` in its environment (none: nobody to ask). */
  const storeAt = (file: string, passphrase?: string, service = 'rolebar-test-svc') =>
    openFileKeychain({
      file,
      service,
      env: passphrase === undefined ? {} : { ROLEBAR_KEYCHAIN_PASSPHRASE: passphrase },
      cost: TEST_COST,
    });
  const newFile = () => keychainFileIn(path.join(sandbox.dir, `home-${++n}`));
  const refused = (code: string, file?: string) => (error: unknown) => {
    assert.ok(error instanceof KeychainUnavailableError, String(error));
    assert.equal(error.code, code);
    if (file) assert.ok(error.message.includes(file), `the error names the file: ${error.message}`);
    return true;
  };

  it('keeps secrets encrypted in a 0600 file in a 0700 folder, with a fresh nonce per write', async () => {
    const file = newFile();
    const store = storeAt(file, PASS);
    await store.set('iam-user:a', SECRET);
    await store.set('iam-user:b', 'second-FAKE');
    assert.equal(await store.get('iam-user:a'), SECRET);
    assert.deepEqual(await store.list(), ['iam-user:a', 'iam-user:b']);
    assert.equal(await storeAt(file, PASS, 'other').get('iam-user:a'), null, 'services are apart');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
    const text = readFileSync(file, 'utf8');
    for (const plain of [SECRET, 'second-FAKE', 'iam-user', 'rolebar-test-svc', PASS])
      assert.ok(!text.includes(plain), plain);
    assert.match(text.split('\n')[1] ?? '', /"kdf":\{"name":"scrypt","N":1024,"r":8,"p":1,"salt":"[^"]+"\}/);
    const before = readFileSync(file, 'utf8').split('\n');
    await store.set('iam-user:b', 'second-FAKE'); // the same content again
    const again = readFileSync(file, 'utf8').split('\n');
    assert.notEqual(JSON.parse(again[1] ?? '').nonce, JSON.parse(before[1] ?? '').nonce);
    assert.notEqual(again[2], before[2]);
    assert.equal(await store.delete('iam-user:b'), true);
    assert.equal(await store.delete('iam-user:b'), false);
    assert.deepEqual(await storeAt(file, PASS).list(), ['iam-user:a'], 'a fresh process reads it');
  });

  it('a new file gets the strong default cost', async () => {
    const file = newFile();
    await openFileKeychain({ file, service: 's', env: { ROLEBAR_KEYCHAIN_PASSPHRASE: PASS } }).set('a', 'b');
    assert.match(readFileSync(file, 'utf8'), /"N":131072,"r":8,"p":1/);
  });

  it('refuses a wrong passphrase and changes nothing', async () => {
    const file = newFile();
    await storeAt(file, PASS).set('a', SECRET);
    const bytes = readFileSync(file);
    const wrong = storeAt(file, 'not the passphrase');
    await assert.rejects(wrong.get('a'), refused('keychain-wrong-passphrase', file));
    await assert.rejects(wrong.set('b', 'x'), refused('keychain-wrong-passphrase'));
    await assert.rejects(wrong.delete('a'), refused('keychain-wrong-passphrase'));
    assert.deepEqual(readFileSync(file), bytes);
    assert.equal(await storeAt(file, PASS).get('a'), SECRET);
  });

  it('without a passphrase or a prompt, fails at once naming the command that unlocks it', async () => {
    const file = newFile();
    await storeAt(file, PASS).set('a', SECRET);
    await assert.rejects(storeAt(file).get('a'), (error: unknown) => {
      assert.ok(error instanceof KeychainUnavailableError);
      assert.equal(error.code, 'keychain-file-locked');
      assert.match(error.hint ?? '', /rolebar keychain unlock/);
      return true;
    });
  });

  it('refuses a truncated file at any length, keeps it, and never writes over it', async () => {
    const file = newFile();
    await storeAt(file, PASS).set('a', SECRET);
    const whole = readFileSync(file);
    for (const length of [
      0,
      1,
      20,
      whole.indexOf('\n') + 1,
      Math.floor(whole.length / 2),
      whole.length - 2,
    ]) {
      const cut = whole.subarray(0, length);
      writeFileSync(file, cut);
      const store = storeAt(file, PASS);
      await assert.rejects(store.get('a'), refused('keychain-damaged', file), `cut at ${length}`);
      await assert.rejects(store.set('a', 'new-FAKE'), refused('keychain-damaged'), `cut at ${length}`);
      assert.deepEqual(readFileSync(file), cut, `the file cut at ${length} is kept as it was`);
    }
  });

  it('refuses a file with any one bit flipped (header, ciphertext or checksum) and keeps it', async () => {
    const file = newFile();
    await storeAt(file, PASS).set('a', SECRET);
    const whole = readFileSync(file);
    const step = Math.max(1, Math.floor(whole.length / 40));
    for (let at = 0; at < whole.length; at += step) {
      const flipped = Buffer.from(whole);
      flipped[at] = (flipped[at] ?? 0) ^ (1 << (at % 8));
      writeFileSync(file, flipped);
      await assert.rejects(storeAt(file, PASS).get('a'), refused('keychain-damaged', file), `bit at ${at}`);
      await assert.rejects(storeAt(file, PASS).set('b', 'c'), refused('keychain-damaged'), `bit at ${at}`);
      assert.deepEqual(readFileSync(file), flipped);
    }
  });

  it('two writers at once lose neither change (the one lock)', async () => {
    const file = newFile();
    await storeAt(file, PASS).set('seed', 'x');
    const writes = Array.from({ length: 8 }, (_, i) => storeAt(file, PASS).set(`acct-${i}`, `secret-${i}`));
    await Promise.all(writes);
    assert.equal((await storeAt(file, PASS).list()).length, 9);
  });
});
