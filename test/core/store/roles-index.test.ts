// The role store's index (one per settings text): found by id, then label, then profile name, as a search of the
// list in order found them; a change by another process (another store over the same file) is seen at once;
// settings read twice unchanged come back as the same frozen object.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Identity } from '../../../electron/core/domain/model.js';
import { ownRolesOnly, roleStore } from '../../../electron/core/store/roles.js';
import { openSettings } from '../../../electron/core/store/settings.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

const me: Identity = { id: 'me', kind: 'aws-profile', name: 'me', profile: 'default' };
const identities = { get: () => me };
const arn = (name: string) => `arn:aws:iam::222222222222:role/${name}`;

describe('the role store index', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox('roles-index');
  });
  afterEach(() => sandbox.cleanup());

  const open = () => {
    const settings = openSettings({ dir: sandbox.rolebarHome });
    return { settings, roles: roleStore(settings, identities, ownRolesOnly) };
  };
  const source = { kind: 'identity', id: 'me' } as const;

  it('finds by id, then label, then profile name; sees another store’s change at once', () => {
    const { settings, roles } = open();
    const first = roles.add({ label: 'first', roleArn: arn('a'), source, mfa: false, profileName: 'shared' });
    const second = roles.add({
      label: 'shared',
      roleArn: arn('b'),
      source,
      mfa: false,
      profileName: 'other',
    });
    assert.equal(roles.find(first.id)?.label, 'first');
    assert.equal(roles.find('shared')?.id, second.id, 'a label wins over a profile name');
    assert.equal(roles.find('nobody'), undefined);
    assert.equal(settings.read(), settings.read(), 'unchanged settings: the same object');
    assert.ok(Object.isFrozen(settings.read().roles));

    const other = open();
    other.roles.update(second.id, { label: 'renamed' });
    assert.equal(roles.find('shared')?.id, first.id, 'now only the profile name matches');
    assert.equal(roles.get(second.id).label, 'renamed');
    other.roles.remove(second.id);
    assert.throws(() => roles.get(second.id), { code: 'role-not-found' });
  });

  it('adds a batch in one write, a role starting from one earlier in it; a clash saves none', () => {
    const { roles } = open();
    const [hub, spoke] = roles.addAll([
      { id: 'hub-id', label: 'hub', roleArn: arn('hub'), source, mfa: false },
      { label: 'spoke', roleArn: arn('spoke'), source: { kind: 'role', id: 'hub-id' }, mfa: false },
    ]);
    assert.equal(hub?.id, 'hub-id');
    assert.deepEqual(
      roles.chain(spoke?.id ?? '').hops.map((r) => r.label),
      ['hub', 'spoke'],
    );
    assert.throws(
      () =>
        roles.addAll([
          { label: 'new', roleArn: arn('new'), source, mfa: false },
          { label: 'again', roleArn: arn('again'), source, mfa: false, profileName: 'new' },
        ]),
      { code: 'profile-taken' },
    );
    assert.equal(roles.find('new'), undefined, 'all or none');
    assert.throws(
      () => roles.addAll([{ id: 'hub-id', label: 'twin', roleArn: arn('twin'), source, mfa: false }]),
      { code: 'role-exists' },
    );
  });
});
