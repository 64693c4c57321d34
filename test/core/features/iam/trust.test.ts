import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyTrust,
  confirmRevokeText,
  decodePolicy,
  principalOf,
  resolveIamTarget,
  revokePolicy,
  rolePoliciesFor,
} from '../../../../electron/core/features/iam/index.js';
import { RolebarError } from '../../../../electron/core/domain/errors.js';

const ALICE = principalOf('arn:aws:iam::111111111111:user/alice');
const READONLY = principalOf(
  'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice',
  'arn:aws:iam::222222222222:role/readonly',
);
const trust = (statement: Record<string, unknown> | Array<Record<string, unknown>>) => ({
  Version: '2012-10-17',
  Statement: statement,
});
const allow = (aws: unknown, extra: Record<string, unknown> = {}) => ({
  Effect: 'Allow',
  Principal: { AWS: aws },
  Action: 'sts:AssumeRole',
  ...extra,
});
const PROD_ROLE = 'arn:aws:iam::222222222222:role/x';
const DEV_ROLE = 'arn:aws:iam::111111111111:role/x';

describe('classifyTrust (pure)', () => {
  it('reads principals: exact user, account root, bare account id, *, the source role', () => {
    assert.equal(classifyTrust(trust(allow(ALICE.arn)), ALICE, DEV_ROLE).canAssume, 'likely');
    assert.equal(classifyTrust(trust(allow(ALICE.arn)), ALICE, DEV_ROLE).matchedBy, 'user');
    const root = classifyTrust(trust(allow('arn:aws:iam::111111111111:root')), ALICE, DEV_ROLE);
    assert.deepEqual(
      [root.canAssume, root.matchedBy, root.needsIdentityPolicy],
      ['if-allowed', 'account', true],
    );
    assert.equal(classifyTrust(trust(allow('111111111111')), ALICE, DEV_ROLE).matchedBy, 'account');
    assert.equal(classifyTrust(trust({ ...allow('x'), Principal: '*' }), ALICE, DEV_ROLE).matchedBy, 'any');
    assert.equal(
      classifyTrust(trust(allow(['arn:aws:iam::999999999999:root', '*'])), ALICE).matchedBy,
      'any',
    );
    const cross = classifyTrust(trust(allow(ALICE.arn)), ALICE, PROD_ROLE);
    assert.deepEqual([cross.canAssume, cross.needsIdentityPolicy], ['if-allowed', true], 'cross-account');
    const fromRole = classifyTrust(
      trust(allow('arn:aws:iam::222222222222:role/readonly')),
      READONLY,
      PROD_ROLE,
    );
    assert.deepEqual([fromRole.canAssume, fromRole.matchedBy], ['likely', 'role']);
    const pathless = principalOf('arn:aws:sts::111111111111:assumed-role/dev-deploy/s');
    assert.equal(
      classifyTrust(trust(allow('arn:aws:iam::111111111111:role/team/dev-deploy')), pathless).matchedBy,
      'role',
      'a session ARN drops the path; names are unique per account',
    );
    assert.equal(classifyTrust(trust(allow('arn:aws:iam::111111111111:user/bob')), ALICE).canAssume, 'no');
    assert.equal(classifyTrust(trust(allow('arn:aws:iam::333333333333:root')), ALICE).canAssume, 'no');
  });

  it('notes MFA, MFA age, ExternalId and other conditions; prefers the least demanding statement', () => {
    const mfa = classifyTrust(
      trust(
        allow('111111111111', {
          Condition: {
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
          },
        }),
      ),
      ALICE,
      PROD_ROLE,
    );
    assert.deepEqual([mfa.mfa, mfa.mfaMaxAgeSeconds, mfa.externalId], [true, 3600, undefined]);
    assert.match(mfa.reason, /asks for MFA/);
    const ext = classifyTrust(
      trust(allow('111111111111', { Condition: { StringEquals: { 'sts:ExternalId': ['abc-123'] } } })),
      ALICE,
    );
    assert.equal(ext.externalId, 'abc-123');
    const ip = classifyTrust(
      trust(allow(ALICE.arn, { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } })),
      ALICE,
    );
    assert.deepEqual(ip.otherConditions, ['aws:SourceIp (IpAddress)']);
    const two = classifyTrust(
      trust([
        allow('111111111111', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        allow(ALICE.arn),
      ]),
      ALICE,
      DEV_ROLE,
    );
    assert.deepEqual([two.mfa, two.matchedBy, two.canAssume], [false, 'user', 'likely']);
    const denyWithoutMfa = classifyTrust(
      trust([
        allow('111111111111'),
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ]),
      ALICE,
    );
    assert.equal(denyWithoutMfa.mfa, true);
  });

  it('says no for explicit denies, service-only trust, other actions and unreadable documents', () => {
    const denied = classifyTrust(
      trust([
        allow('111111111111'),
        { Effect: 'Deny', Principal: { AWS: ALICE.arn }, Action: 'sts:AssumeRole' },
      ]),
      ALICE,
    );
    assert.equal(denied.canAssume, 'no');
    assert.match(denied.reason, /explicitly denies/);
    const service = classifyTrust(
      trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }),
      ALICE,
    );
    assert.match(service.reason, /Only AWS services/);
    const saml = classifyTrust(trust(allow('111111111111', { Action: 'sts:AssumeRoleWithSAML' })), ALICE);
    assert.equal(saml.canAssume, 'no');
    assert.equal(
      classifyTrust(trust(allow('111111111111', { Action: 'sts:*' })), ALICE).canAssume,
      'if-allowed',
    );
    assert.equal(classifyTrust(undefined, ALICE).canAssume, 'no');
    assert.equal(classifyTrust('not json', ALICE).canAssume, 'no');
  });

  it('reads principals from ARNs and refuses what is not one', () => {
    assert.equal(principalOf('arn:aws-cn:iam::111111111111:user/a').partition, 'aws-cn');
    assert.equal(principalOf('arn:aws:iam::111111111111:root').kind, 'root');
    assert.equal(
      principalOf('arn:aws:sts::222222222222:assumed-role/deployer/s').roleArn,
      'arn:aws:iam::222222222222:role/deployer',
    );
    assert.throws(() => principalOf('arn:aws:s3:::bucket'), RolebarError);
  });
});

