import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';

describe('the service layer the IPC handlers call', () => {
  let f: ServiceFixture;
  let aliceId: string;
  before(async () => {
    f = await startServiceFixture('service');
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f?.close());

  /** Adds a role of its own for one test and switches to it: no test relies on another's leftovers. */
  const switchedRole = async (label: string): Promise<string> => {
    const role = await f.service['role:add']({
      label,
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(role.ok, JSON.stringify(role));
    const switched = await f.service['role:switch']({ roleId: role.value.id });
    assert.ok(switched.ok, JSON.stringify(switched));
    return role.value.id;
  };

  it('adds an identity and never hands its secret back', async () => {
    const added = await f.service['identity:add']({
      name: 'carol',
      accessKeyId: SEED_KEYS.carol.accessKeyId,
      secretAccessKey: SEED_KEYS.carol.secretAccessKey,
    });
    assert.ok(added.ok);
    assert.equal(added.value.accessKeyId, SEED_KEYS.carol.accessKeyId);
    assert.doesNotMatch(JSON.stringify(added), /FAKE\/secret/);
    assert.ok(f.pushed.length > 0, 'the new state was pushed');
  });

  it('checks new keys with AWS before saving: a wrong secret is refused and nothing is saved', async () => {
    const before = readFileSync(f.settings.path, 'utf8');
    const entries = await f.secrets.list();
    const refused = await f.service['identity:add']({
      name: 'bob',
      accessKeyId: SEED_KEYS.carol.accessKeyId,
      secretAccessKey: 'W'.repeat(40),
    });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error.message, / Nothing was saved\.$/);
    assert.doesNotMatch(JSON.stringify(refused), /WWWW/);
    assert.equal(readFileSync(f.settings.path, 'utf8'), before, 'settings unchanged');
    assert.deepEqual(await f.secrets.list(), entries, 'no keychain entry');
    const added = await f.service['identity:add']({
      name: 'bob',
      accessKeyId: SEED_KEYS.carol.accessKeyId,
      secretAccessKey: SEED_KEYS.carol.secretAccessKey,
    });
    assert.ok(added.ok, JSON.stringify(added));
    assert.equal(added.value.userName, 'carol', 'the check taught the user name');
    assert.deepEqual(added.value.can, { keys: true, mfaDevice: true, signIn: false });
  });

  it('switches, and the state it pushes holds when and who, never credentials', async () => {
    const role = await f.service['role:add']({
      label: 'prod-ro',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(role.ok);
    assert.equal(role.value.group, 'Account 222222222222');
    const switched = await f.service['role:switch']({ roleId: role.value.id });
    assert.ok(switched.ok, JSON.stringify(switched));
    const credentials = await f.core.credentialsOf(role.value.id);
    assert.ok(credentials);
    const state = f.pushed.at(-1);
    assert.equal(state?.activeRoleId, role.value.id);
    const text = JSON.stringify(state) + JSON.stringify(switched);
    assert.ok(
      !text.includes(credentials.secretAccessKey) && !text.includes(credentials.sessionToken),
      'no secret in state',
    );
    assert.ok(!text.includes(SEED_KEYS.alice.secretAccessKey));
  });

  it('an MFA role answers a typed failure the window can act on, and changes nothing', async () => {
    const role = await f.service['role:add']({
      label: 'admin',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: aliceId },
      mfa: true,
    });
    assert.ok(role.ok);
    const before = f.pushed.length;
    const needs = await f.service['role:switch']({ roleId: role.value.id });
    assert.equal(needs.ok, false);
    assert.equal(!needs.ok && needs.error.code, 'mfa-required');
    assert.equal(f.pushed.length, before, 'no state change');
    const wrong = await f.service['role:switch']({ roleId: role.value.id, mfaCode: '000000' });
    assert.equal(!wrong.ok && wrong.error.code, 'sts-mfa-failed');
    f.emu.setClockOffset(30_000);
    const right = await f.service['role:switch']({
      roleId: role.value.id,
      mfaCode: f.emu.totp(SEED_MFA.alice.serial),
    });
    assert.ok(right.ok, JSON.stringify(right));
    const identity = (await f.service.state()).identities.find((i) => i.id === aliceId);
    assert.ok(identity?.mfaSessionExpiresAt, 'the MFA session clock is shown');
  });

  it('copies a snippet through the clipboard and clears it later only if it is still there', async () => {
    const roleId = await switchedRole('snippet-role');
    const copied = await f.service['snippet:copy']({ roleId, format: 'bash' });
    assert.deepEqual(copied, { ok: true, value: { clearsInSeconds: 60 } });
    assert.match(f.clipboard.text, /^export AWS_ACCESS_KEY_ID=/m);
    f.timers.fireAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(f.clipboard.text, '', 'cleared');

    await f.service['snippet:copy']({ roleId, format: 'fish' });
    f.clipboard.text = 'something the user copied since';
    f.timers.fireAll();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(f.clipboard.text, 'something the user copied since', 'left alone');

    await f.service['preferences:set']({ clipboardClearSeconds: 0 });
    await f.service['snippet:copy-unset']({ format: 'bash' });
    assert.equal(f.timers.pending(), 0, 'no clearing when turned off');
    assert.match(f.clipboard.text, /unset/);
  });

  it('expected failures are values with advice; unknown ones never leak their text', async () => {
    const missing = await f.service['role:switch']({ roleId: 'no-such-role' });
    assert.equal(!missing.ok && missing.error.code, 'role-not-found');
    const bad = await f.service['role:add']({
      label: 'bad',
      roleArn: 'arn:aws:iam::12:role/x',
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.equal(!bad.ok && bad.error.code, 'invalid-input');
    assert.match(!bad.ok ? (bad.error.hint ?? '') : '', /arn:aws:iam::123456789012:role\/RoleName/);
  });

  it('removing a role others chain from changes nothing and names them (the window asks the service)', async () => {
    const hub = await f.service['role:add']({
      label: 'hub',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(hub.ok);
    for (const [label, arn] of [
      ['spoke', SEED_ROLES.deployer],
      ['rim', SEED_ROLES.auditor],
    ] as const) {
      const added = await f.service['role:add']({
        label,
        roleArn: arn,
        source: { kind: 'role', id: hub.value.id },
        mfa: false,
      });
      assert.ok(added.ok);
    }
    assert.ok((await f.service['role:switch']({ roleId: hub.value.id })).ok);
    const files = () =>
      [f.sandbox.credentialsFile, f.settings.path].map((file) => readFileSync(file, 'utf8'));
    const before = files();
    const pushed = f.pushed.length;
    const refused = await f.service['role:remove']({ id: hub.value.id });
    assert.deepEqual(refused.ok ? undefined : refused.error, {
      code: 'role-in-use',
      message: 'Cannot remove "hub": "spoke", "rim" are assumed from it.',
      hint: 'Nothing was changed. Remove those roles or give them another source first (`rolebar role edit LABEL --source NAME`).',
    });
    assert.deepEqual(files(), before, 'the profile, the session and the roles are untouched');
    assert.equal(f.pushed.length, pushed, 'no state change');
    assert.ok(await f.core.credentialsOf(hub.value.id), 'the session still works');
  });

  it('signs out: the profile goes, the session goes, the state says so', async () => {
    const roleId = await switchedRole('sign-out-role');
    assert.ok((await f.service.state()).sessions.some((s) => s.roleId === roleId));
    assert.deepEqual(await f.service['session:sign-out']({ roleId }), { ok: true, value: null });
    const state = f.pushed.at(-1);
    assert.ok(!state?.sessions.some((s) => s.roleId === roleId));
  });
});
