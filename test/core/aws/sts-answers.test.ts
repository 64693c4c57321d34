// STS answers are not trusted blindly: an impossible Expiration, a web page, garbage, a redirect, a 404, an empty
// body, missing credentials or silence are refused with a message that names what came back and where from, and
// the file is unchanged. An AWS error document is an AWS error whatever its content type, as botocore reads it.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RolebarError } from '../../../electron/core/domain/errors.js';
import { createStsCaller } from '../../../electron/core/aws/sts/client.js';
import { addAlice, type CoreFixture, startCoreFixture } from '../../support/core-fixture.js';
import { SEED_KEYS, SEED_ROLES, type CannedAnswer } from '../../../electron/emulator/index.js';

const USER_FILE = '# mine\n[other]\nregion = eu-west-1\n';

/** An AssumeRole answer shaped exactly like STS's, with the Expiration a test chooses. */
function assumeRoleXml(
  expiration: string,
  arn = 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAFAKECANNED000000</AccessKeyId><SecretAccessKey>canned/FAKE/secret</SecretAccessKey><SessionToken>CannedFakeToken</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>${arn}</Arn><AssumedRoleId>AROAFAKE:rolebar-alice</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>canned</RequestId></ResponseMetadata></AssumeRoleResponse>`;
}

describe('answers that are not what STS sends', () => {
  let f: CoreFixture;
  let aliceId: string;
  let n = 0;
  before(async () => {
    f = await startCoreFixture('sts-answers');
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f?.close());

  /** Adds a fresh role, seeds the credentials file, injects `answer` once, switches: returns the error. */
  async function switchAgainst(answer: CannedAnswer): Promise<RolebarError> {
    n += 1;
    const role = f.core.roles.add({
      label: `answers-${n}`,
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, USER_FILE, { mode: 0o600 });
    f.emu.faults.clear();
    f.emu.faults.answerWith(answer, 3, { action: 'AssumeRole' });
    try {
      await f.core.assumeRole(role.id);
    } catch (error) {
      assert.ok(error instanceof RolebarError, String(error));
      assert.equal(readFileSync(f.sandbox.credentialsFile, 'utf8'), USER_FILE, 'the file is unchanged');
      assert.ok(!error.toUserString().includes('canned/FAKE'), 'no secret in the message');
      return error;
    } finally {
      f.emu.faults.clear();
    }
    assert.fail('the switch succeeded');
  }

  const xml = (expiration: string): CannedAnswer => ({
    status: 200,
    headers: { 'Content-Type': 'text/xml' },
    body: assumeRoleXml(expiration),
  });

  it('an Expiration in the past is refused', async () => {
    const error = await switchAgainst(xml('2000-01-01T00:00:00Z'));
    assert.equal(error.code, 'sts-bad-answer');
    assert.match(error.message, /2000-01-01T00:00:00\.000Z.*already passed/);
    assert.ok(error.message.includes(f.emu.endpoint), 'names the endpoint');
  });

  it('an Expiration far in the future is refused', async () => {
    const error = await switchAgainst(xml('9999-12-31T23:59:59Z'));
    assert.equal(error.code, 'sts-bad-answer');
    assert.match(error.message, /9999-12-31.*36 hours/);
  });

  it('an HTML page names the status, the content type and the endpoint, and points at AWS_ENDPOINT_URL_STS', async () => {
    const error = await switchAgainst({
      status: 200,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: '<!doctype html><html><body>Welcome to nginx!</body></html>',
    });
    assert.equal(error.code, 'sts-not-sts');
    assert.match(error.message, /HTTP 200 \(text\/html\)/);
    assert.ok(error.message.includes(f.emu.endpoint));
    assert.match(error.hint ?? '', /AWS_ENDPOINT_URL_STS/);
    assert.doesNotMatch(error.toUserString(), /\$response|@aws-sdk/);
  });

  it('garbage, an empty answer, a redirect and a 404 are each named for what they are', async () => {
    const garbage = await switchAgainst({
      status: 200,
      headers: { 'Content-Type': 'text/xml' },
      body: '\u0000\u0001<<<not xml',
    });
    assert.equal(garbage.code, 'sts-not-sts');
    assert.match(garbage.message, /HTTP 200 \(text\/xml\)/);
    assert.ok(garbage.message.includes(f.emu.endpoint));
    const empty = await switchAgainst({ status: 200, headers: { 'Content-Type': 'text/xml' } });
    assert.match(empty.message, /HTTP 200 \(text\/xml, empty\)/);
    const moved = await switchAgainst({ status: 302, headers: { Location: 'https://login.example/' } });
    assert.match(
      moved.message,
      /HTTP 302 \(no content type, empty\) redirecting to https:\/\/login\.example\//,
    );
    f.emu.clearRequests();
    const missing = await switchAgainst({
      status: 404,
      headers: { 'Content-Type': 'text/plain' },
      body: 'Not Found',
    });
    assert.match(missing.message, /HTTP 404 \(text\/plain\)/);
    // Retrying cannot turn a wrong endpoint into STS: one request, not three.
    assert.equal(f.emu.countRequests('AssumeRole', 'Canned'), 1);
    for (const e of [garbage, empty, moved, missing]) assert.match(e.hint ?? '', /AWS_ENDPOINT_URL_STS/);
  });

  it('an AWS error document is read as the AWS error it is, whatever its content type (moto sends text/html)', async () => {
    const error = (code: string, message: string): CannedAnswer => ({
      status: 403,
      headers: { 'Content-Type': 'text/html; charset=utf-8' },
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>moto</RequestId></ErrorResponse>`,
    });
    const signature = await switchAgainst(
      error(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      ),
    );
    assert.equal(signature.code, 'sts-wrong-secret', signature.message);
    const denied = await switchAgainst(
      error('AccessDenied', 'User is not authorized to perform: sts:AssumeRole'),
    );
    assert.equal(denied.code, 'sts-access-denied', denied.message);
    for (const e of [signature, denied])
      assert.doesNotMatch(e.toUserString(), /AWS_ENDPOINT_URL_STS|as AWS STS does/);
  });

  it('an empty body, an answer without SecretAccessKey and an entity-only token each say what was wrong', async () => {
    const empty = await switchAgainst({ status: 403, headers: { 'Content-Type': 'text/xml' } });
    assert.match(empty.message, /with an empty body/);
    const valid = assumeRoleXml(new Date(Date.now() + 3_600_000).toISOString());
    const noSecret = await switchAgainst({
      status: 200,
      headers: { 'Content-Type': 'text/xml' },
      body: valid.replace(/<SecretAccessKey>[^<]*<\/SecretAccessKey>/, ''),
    });
    assert.equal(noSecret.code, 'sts-bad-answer', noSecret.message);
    assert.match(noSecret.message, /without SecretAccessKey/);
    const entity = await switchAgainst({
      status: 200,
      headers: { 'Content-Type': 'text/xml' },
      body: valid.replace(/<SessionToken>[^<]*<\/SessionToken>/, '<SessionToken>&amp;&#32;</SessionToken>'),
    });
    assert.equal(entity.code, 'sts-bad-answer', entity.message);
    assert.match(entity.message, /SessionToken that is no session token/);
    for (const e of [empty, noSecret, entity]) {
      assert.doesNotMatch(e.toUserString(), /Health Dashboard/);
      assert.match(e.hint ?? '', /AWS_ENDPOINT_URL_STS/);
    }
  });

  it('an answer over 64 KiB is refused, with or without a declared length, and not read further', async () => {
    // Valid in every other way: before the cap, 1 MiB of padding was read, parsed and its credentials used.
    const padded = assumeRoleXml(new Date(Date.now() + 3_600_000).toISOString()).replace(
      '<ResponseMetadata>',
      `${' '.repeat(1024 * 1024)}<ResponseMetadata>`,
    );
    for (const headers of [
      { 'Content-Type': 'text/xml' } as Record<string, string>,
      { 'Content-Type': 'text/xml', 'Transfer-Encoding': 'chunked' },
    ]) {
      const error = await switchAgainst({ status: 200, headers, body: padded });
      assert.equal(error.code, 'sts-bad-answer', error.message);
      assert.match(error.message, /answered AssumeRole with more than 64 KiB/);
      assert.doesNotMatch(error.toUserString(), /\$response|Deserialization/);
    }
  });

  it('an assumed-role ARN of another account, role or session, or holding escapes, is refused unused', async () => {
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    for (const arn of [
      'arn:aws:sts::999999999999:assumed-role/readonly/rolebar-alice',
      'arn:aws:sts::222222222222:assumed-role/admin/rolebar-alice',
      'arn:aws:sts::222222222222:assumed-role/readonly/\u001b[31mrolebar-alice',
    ]) {
      const error = await switchAgainst({
        status: 200,
        headers: { 'Content-Type': 'text/xml' },
        body: assumeRoleXml(inAnHour, arn),
      });
      assert.equal(error.code, 'sts-bad-answer', error.message);
      assert.match(
        error.message,
        /answered AssumeRole for arn:aws:iam::222222222222:role\/readonly with a session of something else/,
      );
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(error.toUserString(), /[\u0000-\u001f]/);
    }
  });

  it("AWS's error message is shown without the control characters it holds", async () => {
    const error = await switchAgainst({
      status: 403,
      headers: { 'Content-Type': 'text/xml' },
      body: '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>denied \u001b]0;pwned\u0007\u001b[2J\u009b31m here</Message></Error><RequestId>x</RequestId></ErrorResponse>',
    });
    assert.equal(error.code, 'sts-access-denied', error.message);
    // eslint-disable-next-line no-control-regex
    const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
    for (const text of [error.message, error.hint ?? '', (error as { awsMessage?: string }).awsMessage ?? ''])
      assert.doesNotMatch(text, controls);
    assert.match(error.toUserString(), /denied \]0;pwned\[2J31m here/);
  });

  // Without the whole-call bound the SDK would retry after each silent attempt; the test's own timeout is a
  // watchdog that turns a call that never ends into a failure instead of a hang.
  it(
    'a server that never answers gives a clear error within the configured bound',
    { timeout: 50_000 },
    async () => {
      const caller = createStsCaller({ env: { ROLEBAR_STS_TIMEOUT_SECONDS: '2' } });
      f.emu.clearRequests();
      f.emu.faults.silence(10, { action: 'GetCallerIdentity' });
      try {
        await assert.rejects(
          caller.getCallerIdentity(
            { region: 'us-east-1', endpoint: f.emu.endpoint, overridden: true },
            SEED_KEYS.alice,
            { action: 'GetCallerIdentity' },
          ),
          (error: unknown) => {
            assert.ok(error instanceof RolebarError);
            assert.equal(error.code, 'sts-offline');
            assert.match(error.message, /did not answer GetCallerIdentity within 2 s/);
            assert.ok(error.message.includes(f.emu.endpoint));
            return true;
          },
        );
        // One attempt, abandoned by the bound: no retry was started after it.
        assert.equal(f.emu.countRequests('GetCallerIdentity'), 1);
      } finally {
        f.emu.faults.clear();
        caller.close();
      }
    },
  );
});
