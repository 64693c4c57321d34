// A big import: hundreds of role_arn profiles, each listed before the profile it starts from, become roles in
// dependency order with ONE settings write for all of them (it was one locked, fsync'd write per role); a
// source_profile loop beside them is skipped, as the preview says (loops.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { location } from '../../../../electron/core/sessions/assume.js';
import { applyImport } from '../../../../electron/core/features/import/import.js';
import { type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';
import { SEED_KEYS } from '../../../../electron/emulator/index.js';

const ROLES = 400;

describe('a big import', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('import-scale');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    const keys = `[base]\naws_access_key_id = ${SEED_KEYS.alice.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}\n`;
    writeFileSync(f.sandbox.credentialsFile, keys, { mode: 0o600 });
    // team-0 starts from team-1, … the last from base: each role is listed before its source.
    const chain = Array.from(
      { length: ROLES },
      (_, i) =>
        `[profile team-${i}]\nrole_arn = arn:aws:iam::222222222222:role/team-${i}\nsource_profile = ${i === ROLES - 1 ? 'base' : `team-${i + 1}`}\n`,
    );
    const loop = [
      '[profile loop-a]\nrole_arn = arn:aws:iam::222222222222:role/a\nsource_profile = loop-b\n',
      '[profile loop-b]\nrole_arn = arn:aws:iam::222222222222:role/b\nsource_profile = loop-a\n',
      '[profile on-loop]\nrole_arn = arn:aws:iam::222222222222:role/c\nsource_profile = loop-a\n',
    ];
    writeFileSync(f.sandbox.configFile, [...chain, ...loop].join('\n'));
  });
  after(() => f?.close());

  it(`adds ${ROLES} chained roles in one settings write, each after its source; a loop is skipped`, async () => {
    let writes = 0;
    const update = f.core.settings.update.bind(f.core.settings);
    f.core.settings.update = (change) => {
      writes++;
      return update(change);
    };
    const result = await applyImport(f.core, location({ env: f.sandbox.env, homedir: f.sandbox.dir }));
    f.core.settings.update = update;

    assert.equal(result.roles.length, ROLES);
    assert.deepEqual(
      result.identities.map((i) => i.name),
      ['base'],
    );
    // The identity's own writes (its keychain journal and its record) and one for every role.
    assert.ok(writes <= 4, `${writes} settings writes for ${ROLES} roles`);
    const first = f.core.roles.find('team-0');
    assert.ok(first);
    const { identity, hops } = f.core.roles.chain(first.id);
    assert.equal(identity.name, 'base');
    assert.equal(hops.length, ROLES);
    assert.deepEqual(
      hops.slice(0, 2).map((r) => r.label),
      [`team-${ROLES - 1}`, `team-${ROLES - 2}`],
    );
    assert.deepEqual(result.skipped.map((s) => [s.profile, s.action]).sort(), [
      ['loop-a', 'skip'],
      ['loop-b', 'skip'],
      ['on-loop', 'skip'],
    ]);
    assert.match(
      result.skipped.find((s) => s.profile === 'loop-a')?.detail ?? '',
      /source_profile loop \(loop-a → loop-b → loop-a\)/,
    );
    assert.equal(f.core.roles.find('loop-a'), undefined);
  });
});
