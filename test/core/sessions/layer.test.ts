// The session layer over real parts (STS emulator, isolated keychain, temp files): one renewal per role at a
// time, a session another process renewed is reused, and the MFA session step alone.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { targetFor } from '../../../electron/core/sessions/assume.js';
import { mfaSessionAccount } from '../../../electron/core/store/identities.js';
import {
  liveMfaSession,
  readMfaSession,
  REUSE_MARGIN_MS,
  startMfaSession,
} from '../../../electron/core/sessions/mfa-session.js';
import { createStsCaller } from '../../../electron/core/aws/sts/client.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../../electron/emulator/index.js';
import { addAlice, type CoreFixture, startCoreFixture } from '../../support/core-fixture.js';

const HOUR = 3_600_000;

describe('the session layer: one flight per role', () => {
  let f: CoreFixture;
  let aliceId: string;
  const addRole = (label: string) =>
    f.core.roles.add({
      label,
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
  before(async () => {
    f = await startCoreFixture('session-layer');
    aliceId = (await addAlice(f.core, { mfa: false })).id;
  });
  after(() => f.close());

  it('10 renewals asked at once in one process make one AssumeRole and hand out the same session', async () => {
    const role = addRole('burst');
    f.emu.clearRequests();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => f.core.renew(role.id, { marginMs: 10 * 60_000 })),
    );
    assert.equal(f.emu.countRequests('AssumeRole'), 1);
    assert.equal(new Set(outcomes.map((o) => o.credentials.accessKeyId)).size, 1);
    assert.ok(
      outcomes.every((o) => o.renewed),
      'they shared the one renewal',
    );
  });

  it('reuses a session another process renewed, and renews when it has less than the margin left', async () => {
    const role = addRole('shared');
    const other = f.reopen(); // the CLI, side by side with the app
    const switched = await other.assumeRole(role.id);
    f.emu.clearRequests();
    const reused = await f.core.renew(role.id, { marginMs: 10 * 60_000 });
    assert.equal(f.emu.countRequests('AssumeRole'), 0);
    assert.equal(reused.renewed, false);
    assert.equal(reused.credentials.accessKeyId, switched.credentials.accessKeyId);
    const renewed = await f.core.renew(role.id, { marginMs: 2 * HOUR });
    assert.equal(f.emu.countRequests('AssumeRole'), 1, 'an hour left is less than the 2 h asked for');
    assert.equal(renewed.renewed, true);
    assert.equal(
      (await other.credentialsOf(role.id))?.accessKeyId,
      renewed.credentials.accessKeyId,
      'the other process sees the newer profile, not what it remembers',
    );
  });

  it('a switch and a renewal of the same role take turns; no lock file is left behind', async () => {
    const role = addRole('turns');
    f.emu.clearRequests();
    const [switched, renewed] = await Promise.all([
      f.core.assumeRole(role.id),
      f.reopen().renew(role.id, { marginMs: 10 * 60_000 }),
    ]);
    const calls = f.emu.countRequests('AssumeRole');
    assert.ok(calls === 1 || calls === 2, `${calls} calls`);
    if (calls === 1) assert.equal(renewed.credentials.accessKeyId, switched.credentials.accessKeyId);
    const folder = path.dirname(f.settings.path);
    assert.deepEqual(
      readdirSync(folder).filter((name) => name.includes('lock')),
      [],
    );
  });

  it('removing a role others chain from is refused before its session is touched', async () => {
    const hub = addRole('hub');
    const spoke = f.core.roles.add({
      label: 'spoke',
      roleArn: SEED_ROLES.deployer,
      source: { kind: 'role', id: hub.id },
      mfa: false,
    });
    await f.core.assumeRole(hub.id);
    await assert.rejects(f.core.removeRole(hub.id), {
      code: 'role-in-use',
      message: 'Cannot remove "hub": "spoke" is assumed from it.',
    });
    assert.ok(f.core.sessions.get(hub.id), 'the session is kept');
    assert.ok(await f.core.credentialsOf(hub.id), 'and its profile');
    await f.core.removeRole(spoke.id);
    await f.core.removeRole(hub.id);
    assert.equal(f.core.sessions.get(hub.id), undefined);
    assert.equal(f.core.roles.find('hub'), undefined);
  });
});

describe('the MFA session step', () => {
  let f: CoreFixture;
  let identity: Awaited<ReturnType<typeof addAlice>>;
  before(async () => {
    f = await startCoreFixture('mfa-step');
    identity = await addAlice(f.core);
  });
  after(() => f.close());

  it('starts a session with a code, keeps it in the keychain, and reuses it only for its device', async () => {
    const deps = { secrets: f.secrets, sts: createStsCaller(), now: Date.now };
    try {
      const credentials = SEED_KEYS.alice;
      const code = f.emu.totp(SEED_MFA.alice.serial);
      const started = await startMfaSession(
        deps,
        identity,
        credentials,
        SEED_MFA.alice.serial,
        code,
        targetFor({ env: f.sandbox.env }, identity),
      );
      const kept = await readMfaSession(f.secrets, identity.id);
      assert.equal(kept?.accessKeyId, started.accessKeyId);
      assert.equal(
        (await liveMfaSession(deps, identity.id, SEED_MFA.alice.serial))?.accessKeyId,
        started.accessKeyId,
      );
      assert.equal(await liveMfaSession(deps, identity.id, 'arn:aws:iam::111111111111:mfa/other'), undefined);
      const late = { ...deps, now: () => started.expiration.getTime() - REUSE_MARGIN_MS + 1 };
      assert.equal(
        await liveMfaSession(late, identity.id, SEED_MFA.alice.serial),
        undefined,
        'too close to its end',
      );
      await assert.rejects(
        startMfaSession(
          deps,
          identity,
          started,
          SEED_MFA.alice.serial,
          code,
          targetFor({ env: f.sandbox.env }, identity),
        ),
        { code: 'mfa-session-from-temporary' },
      );
    } finally {
      deps.sts.close();
    }
  });

  it('a stored value that does not parse counts as no session', async () => {
    for (const raw of ['not json', 'null', '[]', JSON.stringify({ accessKeyId: 'A', expiration: 'x' })]) {
      await f.secrets.set(mfaSessionAccount(identity.id), raw);
      assert.equal(await readMfaSession(f.secrets, identity.id), undefined, raw);
    }
  });
});
