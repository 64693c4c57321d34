// Applying an import is all or nothing for Rolebar's own state: when the keychain fails partway (here it refuses
// its second write, as a keyring locked mid-run does), what this run added goes again, the files stay as they
// were, and the same import then goes through once the keychain answers.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { createCore } from '../../../../electron/core/index.js';
import { applyImport } from '../../../../electron/core/features/import/import.js';
import {
  KeychainUnavailableError,
  type SecretStore,
} from '../../../../electron/core/platform/keychain/keychain.js';
import { openSettings } from '../../../../electron/core/store/settings.js';
import { SEED_KEYS, SEED_ROLES } from '../../../../electron/emulator/index.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';

const CREDENTIALS = [
  '[alice]',
  `aws_access_key_id = ${SEED_KEYS.alice.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}`,
  '',
  '[bob]',
  `aws_access_key_id = ${SEED_KEYS.bob.accessKeyId}`,
  `aws_secret_access_key = ${SEED_KEYS.bob.secretAccessKey}`,
  '',
].join('\n');
const CONFIG = `[profile prod-ro]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = alice\n`;

/** The real keychain, except that its `failAt`-th write is refused as a locked keyring would refuse it. */
function lockingAt(real: SecretStore, failAt: number): SecretStore {
  let writes = 0;
  return {
    service: real.service,
    get: (account) => real.get(account),
    delete: (account) => real.delete(account),
    list: () => real.list(),
    async set(account, secret) {
      writes += 1;
      if (writes === failAt)
        throw new KeychainUnavailableError('locked', 'The keyring is locked.', 'Unlock it, then try again.');
      await real.set(account, secret);
    },
  };
}

describe('import when the keychain fails partway', () => {
  let f: CoreFixture | undefined;
  before(async () => {
    f = await startCoreFixture('import-undo');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  after(() => f?.close());

  it('takes back what the run added, changes no file, and goes through on the next run', async () => {
    assert.ok(f);
    const where = location({ env: f.sandbox.env, homedir: f.sandbox.dir });
    const failing = createCore({
      settings: openSettings({ dir: f.sandbox.rolebarHome }),
      secrets: lockingAt(f.secrets, 2),
      env: f.sandbox.env,
      homedir: f.sandbox.dir,
    });
    try {
      await assert.rejects(
        applyImport(failing, where, {
          removePlaintextKeys: true,
          identityProcess: (name) => `served ${name}`,
        }),
        (error: unknown) => error instanceof KeychainUnavailableError && error.reason === 'locked',
      );
    } finally {
      failing.close();
    }
    const core = f.reopen();
    assert.deepEqual(core.identities.list(), [], 'the identity added before the failure is gone again');
    assert.deepEqual(core.roles.list(), []);
    assert.deepEqual(await f.secrets.list(), [], 'and its secret with it');
    assert.equal(readFileSync(f.sandbox.credentialsFile, 'utf8'), CREDENTIALS, 'the keys stay in the file');
    assert.equal(readFileSync(f.sandbox.configFile, 'utf8'), CONFIG);

    const again = await applyImport(core, where);
    assert.deepEqual(again.identities.map((i) => i.name).sort(), ['alice', 'bob']);
    assert.deepEqual(
      again.roles.map((r) => r.label),
      ['prod-ro'],
    );
  });
});
