// A source_profile loop (x → y → x) can never be assumed: botocore stops with "Infinite loop in credential
// configuration". The preview says so for every role in it (and on it), and the import does exactly what the
// preview said: no role listed as added that the import then drops.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { applyImport, planImport } from '../../../../electron/core/features/import/import.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_KEYS, SEED_ROLES } from '../../../../electron/emulator/index.js';

const CREDENTIALS = `[keys]\naws_access_key_id = ${SEED_KEYS.alice.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}\n`;
const role = (name: string, source: string) =>
  `[profile ${name}]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = ${source}\n`;
const CONFIG = [role('x', 'y'), role('y', 'x'), role('on-loop', 'x'), role('fine', 'keys')].join('\n');

describe('import: a source_profile loop', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('import-loops');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  after(() => f?.close());

  it('is skipped in the preview with the reason, and the import does what the preview said', async () => {
    const where = location({ env: f.sandbox.env, homedir: f.sandbox.dir });
    const plan = await planImport(f.core, where);
    const shown = new Map(plan.items.map((i) => [i.profile, i]));
    for (const name of ['x', 'y']) {
      assert.equal(shown.get(name)?.action, 'skip', name);
      assert.match(shown.get(name)?.detail ?? '', /source_profile loop \((x → y → x|y → x → y)\)/);
    }
    assert.equal(shown.get('on-loop')?.action, 'skip');
    assert.match(shown.get('on-loop')?.detail ?? '', /its source profile x is skipped \(source_profile loop/);
    const planned = plan.items.filter((i) => i.action === 'add-role').map((i) => i.profile);
    assert.deepEqual(planned, ['fine']);
    const result = await applyImport(f.core, where);
    assert.deepEqual(
      result.roles.map((r) => r.label),
      planned,
      'the roles added are the roles the preview listed',
    );
    assert.deepEqual(result.skipped.map((s) => s.profile).sort(), ['on-loop', 'x', 'y']);
  });
});
