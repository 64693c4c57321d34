import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { MfaRequiredError } from '../../../electron/core/sessions/assume.js';
import { sessionCountdown } from '../../../electron/core/domain/session-clock.js';
import { clockSessionOf } from '../../../electron/core/store/sessions.js';
import { addAlice, addKeys, type CoreFixture, startCoreFixture } from '../../support/core-fixture.js';
import { awsCliPath } from '../../support/prerequisites.js';
import { SEED_EXTERNAL_ID, SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../../electron/emulator/index.js';
import { expectFailure } from '../../support/assertions.js';

const run = promisify(execFile);

/** A credentials file a user already has: comments, a default profile, CRLF-free but odd spacing. */
const USER_FILE = `# my keys\n[default]\naws_access_key_id = AKIAUSERDEFAULTFAKE1\naws_secret_access_key = user/FAKE/default/secret/EXAMPLE00000000000\n\n[other]\nregion=eu-west-1\n`;

function read(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

describe('assumeRole against the STS emulator', () => {
  let f: CoreFixture;
  let aliceId: string;
  before(async () => {
    f = await startCoreFixture('assume');
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, USER_FILE, { mode: 0o600 });
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f.close());

  it("does the seed docs' whole flow: keys → read-only role → profile → the AWS CLI sees it → sign out restores the file", async () => {
    const role = f.core.roles.add({
      label: 'prod-readonly',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
      region: 'eu-central-1',
    });
    const outcome = await f.core.assumeRole(role.id);
    assert.equal(
      outcome.session.principalArn,
      'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
    );
    assert.equal(outcome.session.accountId, '222222222222');
    assert.equal(outcome.session.profileName, 'prod-readonly');
    const written = read(f.sandbox.credentialsFile) ?? '';
    assert.ok(written.startsWith(USER_FILE), 'everything the user had is untouched');
    assert.match(written, /\[prod-readonly\]/);

    const { stdout } = await run(
      awsCliPath(),
      [
        'sts',
        'get-caller-identity',
        '--profile',
        'prod-readonly',
        '--endpoint-url',
        f.emu.endpoint,
        '--output',
        'json',
      ],
      { env: f.sandbox.env },
    );
    assert.equal(JSON.parse(stdout).Arn, outcome.session.principalArn);
    const region = await run(awsCliPath(), ['configure', 'get', 'region', '--profile', 'prod-readonly'], {
      env: f.sandbox.env,
    });
    assert.equal(region.stdout.trim(), 'eu-central-1');

    const who = await f.core.whoAmI({ roleId: role.id });
    assert.equal(who.kind, 'assumed-role');
    assert.equal(who.arn, outcome.session.principalArn);

    assert.deepEqual(await f.core.signOut(role.id), { removed: true });
    assert.equal(read(f.sandbox.credentialsFile), USER_FILE, 'byte for byte');
    assert.equal(f.core.sessions.get(role.id), undefined);
    f.core.roles.remove(role.id);
  });

  it('resolves a role given by name in the caller’s account (aws-assume-role ec2-worker)', async () => {
    const role = f.core.roles.add({
      label: 'ec2-worker',
      roleName: 'ec2-worker',
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    const outcome = await f.core.assumeRole(role.id);
    assert.equal(
      outcome.session.principalArn,
      'arn:aws:sts::111111111111:assumed-role/ec2-worker/rolebar-alice',
    );
    assert.equal(f.core.identities.get(aliceId).userName, 'alice', 'the user name was learnt once');
  });

  it('chains hop by hop, lowering a duration above the 1-hour cap with a notice', async () => {
    const readonly = f.core.roles.add({
      label: 'hop1',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    const deployer = f.core.roles.add({
      label: 'hop2',
      roleArn: SEED_ROLES.deployer,
      source: { kind: 'role', id: readonly.id },
      mfa: false,
    });
    const auditor = f.core.roles.add({
      label: 'hop3',
      roleArn: SEED_ROLES.auditor,
      source: { kind: 'role', id: deployer.id },
      mfa: false,
      durationSeconds: 7200,
      sessionName: 'audit-run',
    });
    const outcome = await f.core.assumeRole(auditor.id);
    assert.equal(outcome.session.principalArn, 'arn:aws:sts::333333333333:assumed-role/auditor/audit-run');
    assert.equal(outcome.session.via, 'chained');
    assert.ok(outcome.notices.some((n) => /Lowered the duration of "hop3" from 2 h to 1 hour/.test(n)));
    const lifetime = Date.parse(outcome.session.expiration) - Date.now();
    assert.ok(lifetime <= 3600_000 + 5_000 && lifetime > 3500_000, `lifetime ${lifetime}`);
  });

  it('keeps every hop but the last in memory: a kept hop is reused without asking the hops below it', async () => {
    const add = (label: string, roleArn: string, source: { kind: 'identity' | 'role'; id: string }) =>
      f.core.roles.add({ label, roleArn, source, mfa: false });
    const first = add('kept1', SEED_ROLES.readonly, { kind: 'identity', id: aliceId });
    const second = add('kept2', SEED_ROLES.deployer, { kind: 'role', id: first.id });
    const third = add('kept3', SEED_ROLES.auditor, { kind: 'role', id: second.id });
    await f.core.assumeRole(third.id);
    const { memory } = f.core.context;
    assert.ok(memory.has(first.id) && memory.has(second.id), 'both intermediate hops are kept');
    // The first hop's session is gone from memory, the second's is still live: only the last hop is assumed.
    memory.delete(first.id);
    f.emu.clearRequests();
    const again = await f.core.assumeRole(third.id);
    assert.match(again.session.principalArn, /:assumed-role\/auditor\//);
    assert.equal(f.emu.countRequests('AssumeRole'), 1);
    assert.ok(!memory.has(first.id), 'the first hop was never asked');
  });

  it('passes the external ID; without it AWS refuses and the error names the role and likely causes', async () => {
    const without = f.core.roles.add({
      label: 'partner-bad',
      roleArn: SEED_ROLES.partner,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    const before = read(f.sandbox.credentialsFile);
    const error = await expectFailure(f.core.assumeRole(without.id), 'sts-access-denied');
    assert.match(error.message, /arn:aws:iam::222222222222:role\/partner/);
    assert.match(error.toUserString(), /external ID/);
    assert.equal(read(f.sandbox.credentialsFile), before, 'nothing written');
    const withId = f.core.roles.add({
      label: 'partner',
      roleArn: SEED_ROLES.partner,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
      externalId: SEED_EXTERNAL_ID,
    });
    assert.match((await f.core.assumeRole(withId.id)).session.principalArn, /assumed-role\/partner\//);
  });

  it('an explicitly denied role fails with AccessDenied and changes nothing', async () => {
    const billing = f.core.roles.add({
      label: 'billing',
      roleArn: SEED_ROLES.billing,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    const before = read(f.sandbox.credentialsFile);
    await expectFailure(f.core.assumeRole(billing.id), 'sts-access-denied');
    assert.equal(read(f.sandbox.credentialsFile), before);
    assert.equal(f.core.sessions.get(billing.id), undefined);
  });

  it('a duration above the role’s maximum gets a clear error', async () => {
    const role = f.core.roles.add({
      label: 'too-long',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
      durationSeconds: 7200,
    });
    const error = await expectFailure(f.core.assumeRole(role.id), 'sts-duration-too-long');
    assert.match(error.toUserString(), /maximum session duration/);
  });

  it('refuses to overwrite a profile it did not write, unless forced', async () => {
    const role = f.core.roles.add({
      label: 'clobber',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
      profileName: 'default',
    });
    const before = read(f.sandbox.credentialsFile);
    const error = await expectFailure(f.core.assumeRole(role.id), 'not-owned');
    assert.match(error.toUserString(), /default/);
    assert.equal(read(f.sandbox.credentialsFile), before);
    assert.equal(f.core.sessions.get(role.id), undefined, 'a refused write records no session');
    const forced = await f.core.assumeRole(role.id, { force: true });
    assert.equal(forced.session.profileName, 'default');
    const backups = forced.written.backups;
    assert.ok(backups.length <= 1);
  });

  it('copies the live session as a snippet that bash really evaluates, and its countdown runs', async () => {
    const role = f.core.roles.find('ec2-worker');
    assert.ok(role);
    const snippet = await f.core.exportSnippet(role.id, 'bash');
    const { stdout } = await run('bash', ['-c', `${snippet}\nprintf '%s' "$AWS_ACCESS_KEY_ID"`], { env: {} });
    const credentials = await f.core.credentialsOf(role.id);
    assert.equal(stdout, credentials?.accessKeyId);
    const session = f.core.sessions.get(role.id);
    assert.ok(session);
    const countdown = sessionCountdown(clockSessionOf(session), Date.now());
    assert.equal(countdown.credentials.state, 'fresh');
    assert.match(countdown.credentials.text, /^(59|1:00):\d\d/);
    await expectFailure(f.core.exportSnippet(f.core.roles.find('billing')?.id ?? '', 'bash'), 'no-session');
  });

  it('sessions and their expiry survive a restart; credentials come back from the profile', async () => {
    const role = f.core.roles.find('ec2-worker');
    assert.ok(role);
    const restarted = f.reopen();
    const session = restarted.sessions.get(role.id);
    assert.ok(session, 'the session is in settings');
    const credentials = await restarted.credentialsOf(role.id);
    assert.ok(credentials?.sessionToken);
    assert.equal(credentials.expiration.toISOString(), session.expiration);
    assert.equal((await restarted.whoAmI({ roleId: role.id })).arn, session.principalArn);
    assert.doesNotMatch(
      readFileSync(path.join(f.sandbox.rolebarHome, 'settings.json'), 'utf8'),
      new RegExp(credentials.sessionToken.slice(0, 20).replace(/[+/]/g, '.')),
    );
  });
});

describe('MFA: one code, many roles', () => {
  let f: CoreFixture;
  let aliceId: string;
  let codeStep = 0;
  /** A fresh TOTP code each call: the emulator accepts each code once, so move its clock a step. */
  const nextCode = () => {
    codeStep += 1;
    f.emu.setClockOffset(codeStep * 30_000);
    return f.emu.totp(SEED_MFA.alice.serial);
  };
  before(async () => {
    f = await startCoreFixture('mfa');
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f.close());

  it('asks for a code before calling AWS when no MFA session is alive', async () => {
    const admin = f.core.roles.add({
      label: 'admin',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: aliceId },
      mfa: true,
    });
    f.emu.clearRequests();
    const error = await expectFailure(f.core.assumeRole(admin.id), 'mfa-required');
    assert.ok(error instanceof MfaRequiredError);
    assert.equal(error.serial, SEED_MFA.alice.serial);
    assert.equal(f.emu.requests().length, 0, 'no STS call was made');
    assert.equal(read(f.sandbox.credentialsFile), undefined);
  });

  it('a wrong code is refused with a clear message and changes nothing', async () => {
    const admin = f.core.roles.find('admin');
    assert.ok(admin);
    const error = await expectFailure(f.core.assumeRole(admin.id, { mfaCode: '000000' }), 'sts-mfa-failed');
    assert.match(error.toUserString(), /6-digit code/);
    assert.equal(read(f.sandbox.credentialsFile), undefined);
    await expectFailure(f.core.assumeRole(admin.id, { mfaCode: '12ab56' }), 'invalid-input');
  });

  it('one GetSessionToken serves every MFA role of the identity', async () => {
    const admin = f.core.roles.find('admin');
    assert.ok(admin);
    const second = f.core.roles.add({
      label: 'admin-again',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: aliceId },
      mfa: true,
      sessionName: 'second',
    });
    f.emu.clearRequests();
    const first = await f.core.assumeRole(admin.id, { mfaCode: nextCode() });
    assert.equal(first.session.via, 'mfa-session');
    assert.ok(first.session.mfaExpiration);
    assert.ok(first.notices.some((n) => /Started an MFA session/.test(n)));
    const again = await f.core.assumeRole(second.id);
    assert.ok(again.notices.some((n) => /Reused the MFA session/.test(n)));
    assert.equal(f.emu.countRequests('GetSessionToken'), 1);
    assert.equal(f.emu.countRequests('AssumeRole', 'OK'), 2);
    assert.ok(await f.core.mfaSessionExpiry(aliceId));
    // A restarted app (or the CLI) finds the MFA session in the keychain.
    const third = f.reopen();
    await third.assumeRole(second.id);
    assert.equal(f.emu.countRequests('GetSessionToken'), 1);
  });

  it('a duration over 1 hour uses the code directly with AssumeRole, and says why', async () => {
    const long = f.core.roles.add({
      label: 'admin-2h',
      roleArn: SEED_ROLES.admin,
      source: { kind: 'identity', id: aliceId },
      mfa: true,
      durationSeconds: 7200,
    });
    await expectFailure(f.core.assumeRole(long.id), 'mfa-required');
    f.emu.clearRequests();
    const outcome = await f.core.assumeRole(long.id, { mfaCode: nextCode() });
    assert.equal(outcome.session.via, 'mfa-direct');
    assert.ok(outcome.notices.some((n) => /directly/.test(n) && /2 h/.test(n)));
    assert.equal(f.emu.countRequests('GetSessionToken'), 0);
    const lifetime = Date.parse(outcome.session.expiration) - f.emu.now();
    assert.ok(lifetime > 7100_000, `lifetime ${lifetime}`);
  });
});

describe('failures a user meets', () => {
  let f: CoreFixture;
  before(async () => {
    f = await startCoreFixture('failures');
  });
  after(() => f.close());

  it('an inactive key: AWS does not recognise it', async () => {
    const bob = await addKeys(f.core, 'bob', SEED_KEYS.bob);
    const error = await expectFailure(f.core.whoAmI({ identityId: bob.id }), 'sts-unknown-key');
    assert.match(error.message, /AKIABOBKEY000EXAMPLE/);
    assert.doesNotMatch(error.toUserString(), /FAKE\/inactive/, 'never the secret');
  });

  it('a wrong secret', async () => {
    const carol = await addKeys(f.core, 'carol', {
      accessKeyId: SEED_KEYS.carol.accessKeyId,
      secretAccessKey: 'carol/WRONG/secret/key/for/tests/EXAMPLE0',
    });
    const error = await expectFailure(f.core.whoAmI({ identityId: carol.id }), 'sts-wrong-secret');
    assert.doesNotMatch(error.toUserString(), /WRONG/);
  });

  it('throttling is retried with backoff; persistent throttling gets a clear error', async () => {
    const carol = await addKeys(f.core, 'carol2', SEED_KEYS.carol);
    f.emu.faults.throttle(2);
    assert.equal((await f.core.whoAmI({ identityId: carol.id })).kind, 'iam-user');
    f.emu.faults.throttle(10);
    await expectFailure(f.core.whoAmI({ identityId: carol.id }), 'sts-throttled');
    f.emu.faults.clear();
  });

  it('a skewed clock is detected from the Date header and countdowns follow the server', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    f.emu.setClockOffset(7 * 60_000);
    const who = await f.core.whoAmI({ identityId: carol.id });
    assert.equal(who.clockSkewed, true);
    assert.ok(who.clockOffsetMs !== undefined && Math.abs(who.clockOffsetMs - 7 * 60_000) < 3_000);
    f.emu.setClockOffset(0);
  });

  it('no network: a clear offline error', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    f.core.identities.update(carol.id, { endpoint: 'http://127.0.0.1:9' });
    const error = await expectFailure(f.core.whoAmI({ identityId: carol.id }), 'sts-offline');
    assert.match(error.toUserString(), /network/);
    f.core.identities.update(carol.id, { endpoint: null });
  });

  it('an endpoint that never answers times out as offline instead of hanging', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    f.emu.faults.delay(20_000);
    const started = Date.now();
    try {
      const error = await expectFailure(f.core.whoAmI({ identityId: carol.id }), 'sts-offline');
      assert.match(error.toUserString(), /network/);
      assert.ok(Date.now() - started < 15_000, 'gave up within the deadline');
    } finally {
      f.emu.faults.clear();
    }
  });

  it('dropped connections are retried', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    f.emu.faults.dropConnection(1);
    assert.equal((await f.core.whoAmI({ identityId: carol.id })).kind, 'iam-user');
  });

  it('a disabled region says how to enable it', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    f.core.identities.update(carol.id, { region: 'me-south-1' });
    try {
      const error = await expectFailure(f.core.whoAmI({ identityId: carol.id }), 'sts-region-disabled');
      assert.match(error.toUserString(), /activate STS/);
    } finally {
      f.core.identities.update(carol.id, { region: null });
    }
  });

  it('credentials AWS considers expired give an expired-token error, and nothing is written', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    const first = f.core.roles.add({
      label: 'exp-1',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: carol.id },
      mfa: false,
    });
    const second = f.core.roles.add({
      label: 'exp-2',
      roleArn: SEED_ROLES.deployer,
      source: { kind: 'role', id: first.id },
      mfa: false,
    });
    await f.core.assumeRole(first.id);
    // AWS's clock is past the cached hop's expiry while ours is not: the SDK corrects its clock, AWS says expired.
    f.emu.setClockOffset(61 * 60_000);
    try {
      const before = read(f.sandbox.credentialsFile);
      await expectFailure(f.core.assumeRole(second.id), 'sts-expired-token');
      assert.equal(read(f.sandbox.credentialsFile), before);
    } finally {
      f.emu.setClockOffset(0);
      f.core.roles.remove(second.id);
      f.core.roles.remove(first.id);
    }
  });

  it('an identity in use cannot be deleted; deleting one removes its keychain entries', async () => {
    const carol = f.core.identities.find('carol2');
    assert.ok(carol);
    const role = f.core.roles.add({
      label: 'uses-carol',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: carol.id },
      mfa: false,
    });
    await expectFailure(f.core.identities.remove(carol.id), 'identity-in-use');
    f.core.roles.remove(role.id);
    await f.core.identities.remove(carol.id);
    assert.ok(!(await f.secrets.list()).includes(`iam-user:${carol.id}`));
  });
});
