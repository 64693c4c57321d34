// The pure steps of a switch, each alone: the MFA decision (once, before any call), each hop's request, the record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hopMfaKinds,
  hopRequest,
  MfaRequiredError,
  type MfaPlan,
  planMfa,
  sessionRecordOf,
  skewNotice,
  viaOf,
} from '../../../electron/core/sessions/assume-steps.js';
import type { MfaSession } from '../../../electron/core/sessions/mfa-session.js';
import type { Identity, Role } from '../../../electron/core/domain/model.js';

const SERIAL = 'arn:aws:iam::111111111111:mfa/alice';
const ARN = 'arn:aws:iam::222222222222:role/readonly';
const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);

const alice: Identity = {
  id: 'i1',
  kind: 'iam-user',
  name: 'alice',
  accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
  mfaSerial: SERIAL,
  userName: 'alice',
};
const role = (id: string, over: Partial<Role> = {}): Role => ({
  id,
  label: id,
  roleArn: ARN,
  source: { kind: 'identity', id: 'i1' },
  mfa: false,
  ...over,
});
const mfaSession: MfaSession = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'not-a-real-secret',
  sessionToken: 'not-a-real-token',
  expiration: new Date(T0 + 3_600_000),
  serial: SERIAL,
};

describe('the MFA decision', () => {
  it('a first hop uses the MFA session up to the 1-hour cap, the code directly above it; later hops take the code', () => {
    assert.deepEqual(hopMfaKinds([role('a', { mfa: true })]), ['mfa-session']);
    assert.deepEqual(hopMfaKinds([role('a', { mfa: true, durationSeconds: 7200 })]), ['code']);
    assert.deepEqual(hopMfaKinds([role('a'), role('b', { mfa: true })]), ['none', 'code']);
    assert.deepEqual(hopMfaKinds([role('a')]), ['none']);
  });

  it('no MFA anywhere needs nothing; a device is needed as soon as one hop asks', () => {
    assert.deepEqual(planMfa(alice, [role('a')], undefined, undefined), { kind: 'none', hops: ['none'] });
    const { mfaSerial: _, ...noDevice } = alice;
    assert.throws(
      () => planMfa(noDevice, [role('a', { mfa: true })], '123456', undefined),
      (e: unknown) => e instanceof Error && /has no MFA device/.test(e.message),
    );
  });

  it('asks for a code before any call when no code or live MFA session serves', () => {
    const needsCode = (hops: Role[], live?: MfaSession) => {
      try {
        planMfa(alice, hops, undefined, live);
        return undefined;
      } catch (error) {
        return error instanceof MfaRequiredError ? error.message : String(error);
      }
    };
    assert.match(needsCode([role('a', { mfa: true })]) ?? '', /MFA session of "alice" has ended/);
    assert.match(
      needsCode([role('a', { mfa: true, durationSeconds: 7200 })], mfaSession) ?? '',
      /fresh code/,
    );
    assert.match(
      needsCode([role('a'), role('b', { mfa: true })], mfaSession) ?? '',
      /"b" asks for a fresh code/,
    );
    assert.equal(needsCode([role('a', { mfa: true })], mfaSession), undefined, 'the live session serves');
  });

  it('a given code wins over a live MFA session (a new one is started with it)', () => {
    const plan = planMfa(alice, [role('a', { mfa: true })], '123456', mfaSession);
    assert.deepEqual(plan, {
      kind: 'mfa',
      hops: ['mfa-session'],
      serial: SERIAL,
      code: '123456',
      session: undefined,
    });
  });

  it('names how the session was obtained', () => {
    const plan = (hops: MfaPlan['hops']): MfaPlan => ({ kind: 'none', hops });
    assert.equal(viaOf(plan(['none'])), 'direct');
    assert.equal(viaOf(plan(['mfa-session'])), 'mfa-session');
    assert.equal(viaOf(plan(['code'])), 'mfa-direct');
    assert.equal(viaOf(plan(['mfa-session', 'none'])), 'chained');
  });
});

