import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { toAmzDate } from '../../electron/emulator/clock.js';
import {
  SEED_ROLES,
  SIGNATURE_MISMATCH_MESSAGE,
  type StsEmulator,
  signRequest,
} from '../../electron/emulator/index.js';
import { computeSignature, parseSigV4, signingKey, uriEncode } from '../../electron/emulator/sigv4.js';
import { presignRequest } from '../../electron/emulator/sigv4-sign.js';
import {
  alice,
  bob,
  type Creds,
  credsOf,
  expectStsError,
  formBody,
  rawRequest,
  sdk,
  signedPost,
  startManual,
} from './helpers.js';

const AWS_DOC_KEY = { accessKeyId: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

function vectorSignature(
  method: string,
  url: string,
  headers: Array<[string, string]>,
  body: string,
  region: string,
  service: string,
): string {
  const req = { method, url, headers, body: Buffer.from(body) };
  const amzDate = headers.find(([k]) => k.toLowerCase() === 'x-amz-date')?.[1] ?? '';
  const signedHeaders = [...new Set(headers.map(([k]) => k.toLowerCase()))].sort();
  return computeSignature(
    req,
    {
      accessKeyId: AWS_DOC_KEY.accessKeyId,
      scopeDate: amzDate.slice(0, 8),
      region,
      service,
      terminator: 'aws4_request',
      signedHeaders,
      signature: '',
      amzDate,
      presigned: false,
    },
    AWS_DOC_KEY.secret,
  );
}

describe('SigV4 primitives against AWS published examples', () => {
  it('derives the documented signing key', () => {
    assert.equal(
      signingKey(AWS_DOC_KEY.secret, '20120215', 'us-east-1', 'iam').toString('hex'),
      'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d',
    );
  });

  it('signs the get-vanilla test vector', () => {
    const sig = vectorSignature(
      'GET',
      '/',
      [
        ['Host', 'example.amazonaws.com'],
        ['X-Amz-Date', '20150830T123600Z'],
      ],
      '',
      'us-east-1',
      'service',
    );
    assert.equal(sig, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  });

  it('signs the get-vanilla-query-order-key-case vector (query sorted by key)', () => {
    const sig = vectorSignature(
      'GET',
      '/?Param2=value2&Param1=value1',
      [
        ['Host', 'example.amazonaws.com'],
        ['X-Amz-Date', '20150830T123600Z'],
      ],
      '',
      'us-east-1',
      'service',
    );
    assert.equal(sig, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  });

  it('signs the IAM ListUsers example from the SigV4 guide', () => {
    const sig = vectorSignature(
      'GET',
      '/?Action=ListUsers&Version=2010-05-08',
      [
        ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
        ['Host', 'iam.amazonaws.com'],
        ['X-Amz-Date', '20150830T123600Z'],
      ],
      '',
      'us-east-1',
      'iam',
    );
    assert.equal(sig, '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('percent-encodes like RFC 3986 (only unreserved characters stay)', () => {
    assert.equal(uriEncode("a b+c/d*e~f!'()"), 'a%20b%2Bc%2Fd%2Ae~f%21%27%28%29');
  });

  it('parses an Authorization header and tells when there is none', () => {
    const auth = parseSigV4({
      method: 'POST',
      url: '/',
      headers: [
        ['X-Amz-Date', '20240101T000000Z'],
        [
          'Authorization',
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
        ],
      ],
      body: Buffer.alloc(0),
    });
    assert.equal(auth?.region, 'eu-west-1');
    assert.deepEqual(auth?.signedHeaders, ['host', 'x-amz-date']);
    assert.equal(parseSigV4({ method: 'GET', url: '/', headers: [], body: Buffer.alloc(0) }), undefined);
  });
});

describe('SigV4 verification by the emulator (hand-signed requests)', () => {
  let emu: StsEmulator;
  before(async () => {
    ({ emu } = await startManual());
  });
  after(() => emu.close());

  it('accepts a correctly signed POST and answers in the STS XML shape with AWS headers', async () => {
    const res = await signedPost(emu, alice, { Action: 'GetCallerIdentity' });
    assert.equal(res.status, 200);
    assert.match(
      res.body,
      /^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/,
    );
    assert.match(res.body, /<Arn>arn:aws:iam::111111111111:user\/alice<\/Arn>/);
    assert.match(res.body, /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
    assert.match(String(res.headers['x-amzn-requestid']), /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.date, new Date(emu.now()).toUTCString());
  });

  it('refuses a body altered after signing', async () => {
    const res = await signedPost(
      emu,
      alice,
      { Action: 'GetCallerIdentity' },
      {
        tamper: (r) => {
          r.body = formBody({ Action: 'GetSessionToken' });
          r.headers = r.headers.map(([k, v]) =>
            k.toLowerCase() === 'content-length' ? [k, String(r.body.length)] : [k, v],
          );
        },
      },
    );
    assert.equal(res.status, 403);
    assert.equal(res.code, 'SignatureDoesNotMatch');
    assert.equal(res.message, SIGNATURE_MISMATCH_MESSAGE);
    assert.match(res.body, /<Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code>/);
  });

  it('refuses a wrong secret, an unknown key and an inactive key', async () => {
    const wrong = await signedPost(
      emu,
      { ...alice, secretAccessKey: 'x'.repeat(40) },
      { Action: 'GetCallerIdentity' },
    );
    assert.deepEqual([wrong.status, wrong.code], [403, 'SignatureDoesNotMatch']);
    const unknown = await signedPost(
      emu,
      { accessKeyId: 'AKIANOSUCHKEYEXAMPLE', secretAccessKey: alice.secretAccessKey },
      { Action: 'GetCallerIdentity' },
    );
    assert.deepEqual(
      [unknown.status, unknown.code, unknown.message],
      [403, 'InvalidClientTokenId', 'The security token included in the request is invalid.'],
    );
    const inactive = await signedPost(emu, bob, { Action: 'GetCallerIdentity' });
    assert.deepEqual([inactive.status, inactive.code], [403, 'InvalidClientTokenId']);
  });

  it('refuses requests without authentication, and malformed Authorization headers', async () => {
    const none = await rawRequest(emu, {
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: formBody({ Action: 'GetCallerIdentity' }),
    });
    assert.deepEqual(
      [none.status, none.code, none.message],
      [403, 'MissingAuthenticationToken', 'Request is missing Authentication Token'],
    );
    const partial = await rawRequest(emu, {
      headers: [
        ['x-amz-date', toAmzDate(emu.now())],
        [
          'authorization',
          `AWS4-HMAC-SHA256 Credential=${alice.accessKeyId}/20240101/us-east-1/sts/aws4_request, SignedHeaders=host`,
        ],
      ],
      body: formBody({ Action: 'GetCallerIdentity' }),
    });
    assert.deepEqual(
      [partial.status, partial.code, partial.message],
      [400, 'IncompleteSignature', "Authorization header requires 'Signature' parameter."],
    );
  });

  it('requires the credential scope service to be sts, but accepts any region name', async () => {
    const wrongService = await signedPost(emu, alice, { Action: 'GetCallerIdentity' }, { service: 'iam' });
    assert.deepEqual([wrongService.status, wrongService.code], [403, 'SignatureDoesNotMatch']);
    assert.equal(wrongService.message, "Credential should be scoped to correct service: 'sts'. ");
    const otherRegion = await signedPost(
      emu,
      alice,
      { Action: 'GetCallerIdentity' },
      { region: 'ap-southeast-2' },
    );
    assert.equal(otherRegion.status, 200);
  });

  it('answers RegionDisabledException for a region disabled in the world', async () => {
    const res = await signedPost(emu, alice, { Action: 'GetCallerIdentity' }, { region: 'me-south-1' });
    assert.equal(res.status, 403);
    assert.equal(res.code, 'RegionDisabledException');
    assert.equal(
      res.message,
      'STS is not activated in this region for account:111111111111. Your account administrator can activate STS in this region using the IAM Console.',
    );
  });

  it('refuses requests dated more than 15 minutes from the server clock, with AWS messages', async () => {
    const now = emu.now();
    const old = await signedPost(emu, alice, { Action: 'GetCallerIdentity' }, { atMs: now - 16 * 60_000 });
    assert.deepEqual([old.status, old.code], [403, 'SignatureDoesNotMatch']);
    assert.equal(
      old.message,
      `Signature expired: ${toAmzDate(now - 16 * 60_000)} is now earlier than ${toAmzDate(now - 15 * 60_000)} (${toAmzDate(now)} - 15 min.)`,
    );
    const future = await signedPost(emu, alice, { Action: 'GetCallerIdentity' }, { atMs: now + 16 * 60_000 });
    assert.deepEqual([future.status, future.code], [403, 'SignatureDoesNotMatch']);
    assert.equal(
      future.message,
      `Signature not yet current: ${toAmzDate(now + 16 * 60_000)} is still later than ${toAmzDate(now + 15 * 60_000)} (${toAmzDate(now)} + 15 min.)`,
    );
    const inside = await signedPost(emu, alice, { Action: 'GetCallerIdentity' }, { atMs: now - 14 * 60_000 });
    assert.equal(inside.status, 200);
  });

  it('checks a declared x-amz-content-sha256 against the body', async () => {
    const res = await signedPost(
      emu,
      alice,
      { Action: 'GetCallerIdentity' },
      {
        tamper: (r) => {
          r.body = formBody({ Action: 'GetCallerIdentity', Extra: 'x' });
        },
      },
    );
    assert.equal(res.code, 'SignatureDoesNotMatch');
  });

  it('accepts GET with query parameters and presigned URLs; refuses expired or tampered ones', async () => {
    const host = `127.0.0.1:${emu.port}`;
    const getUrl = '/?Action=GetCallerIdentity&Version=2011-06-15';
    const headers = signRequest(
      { method: 'GET', url: getUrl, headers: [['host', host]], body: Buffer.alloc(0) },
      { ...alice, atMs: emu.now() },
    );
    const get = await rawRequest(emu, { method: 'GET', path: getUrl, headers });
    assert.equal(get.status, 200);
    assert.match(get.body, /<GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user\/alice<\/Arn>/);
    const url = presignRequest('/?Action=GetCallerIdentity&Version=2011-06-15', host, {
      ...alice,
      atMs: emu.now(),
      expiresSeconds: 60,
    });
    const ok = await rawRequest(emu, { method: 'GET', path: url, headers: [['host', host]] });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /user\/alice/);
    const tampered = await rawRequest(emu, {
      method: 'GET',
      path: url.replace('GetCallerIdentity', 'GetSessionToken'),
      headers: [['host', host]],
    });
    assert.equal(tampered.code, 'SignatureDoesNotMatch');
    const stale = presignRequest('/?Action=GetCallerIdentity&Version=2011-06-15', host, {
      ...alice,
      atMs: emu.now() - 120_000,
      expiresSeconds: 60,
    });
    const expired = await rawRequest(emu, { method: 'GET', path: stale, headers: [['host', host]] });
    assert.equal(expired.code, 'SignatureDoesNotMatch');
    assert.match(expired.message ?? '', /^Signature expired: /);
  });

  it('requires the right session token with temporary keys, and none with long-term keys', async () => {
    const r = await sdk(emu, alice).send(
      new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'tok' }),
    );
    const temp: Creds = credsOf(r.Credentials);
    await sdk(emu, temp).send(new GetCallerIdentityCommand({}));
    const { sessionToken: _dropped, ...noToken } = temp;
    await expectStsError(
      sdk(emu, noToken).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
    );
    await expectStsError(
      sdk(emu, { ...temp, sessionToken: `${temp.sessionToken?.slice(0, -4)}AAAA` }).send(
        new GetCallerIdentityCommand({}),
      ),
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
    await expectStsError(
      sdk(emu, { ...alice, sessionToken: temp.sessionToken ?? '' }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
    );
  });

  it('answers InvalidAction for unknown actions and versions, after authenticating', async () => {
    const unknown = await signedPost(emu, alice, { Action: 'AssumeRoot' });
    assert.deepEqual(
      [unknown.status, unknown.code, unknown.message],
      [400, 'InvalidAction', 'Could not find operation AssumeRoot for version 2011-06-15'],
    );
    const badVersion = await signedPost(emu, alice, { Action: 'GetCallerIdentity', Version: '2099-01-01' });
    assert.equal(badVersion.code, 'InvalidAction');
  });
});
