// Records read back from settings are parsed with the same rules as input, not cast: a good record comes back
// typed and normalised (in its stored field order), a bad one stops with the file and the record named, and
// the file is left as it was.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DEFAULT_PREFERENCES, openSettings } from '../../../electron/core/store/settings.js';
import { identityStore } from '../../../electron/core/store/identities.js';
import { accessKeyIdOf } from '../../../electron/core/sessions/sources/registry.js';
import { openKeychain } from '../../../electron/core/platform/keychain/keychain.js';
import {
  parseIdentityRecord,
  parsePreferences,
  parseRecordList,
  parseRoleRecord,
  parseSessionRecord,
  StoredRecordError,
} from '../../../electron/core/store/records.js';
import { ownRolesOnly, roleStore } from '../../../electron/core/store/roles.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

const FILE = '/home/u/.config/Rolebar/settings.json';
const ARN = 'arn:aws:iam::222222222222:role/readonly';
const role = {
  label: 'prod ro',
  roleArn: ARN,
  source: { kind: 'identity', id: 'i-1' },
  mfa: false,
  id: 'r-1',
};
const session = {
  id: 'r-1',
  roleId: 'r-1',
  profileName: 'prod-ro',
  principalArn: 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
  accountId: '222222222222',
  expiration: '2030-01-01T00:00:00Z',
  clockOffsetMs: 0,
  startedAt: '2029-12-31T23:00:00Z',
  via: 'direct',
  requiresMfa: false,
};

/** Asserts a StoredRecordError that names the file, the record and the problem. */
const refused = (fn: () => unknown, record: string, problem: RegExp) =>
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StoredRecordError, String(error));
    assert.equal(error.code, 'settings-record-invalid');
    assert.ok(error.message.includes(FILE), error.message);
    assert.ok(error.message.includes(record), error.message);
    assert.match(error.message, problem);
    assert.match(error.hint ?? '', /Fix or remove that record/);
    return true;
  });

describe('stored-record parsers', () => {
  it('return good records typed, normalised, and in their stored field order', () => {
    const parsed = parseRoleRecord({ ...role, roleArn: `  ${ARN} ` }, FILE);
    assert.equal(parsed.roleArn, ARN);
    assert.deepEqual(Object.keys(parsed), Object.keys(role));
    assert.deepEqual(parseSessionRecord(session, FILE), session);
    const identity = { id: 'i-1', kind: 'iam-user', name: 'alice', accessKeyId: 'AKIAEXAMPLE000000001' };
    assert.deepEqual(parseIdentityRecord(identity, FILE), identity);
    assert.deepEqual(parsePreferences({ ...DEFAULT_PREFERENCES }, FILE), DEFAULT_PREFERENCES);
  });

  it('refuse bad records, naming the file and the record', () => {
    refused(
      () => parseRoleRecord({ ...role, region: 'Europe' }, FILE),
      'a role "prod ro" (id r-1)',
      /region/,
    );
    refused(
      () => parseRoleRecord({ ...role, mfa: 'no' }, FILE),
      'a role "prod ro"',
      /"mfa" is not true or false/,
    );
    refused(() => parseRoleRecord({ ...role, label: 'DEFAULT' }, FILE), 'a role "DEFAULT"', /profile name/);
    refused(() => parseRoleRecord({ ...role, source: 'i-1' }, FILE), 'its "source"', /not an object/);
    refused(() => parseRoleRecord(null, FILE), 'a role', /not an object/);
    refused(
      () => parseSessionRecord({ ...session, profileName: 'a b' }, FILE),
      'a session record "a b" (id r-1)',
      /cannot be used as an AWS profile name/,
    );
    refused(() => parseSessionRecord({ ...session, expiration: 'soon' }, FILE), 'a session record', /date/);
    refused(
      () =>
        parseIdentityRecord(
          { id: 'i-2', kind: 'iam-user', name: 'bob', accessKeyId: 'ASIAEXAMPLE000000001' },
          FILE,
        ),
      'an identity "bob" (id i-2)',
      /temporary credentials/,
    );
    refused(
      () => parsePreferences({ ...DEFAULT_PREFERENCES, alertThresholdsMin: [2160] }, FILE),
      'the preferences',
      /1 to 720/,
    );
    refused(() => parseRecordList({}, FILE, 'roles', parseRoleRecord), 'its "roles"', /not a list/);
  });
});

describe('the stores read through the parsers', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox('records');
  });
  afterEach(() => sandbox.cleanup());

  it('a hand-edited role stops the store with a clear error and the file is left as it was', () => {
    const settings = openSettings({ dir: sandbox.rolebarHome });
    const secrets = openKeychain({ service: sandbox.keychainService, env: sandbox.env });
    const identities = identityStore(settings, secrets, { accessKeyIdOf });
    const roles = roleStore(settings, identities, ownRolesOnly);
    settings.update((data) => {
      data.roles = [{ ...role, profileName: 'a!b' }];
    });
    const before = readFileSync(settings.path, 'utf8');
    assert.throws(() => roles.list(), /holds a role "prod ro" \(id r-1\), which cannot be used/);
    assert.throws(
      () => roles.add({ label: 'x', roleArn: ARN, source: { kind: 'role', id: 'r-1' }, mfa: false }),
      StoredRecordError,
    );
    assert.equal(readFileSync(settings.path, 'utf8'), before);
    // Fixed by hand, it reads again.
    writeFileSync(settings.path, before.replace('a!b', 'a-b'));
    assert.equal(roles.list()[0]?.profileName, 'a-b');
  });
});
