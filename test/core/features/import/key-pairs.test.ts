// `import --remove-plaintext-keys` with the same profile's keys in both files: botocore takes the credentials
// file's pair, but the SDK v3 puts static keys from either file before credential_process, so a config pair left
// behind answers as that key. Every pair of a profile reported as replaced goes; a profile whose two pairs differ
// keeps both, with the reason.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { applyImport } from '../../../../electron/core/features/import/import.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_KEYS } from '../../../../electron/emulator/index.js';

const pair = (keys: { accessKeyId: string; secretAccessKey: string }) =>
  `aws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`;

const CREDENTIALS = `[w]\n${pair(SEED_KEYS.alice)}\n[v]\n${pair(SEED_KEYS.dave)}`;
const CONFIG = `[profile w]\nregion = eu-west-1\n${pair(SEED_KEYS.alice)}\n[profile v]\n${pair(SEED_KEYS.carol)}`;

describe('import --remove-plaintext-keys with a profile’s keys in both files', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('import-key-pairs');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  after(() => f?.close());

  it('removes both pairs of a profile it reports as replaced, and keeps both of one whose pairs differ, saying why', async () => {
    const result = await applyImport(f.core, location({ env: f.sandbox.env, homedir: f.sandbox.dir }), {
      removePlaintextKeys: true,
      identityProcess: (name) => `rolebar credential-process --identity ${name}`,
    });
    assert.deepEqual(result.keysRemovedFrom, ['w']);
    const credentials = readFileSync(f.sandbox.credentialsFile, 'utf8');
    const config = readFileSync(f.sandbox.configFile, 'utf8');
    for (const text of [credentials, config]) {
      assert.ok(!text.includes(SEED_KEYS.alice.secretAccessKey), 'no pair of [w] left in either file');
      assert.match(
        text,
        /\[(?:profile )?w\]\n(?:region = eu-west-1\n)?credential_process = rolebar credential-process --identity w\n/,
      );
    }
    assert.deepEqual(
      result.keysKept.map((k) => k.profile),
      ['v'],
    );
    assert.match(result.keysKept[0]?.detail ?? '', /config file holds another key pair \(AKIA\w+\)/);
    assert.ok(credentials.includes(SEED_KEYS.dave.secretAccessKey), '[v] keeps its credentials pair');
    assert.ok(config.includes(SEED_KEYS.carol.secretAccessKey), '[profile v] keeps its config pair');
  });
});