describe('one hop’s request', () => {
  const none: MfaPlan = { kind: 'none', hops: ['none', 'none'] };
  const base = { identity: alice, plan: none, roleArn: ARN, userName: 'alice', fromTemporary: false };

  it('carries the session name (default rolebar-USER), external ID, source identity and tags', () => {
    const { input, notices } = hopRequest({
      ...base,
      index: 0,
      role: role('a', { externalId: 'ext-1', sourceIdentity: 'alice', tags: [{ key: 'team', value: 'x' }] }),
    });
    assert.deepEqual(input, {
      RoleArn: ARN,
      RoleSessionName: 'rolebar-alice',
      ExternalId: 'ext-1',
      SourceIdentity: 'alice',
      Tags: [{ Key: 'team', Value: 'x' }],
    });
    assert.deepEqual(notices, []);
  });

  it('lowers a chained hop above the 1-hour cap, with a notice; a first hop from long-term keys keeps it', () => {
    const chained = hopRequest({ ...base, index: 1, role: role('b', { durationSeconds: 7200 }) });
    assert.equal(chained.input.DurationSeconds, 3600);
    assert.match(chained.notices[0] ?? '', /Lowered the duration of "b" from 2 h to 1 hour/);
    const first = hopRequest({ ...base, index: 0, role: role('a', { durationSeconds: 7200 }) });
    assert.equal(first.input.DurationSeconds, 7200);
    const fromTemporary = hopRequest({
      ...base,
      fromTemporary: true,
      index: 0,
      role: role('a', { durationSeconds: 7200 }),
    });
    assert.equal(fromTemporary.input.DurationSeconds, 3600);
  });

  it('passes the code on the hops the plan says, and says why for a long first hop', () => {
    const plan: MfaPlan = { kind: 'mfa', hops: ['code'], serial: SERIAL, code: '123456', session: undefined };
    const { input, notices } = hopRequest({
      ...base,
      plan,
      index: 0,
      role: role('a', { mfa: true, durationSeconds: 7200 }),
    });
    assert.equal(input.SerialNumber, SERIAL);
    assert.equal(input.TokenCode, '123456');
    assert.equal(input.DurationSeconds, 7200);
    assert.match(notices[0] ?? '', /Used your MFA code directly for "a": 2 h/);
    const viaSession: MfaPlan = { ...plan, hops: ['mfa-session'] };
    const signed = hopRequest({ ...base, plan: viaSession, index: 0, role: role('a', { mfa: true }) });
    assert.equal(signed.input.TokenCode, undefined, 'the MFA session signs; no code on the call');
  });
});

describe('the session record', () => {
  it('holds when and who, never the credentials', () => {
    const plan: MfaPlan = {
      kind: 'mfa',
      hops: ['mfa-session'],
      serial: SERIAL,
      code: undefined,
      session: mfaSession,
    };
    const record = sessionRecordOf({
      role: role('r1', { region: 'eu-west-1' }),
      profileName: 'r1',
      assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
      credentials: { ...mfaSession, expiration: new Date(T0 + 900_000) },
      mfaExpiration: mfaSession.expiration,
      clockOffsetMs: 1200,
      startedAt: T0,
      plan,
      region: 'eu-west-1',
    });
    assert.deepEqual(record, {
      id: 'r1',
      roleId: 'r1',
      profileName: 'r1',
      principalArn: 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
      accountId: '222222222222',
      expiration: new Date(T0 + 900_000).toISOString(),
      mfaExpiration: mfaSession.expiration.toISOString(),
      clockOffsetMs: 1200,
      startedAt: new Date(T0).toISOString(),
      via: 'mfa-session',
      requiresMfa: true,
      region: 'eu-west-1',
    });
    assert.ok(!JSON.stringify(record).includes(mfaSession.secretAccessKey));
  });

  it('warns about a clock more than 5 minutes off, saying which way', () => {
    assert.equal(skewNotice(undefined), undefined);
    assert.equal(skewNotice(4 * 60_000), undefined);
    assert.match(skewNotice(10 * 60_000) ?? '', /10 minutes behind AWS's/);
    assert.match(skewNotice(-10 * 60_000) ?? '', /10 minutes ahead of AWS's/);
  });
});
