import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  evaluateCondition,
  evaluatePolicies,
  matchPrincipal,
  parsePolicyDocument,
  wildcardMatch,
} from '../../electron/emulator/policy.js';
import { base32Decode, base32Encode, matchTotpStep, totp, totpStep } from '../../electron/emulator/totp.js';
import type { PolicyDocument } from '../../electron/emulator/types.js';

describe('TOTP (RFC 6238, SHA-1, 30 s, 6 digits)', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; AWS uses the last 6 digits.
  const seed = base32Encode(Buffer.from('12345678901234567890'));
  const vectors: Array<[number, string]> = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];

  it('matches the RFC 6238 test vectors', () => {
    assert.equal(seed, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    for (const [seconds, code] of vectors) assert.equal(totp(seed, seconds * 1000), code, `T=${seconds}`);
  });

  it('accepts the previous and next step, not two steps away', () => {
    const t = 1_700_000_000_000;
    const step = totpStep(t);
    assert.equal(matchTotpStep(seed, totp(seed, t - 30_000), t), step - 1);
    assert.equal(matchTotpStep(seed, totp(seed, t + 30_000), t), step + 1);
    assert.equal(matchTotpStep(seed, totp(seed, t - 60_000), t), undefined);
  });

  it('round-trips base32 for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) =>
        Buffer.from(bytes).equals(base32Decode(base32Encode(bytes))),
      ),
    );
  });

  it('refuses characters outside the base32 alphabet', () => {
    assert.throws(() => base32Decode('ABC1'), /invalid base32/);
  });
});

describe('IAM policy evaluation', () => {
  const ctx = (entries: Record<string, string | string[]>) =>
    new Map(Object.entries(entries).map(([k, v]) => [k.toLowerCase(), v]));

  it('wildcards: * matches any run, ? one character, everything else literally', () => {
    assert.ok(wildcardMatch('arn:aws:iam::222222222222:role/*', 'arn:aws:iam::222222222222:role/team/x'));
    assert.ok(wildcardMatch('sts:Assume?ole', 'sts:AssumeRole'));
    assert.ok(!wildcardMatch('a.c', 'abc'));
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, rest) =>
        wildcardMatch(`${prefix.replace(/[*?]/g, '')}*`, `${prefix.replace(/[*?]/g, '')}${rest}`),
      ),
    );
  });

  it('conditions: StringEquals/StringLike, Bool, Numeric, Null, IfExists and negation on missing keys', () => {
    const c = ctx({
      'sts:ExternalId': 'abc-123',
      'aws:MultiFactorAuthPresent': 'true',
      'aws:MultiFactorAuthAge': '120',
    });
    assert.ok(evaluateCondition({ StringEquals: { 'sts:ExternalId': 'abc-123' } }, c));
    assert.ok(!evaluateCondition({ StringEquals: { 'sts:ExternalId': 'ABC-123' } }, c));
    assert.ok(
      evaluateCondition({ StringLike: { 'sts:externalid': 'abc-*' } }, c),
      'keys are case-insensitive',
    );
    assert.ok(evaluateCondition({ Bool: { 'aws:MultiFactorAuthPresent': true } }, c));
    assert.ok(evaluateCondition({ NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } }, c));
    assert.ok(!evaluateCondition({ NumericLessThan: { 'aws:MultiFactorAuthAge': '60' } }, c));
    const empty = ctx({});
    assert.ok(
      !evaluateCondition({ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }, empty),
      'a missing key never equals false',
    );
    assert.ok(evaluateCondition({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, empty));
    assert.ok(evaluateCondition({ StringNotEquals: { 'sts:ExternalId': 'x' } }, empty));
    assert.ok(evaluateCondition({ Null: { 'sts:ExternalId': 'true' } }, empty));
    assert.ok(!evaluateCondition({ Null: { 'sts:ExternalId': 'true' } }, c));
    assert.ok(!evaluateCondition({ NoSuchOperator: { 'sts:ExternalId': 'abc-123' } }, c));
  });

  it('conditions: ForAnyValue / ForAllValues over multi-valued keys', () => {
    const c = ctx({ 'aws:TagKeys': ['team', 'project'] });
    assert.ok(evaluateCondition({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }, c));
    assert.ok(!evaluateCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, c));
    assert.ok(
      evaluateCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'project', 'cost'] } }, c),
    );
    assert.ok(evaluateCondition({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['x'] } }, ctx({})));
  });

  it('principals: exact ARN vs account root, bare account id and *', () => {
    const who = { accountId: '111111111111', arns: ['arn:aws:iam::111111111111:user/alice'] };
    assert.equal(matchPrincipal({ AWS: 'arn:aws:iam::111111111111:user/alice' }, who), 'exact');
    assert.equal(matchPrincipal({ AWS: 'arn:aws:iam::111111111111:root' }, who), 'account');
    assert.equal(matchPrincipal({ AWS: ['999999999999', '111111111111'] }, who), 'account');
    assert.equal(matchPrincipal('*', who), 'account');
    assert.equal(matchPrincipal({ AWS: 'arn:aws:iam::111111111111:user/bob' }, who), 'none');
    assert.equal(matchPrincipal({ Service: 'ec2.amazonaws.com' }, who), 'none');
  });

  it('explicit Deny wins over Allow; NotAction and NotResource invert matching', () => {
    const doc: PolicyDocument = {
      Statement: [
        { Effect: 'Allow', Action: 'sts:*', Resource: '*' },
        { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/billing' },
        {
          Effect: 'Allow',
          NotAction: 'iam:*',
          NotResource: 'arn:aws:iam::*:role/secret*',
          Condition: { StringEquals: { 'aws:PrincipalAccount': '1' } },
        },
      ],
    };
    const req = (resource: string, account = '0') => ({
      action: 'sts:AssumeRole',
      resource,
      context: ctx({ 'aws:PrincipalAccount': account }),
    });
    assert.deepEqual(evaluatePolicies([doc], req('arn:aws:iam::2:role/billing')), {
      denied: true,
      allowed: true,
      allowedByExactPrincipal: false,
    });
    assert.equal(evaluatePolicies([doc], req('arn:aws:iam::2:role/ops')).denied, false);
    assert.equal(
      evaluatePolicies([{ Statement: doc.Statement }], {
        ...req('arn:aws:iam::2:role/x', '1'),
        action: 'iam:ListUsers',
      }).allowed,
      false,
    );
  });

  it('parses session policies, refusing non-policies', () => {
    assert.ok(
      parsePolicyDocument(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
      ),
    );
    assert.equal(parsePolicyDocument('{"Statement":[{"Effect":"Maybe","Action":"s3:*"}]}'), undefined);
    assert.equal(parsePolicyDocument('not json'), undefined);
    assert.equal(parsePolicyDocument('[]'), undefined);
  });
});
