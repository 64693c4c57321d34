// `rolebar keychain migrate --to file|os` through the built CLI, between the real Secret Service and the keychain
// file: every secret moves and the old keychain keeps no copy; killed with SIGKILL at any moment, the keychain in
// force still holds every secret, and the next migrate leaves them all in exactly one keychain.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { keychainFileIn, openFileKeychain } from '../../electron/core/platform/keychain/file-store.js';
import { openKeychain, type SecretStore } from '../../electron/core/platform/keychain/keychain.js';
import { TEST_COST } from '../support/keychain-file.js';
import { makeSandbox } from '../support/sandbox.js';
import { CLI, explain, runProgram } from './helpers.js';

const PASS = 'migrate test passphrase';
/** Secrets of the kinds Rolebar keeps (keys, an identity session, Identity Center tokens, a catalog token). */
const SECRETS: Record<string, string> = {
  'iam-user:a1': 'wJalrXUtnFEMI/K7MDENG/MIGRATEFAKEKEY1',
  'iam-user:b2': 'wJalrXUtnFEMI/K7MDENG/MIGRATEFAKEKEY2',
  'mfa-session:a1': JSON.stringify({
    accessKeyId: 'ASIAFAKE',
    secretAccessKey: 'x'.repeat(40),
    sessionToken: 'T'.repeat(400),
  }),
  'sso-token:c3': JSON.stringify({ accessToken: 'a'.repeat(300), refreshToken: 'r'.repeat(300) }),
  'catalog-source:team': 'user:FAKE-TOKEN-123',
};

describe('rolebar keychain migrate', () => {
  const sandbox = makeSandbox('cli-keychain-migrate');
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ROLEBAR_KEYCHAIN_PASSPHRASE: PASS, NO_COLOR: '1' };
  const file = keychainFileIn(sandbox.rolebarHome);
  const os = openKeychain({ service: sandbox.keychainService, env });
  const fileStore = () => openFileKeychain({ file, service: sandbox.keychainService, env, cost: TEST_COST });
  const storeOf = (backend: string): SecretStore => (backend === 'file' ? fileStore() : os);
  const stored = (): string => {
    const settings = path.join(sandbox.rolebarHome, 'settings.json');
    if (!existsSync(settings)) return 'os';
    return (
      (JSON.parse(readFileSync(settings, 'utf8')) as { keychainBackend?: string }).keychainBackend ?? 'os'
    );
  };
  const journalSays = (phase: string): boolean => {
    try {
      const text = readFileSync(path.join(sandbox.rolebarHome, 'settings.json'), 'utf8');
      return text.replace(/\s/g, '').includes(`"phase":"${phase}"`);
    } catch {
      return false;
    }
  };
  const contents = async (store: SecretStore) =>
    Object.fromEntries(await Promise.all((await store.list()).map(async (a) => [a, await store.get(a)])));
  const migrate = (to: string) => runProgram(process.execPath, [CLI, 'keychain', 'migrate', '--to', to], env);
  /** Every secret in the keychain of `backend`, and none left in the other. */
  const allIn = async (backend: string, context: string) => {
    assert.deepEqual(await contents(storeOf(backend)), SECRETS, `${context}: all in ${backend}`);
    const other = backend === 'file' ? 'os' : 'file';
    assert.deepEqual(await storeOf(other).list(), [], `${context}: none left in ${other}`);
    if (backend === 'os') assert.ok(!existsSync(file), `${context}: no keychain file is left behind`);
  };
  /** Every test starts here: the secrets in the OS keychain (the stored choice), no keychain file. */
  const startInOs = async () => {
    rmSync(path.join(sandbox.rolebarHome, 'settings.json'), { force: true });
    rmSync(file, { force: true });
    for (const account of await os.list()) await os.delete(account);
    for (const [account, secret] of Object.entries(SECRETS)) await os.set(account, secret);
  };
  after(async () => {
    for (const account of await os.list()) await os.delete(account);
    sandbox.cleanup();
  });

  it('moves every secret to the file and back, leaving no copy behind', async () => {
    await startInOs();
    await fileStore().unlock(); // a cheap KDF for the file: the file format is not under test here
    const toFile = await migrate('file');
    assert.equal(toFile.code, 0, explain(toFile));
    assert.match(toFile.stdout, /Moved 5 secrets to an encrypted file/);
    assert.equal(stored(), 'file');
    await allIn('file', 'to file');
    const status = await runProgram(process.execPath, [CLI, 'keychain', 'status'], env);
    assert.match(status.stdout, /Secrets: in an encrypted file/);
    const again = await migrate('file');
    assert.match(again.stdout, /already in an encrypted file/);
    const toOs = await migrate('os');
    assert.equal(toOs.code, 0, explain(toOs));
    assert.equal(stored(), 'os');
    await allIn('os', 'back to the OS keychain');
  });

  it('refuses a keychain that already holds entries, and a wrong passphrase, changing nothing', async () => {
    await startInOs();
    await fileStore().set('stray', 'value');
    const refused = await migrate('file');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already holds 1 Rolebar entry \(stray\).*Nothing was changed/s);
    assert.equal(stored(), 'os');
    assert.deepEqual(await contents(os), SECRETS);
    await fileStore().delete('stray');
    assert.equal((await migrate('file')).code, 0);
    const bytes = readFileSync(file);
    const wrong = await runProgram(process.execPath, [CLI, 'keychain', 'migrate', '--to', 'os'], {
      ...env,
      ROLEBAR_KEYCHAIN_PASSPHRASE: 'not the passphrase',
    });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /does not open the keychain file/);
    assert.equal(stored(), 'file');
    assert.deepEqual(readFileSync(file), bytes);
    assert.deepEqual(await os.list(), []);
  });

  it('killed with SIGKILL at any moment, both ways: all or nothing', async () => {
    await startInOs();
    // Kill points: as soon as the journal shows each phase (a poll every few ms), then at spread-out times.
    const points: Array<string | number> = ['copying', 'copying', 'copied', 'copied', 300, 700, 1100, 1500];
    for (const [round, point] of points.entries()) {
      const to = stored() === 'os' ? 'file' : 'os';
      if (to === 'file') await fileStore().unlock();
      const child = spawn(process.execPath, [CLI, 'keychain', 'migrate', '--to', to], {
        env,
        stdio: 'ignore',
      });
      let done = false;
      const exited = new Promise((resolve) => child.once('exit', resolve)).then(() => (done = true));
      if (typeof point === 'number') await sleep(point);
      else while (!done && !journalSays(point)) await sleep(3);
      child.kill('SIGKILL');
      await exited;
      // Whatever the moment, the keychain in force holds every secret: commands keep working.
      assert.deepEqual(await contents(storeOf(stored())), SECRETS, `round ${round} (${point}): in force`);
      // The next migrate settles the cut-short run: every secret ends up in exactly one keychain.
      const settled = await migrate(to);
      assert.equal(settled.code, 0, explain(settled));
      await allIn(to, `round ${round}`);
    }
  });
});