describe('policy documents, revoke text, endpoints and the XML reader (pure)', () => {
  it('writes the trust and permission policies the how-to pages write by hand', () => {
    const p = rolePoliciesFor({
      roleArn: 'arn:aws:iam::222222222222:role/team/ops',
      principal: ALICE,
      mfa: true,
      externalId: 'ext-42',
    });
    assert.deepEqual(JSON.parse(p.trustPolicyJson), {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ALICE.arn },
          Action: 'sts:AssumeRole',
          Condition: {
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
            StringEquals: { 'sts:ExternalId': 'ext-42' },
          },
        },
      ],
    });
    assert.ok(p.trustPolicyJson.includes('\n  "Statement": ['), 'pretty-printed');
    assert.deepEqual(p.permissionPolicy.Statement, [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/team/ops' },
    ]);
    assert.equal(p.crossAccount, true);
    assert.deepEqual(
      p.placements.map((x) => [x.document, x.accountId, x.required]),
      [
        ['trust', '222222222222', true],
        ['permission', '111111111111', true],
      ],
    );
    assert.match(p.explanation, /administrator of account 222222222222/);
    assert.match(p.explanation, /aws iam put-user-policy --user-name alice --policy-name assume-ops/);
    const same = rolePoliciesFor({ roleArn: DEV_ROLE, principal: ALICE });
    assert.equal(same.placements[1].required, false, 'same account, exact user: trust alone suffices');
    const account = rolePoliciesFor({ roleArn: DEV_ROLE, principal: ALICE, trustAccount: true, tags: true });
    assert.deepEqual(account.trustPolicy.Statement[0]?.Principal, { AWS: 'arn:aws:iam::111111111111:root' });
    assert.deepEqual(account.trustPolicy.Statement[0]?.Action, ['sts:AssumeRole', 'sts:TagSession']);
    const chained = rolePoliciesFor({ roleArn: PROD_ROLE, principal: READONLY });
    assert.deepEqual(chained.trustPolicy.Statement[0]?.Principal, {
      AWS: 'arn:aws:iam::222222222222:role/readonly',
    });
    assert.match(chained.placements[1].command, /put-role-policy --role-name readonly/);
    assert.throws(() =>
      rolePoliciesFor({ roleArn: DEV_ROLE, principal: principalOf('arn:aws:iam::111111111111:root') }),
    );
    assert.throws(() => rolePoliciesFor({ roleArn: 'nope', principal: ALICE }), RolebarError);
  });

  it('says exactly what a revoke does', () => {
    const at = new Date('2025-03-04T05:06:07.890Z');
    assert.deepEqual(revokePolicy(at).Statement, [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': '2025-03-04T05:06:07.890Z' } },
      },
    ]);
    const text = confirmRevokeText('arn:aws:iam::222222222222:role/readonly', at);
    assert.match(text, /role readonly \(account 222222222222\) issued before 2025-03-04T05:06:07\.890Z/);
    assert.match(text, /AWSRevokeOlderSessions/);
    assert.match(text, /not affected/);
  });

  it('picks the IAM endpoint: AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, else the partition’s', () => {
    assert.deepEqual(resolveIamTarget('aws', {}), {
      endpoint: 'https://iam.amazonaws.com',
      region: 'us-east-1',
      partition: 'aws',
      overridden: false,
    });
    assert.equal(resolveIamTarget('aws-cn', {}).endpoint, 'https://iam.cn-north-1.amazonaws.com.cn');
    assert.equal(resolveIamTarget('aws-cn', {}).region, 'cn-north-1');
    assert.equal(resolveIamTarget('aws-us-gov', {}).region, 'us-gov-west-1');
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:1/', AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:2' };
    assert.equal(resolveIamTarget('aws', env).endpoint, 'http://127.0.0.1:2');
    assert.equal(
      resolveIamTarget('aws', { AWS_ENDPOINT_URL: 'http://127.0.0.1:1/' }).endpoint,
      'http://127.0.0.1:1',
    );
    assert.throws(() => resolveIamTarget('aws', { AWS_ENDPOINT_URL_IAM: 'ftp://x' }), RolebarError);
  });

  it('decodes URL-encoded policies', () => {
    assert.deepEqual(decodePolicy('%7B%22a%22%3A1%7D'), { a: 1 });
    assert.equal(decodePolicy('%7Bbroken'), undefined);
  });
});
