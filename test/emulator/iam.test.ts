import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ManualClock,
  SEED_KEYS,
  SEED_MFA,
  SEED_ROLES,
  type StsEmulator,
  seedWorld,
} from '../../electron/emulator/index.js';
import {
  AwsCliSandbox,
  alice,
  carol,
  type Creds,
  devRoot,
  type RawAnswer,
  requireAwsCli,
  signedPost,
  startManual,
} from './helpers.js';

const IAM = { Version: '2010-05-08' };
const IAM_NS = 'xmlns="https://iam.amazonaws.com/doc/2010-05-08/"';

/** Signs for service `iam` (region us-east-1), as the AWS tools do. */
function iam(emu: StsEmulator, creds: Creds, params: Record<string, string>): Promise<RawAnswer> {
  return signedPost(emu, creds, { ...IAM, ...params }, { service: 'iam' });
}

function all(body: string, element: string): string[] {
  return [...body.matchAll(new RegExp(`<${element}>([^<]*)</${element}>`, 'g'))].map((m) => m[1] ?? '');
}

async function assume(emu: StsEmulator, creds: Creds, params: Record<string, string>): Promise<Creds> {
  return credentialsIn(
    await signedPost(emu, creds, { Action: 'AssumeRole', RoleSessionName: 'iam-test', ...params }),
  );
}

/** The temporary credentials of a successful STS answer. */
function credentialsIn(r: RawAnswer): Creds {
  assert.equal(r.status, 200, r.body);
  const [accessKeyId] = all(r.body, 'AccessKeyId');
  const [secretAccessKey] = all(r.body, 'SecretAccessKey');
  const [sessionToken] = all(r.body, 'SessionToken');
  assert.ok(accessKeyId && secretAccessKey && sessionToken);
  return { accessKeyId, secretAccessKey, sessionToken };
}

/** alice's GetSessionToken session (with `params`: DurationSeconds, SerialNumber and TokenCode). */
async function sessionToken(emu: StsEmulator, params: Record<string, string>): Promise<Creds> {
  return credentialsIn(await signedPost(emu, alice, { Action: 'GetSessionToken', ...params }));
}

describe('IAM Query API of the emulator (hand-signed for service iam)', () => {
  let emu: StsEmulator;
  let clock: ManualClock;
  let readonly: Creds;
  before(async () => {
    ({ emu, clock } = await startManual());
    readonly = await assume(emu, alice, { RoleArn: SEED_ROLES.readonly });
  });
  after(() => emu.close());

  it('ListRoles lists the caller’s own account, with the trust policy URL-encoded JSON', async () => {
    const r = await iam(emu, alice, { Action: 'ListRoles' });
    assert.equal(r.status, 200, r.body);
    assert.ok(r.body.startsWith(`<ListRolesResponse ${IAM_NS}><ListRolesResult>`), r.body);
    assert.deepEqual(all(r.body, 'RoleName'), ['dev-deploy', 'ec2-worker']);
    assert.deepEqual(all(r.body, 'Path'), ['/team/', '/']);
    assert.deepEqual(all(r.body, 'IsTruncated'), ['false']);
    const [encoded] = all(r.body, 'AssumeRolePolicyDocument');
    assert.match(encoded ?? '', /^%7B%22Version%22/);
    const trust = JSON.parse(decodeURIComponent(encoded ?? '')) as {
      Statement: Array<{ Principal: unknown }>;
    };
    assert.deepEqual(trust.Statement[0]?.Principal, { AWS: '111111111111' });
    const prod = await iam(emu, readonly, { Action: 'ListRoles' });
    assert.deepEqual(all(prod.body, 'RoleName'), [
      'admin',
      'billing',
      'deployer',
      'long-session',
      'partner',
      'readonly',
    ]);
    assert.deepEqual(all(prod.body, 'MaxSessionDuration').slice(0, 1), ['7200']);
  });

  it('pages with MaxItems, Marker and IsTruncated, and filters by PathPrefix', async () => {
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await iam(emu, readonly, {
        Action: 'ListRoles',
        MaxItems: '4',
        ...(marker ? { Marker: marker } : {}),
      });
      assert.equal(r.status, 200, r.body);
      names.push(...all(r.body, 'RoleName'));
      marker = all(r.body, 'Marker')[0];
      assert.equal(all(r.body, 'IsTruncated')[0], marker ? 'true' : 'false');
      pages += 1;
    } while (marker);
    assert.equal(pages, 2);
    assert.equal(names.length, 6);
    const team = await iam(emu, alice, { Action: 'ListRoles', PathPrefix: '/team/' });
    assert.deepEqual(all(team.body, 'RoleName'), ['dev-deploy']);
    const none = await iam(emu, alice, { Action: 'ListRoles', PathPrefix: '/nothing/' });
    assert.match(none.body, /<Roles><\/Roles>/);
    const bad = await iam(emu, alice, { Action: 'ListRoles', MaxItems: '0' });
    assert.equal(bad.code, 'ValidationError');
    const badMarker = await iam(emu, alice, { Action: 'ListRoles', Marker: '!!' });
    assert.equal(badMarker.code, 'ValidationError');
  });

  it('refuses callers whose identity policies do not allow the action, in IAM’s XML shape', async () => {
    const r = await iam(emu, carol, { Action: 'ListRoles' });
    assert.equal(r.status, 403);
    assert.ok(
      r.body.startsWith(`<ErrorResponse ${IAM_NS}><Error><Type>Sender</Type><Code>AccessDenied</Code>`),
    );
    assert.equal(
      r.message,
      'User: arn:aws:iam::111111111111:user/contractors/carol is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/ because no identity-based policy allows the iam:ListRoles action',
    );
    const put = await iam(emu, readonly, {
      Action: 'PutRolePolicy',
      RoleName: 'billing',
      PolicyName: 'x',
      PolicyDocument: '{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}',
    });
    assert.equal(put.code, 'AccessDenied');
    assert.match(
      put.message ?? '',
      /iam:PutRolePolicy on resource: arn:aws:iam::222222222222:role\/billing because/,
    );
    assert.equal(emu.world.roleByArn(SEED_ROLES.billing)?.inlinePolicies.size, 0, 'nothing changed');
    const root = await iam(emu, devRoot, { Action: 'GetRole', RoleName: 'ec2-worker' });
    assert.equal(root.status, 200, 'the account root may do anything in its account');
  });

  it('GetRole answers one role of the caller’s account, NoSuchEntity otherwise', async () => {
    const r = await iam(emu, alice, { Action: 'GetRole', RoleName: 'dev-deploy' });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(all(r.body, 'Arn'), [SEED_ROLES.devDeploy]);
    assert.match(r.body, /<GetRoleResult><Role><Path>\/team\/<\/Path>/);
    const missing = await iam(emu, alice, { Action: 'GetRole', RoleName: 'readonly' });
    assert.equal(missing.status, 404, 'IAM acts in the caller’s own account only');
    assert.equal(missing.code, 'NoSuchEntity');
    assert.equal(missing.message, 'The role with name readonly cannot be found.');
  });

  it('checks SigV4 for service iam in us-east-1 and keeps STS on its own scope', async () => {
    const sts = await signedPost(emu, alice, { ...IAM, Action: 'ListRoles' }, { service: 'sts' });
    assert.equal(sts.code, 'SignatureDoesNotMatch');
    assert.equal(sts.message, "Credential should be scoped to correct service: 'iam'. ");
    const region = await signedPost(
      emu,
      alice,
      { ...IAM, Action: 'ListRoles' },
      { service: 'iam', region: 'eu-west-1' },
    );
    assert.equal(region.code, 'SignatureDoesNotMatch');
    const tampered = await signedPost(
      emu,
      alice,
      { ...IAM, Action: 'ListRoles' },
      { service: 'iam', tamper: (req) => (req.body += '&PathPrefix=%2Fteam%2F') },
    );
    assert.equal(tampered.code, 'SignatureDoesNotMatch');
    const wrongSecret = await iam(
      emu,
      { ...alice, secretAccessKey: SEED_KEYS.carol.secretAccessKey },
      { Action: 'ListRoles' },
    );
    assert.equal(wrongSecret.code, 'SignatureDoesNotMatch');
    const who = await signedPost(emu, alice, { Action: 'GetCallerIdentity' });
    assert.equal(who.status, 200);
    const unknown = await iam(emu, alice, { Action: 'DeleteRole', RoleName: 'ec2-worker' });
    assert.equal(unknown.code, 'InvalidAction');
  });

  it('GetSessionToken sessions: no IAM without MFA (InvalidClientTokenId), no STS but AssumeRole and GetCallerIdentity', async () => {
    const self = await iam(emu, alice, { Action: 'GetUser' });
    assert.equal(self.status, 200, self.body);
    assert.deepEqual(all(self.body, 'Arn'), ['arn:aws:iam::111111111111:user/alice']);
    const plain = await sessionToken(emu, {});
    const refused = await iam(emu, plain, { Action: 'GetUser' });
    assert.equal(refused.code, 'InvalidClientTokenId', refused.body);
    assert.equal(refused.status, 403);
    assert.equal((await iam(emu, plain, { Action: 'ListRoles' })).code, 'InvalidClientTokenId');
    const federation = await signedPost(emu, plain, { Action: 'GetFederationToken', Name: 'fed' });
    assert.equal(federation.code, 'AccessDenied');
    assert.equal(federation.message, 'Cannot call GetFederationToken with session credentials');
    assert.equal((await signedPost(emu, plain, { Action: 'GetCallerIdentity' })).status, 200);
    await assume(emu, plain, { RoleArn: SEED_ROLES.readonly });
    clock.advance(30_000);
    const withMfa = await sessionToken(emu, {
      SerialNumber: SEED_MFA.alice.serial,
      TokenCode: emu.totp(SEED_MFA.alice.serial),
    });
    const allowed = await iam(emu, withMfa, { Action: 'GetUser' });
    assert.equal(allowed.status, 200, allowed.body);
    const again = await signedPost(emu, withMfa, { Action: 'GetSessionToken' });
    assert.equal(
      again.code,
      'AccessDenied',
      'no STS call but AssumeRole and GetCallerIdentity, even with MFA',
    );
  });

  it('PutRolePolicy: "revoke older sessions" denies the role’s sessions issued before its time, on every authorized call', async () => {
    clock.advance(30_000);
    const admin = await assume(emu, alice, {
      RoleArn: SEED_ROLES.admin,
      SerialNumber: SEED_MFA.alice.serial,
      TokenCode: emu.totp(SEED_MFA.alice.serial),
    });
    const old = await assume(emu, alice, { RoleArn: SEED_ROLES.readonly });
    clock.advance(1_000);
    const cutoff = new Date(emu.now()).toISOString();
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': cutoff } },
        },
      ],
    };
    const malformed = await iam(emu, admin, {
      Action: 'PutRolePolicy',
      RoleName: 'readonly',
      PolicyName: 'AWSRevokeOlderSessions',
      PolicyDocument: '{"Statement":',
    });
    assert.equal(malformed.code, 'MalformedPolicyDocument');
    const put = await iam(emu, admin, {
      Action: 'PutRolePolicy',
      RoleName: 'readonly',
      PolicyName: 'AWSRevokeOlderSessions',
      PolicyDocument: JSON.stringify(policy),
    });
    assert.equal(put.status, 200, put.body);
    assert.match(
      put.body,
      /^<PutRolePolicyResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ResponseMetadata>/,
    );
    clock.advance(1_000);

    const list = await iam(emu, old, { Action: 'ListRoles' });
    assert.equal(list.code, 'AccessDenied');
    assert.match(list.message ?? '', /with an explicit deny in an identity-based policy$/);
    const chain = await signedPost(emu, old, {
      Action: 'AssumeRole',
      RoleArn: SEED_ROLES.deployer,
      RoleSessionName: 'chain',
    });
    assert.equal(chain.code, 'AccessDenied');
    const who = await signedPost(emu, old, { Action: 'GetCallerIdentity' });
    assert.equal(who.status, 200, 'as on AWS, GetCallerIdentity needs no permission and ignores denies');

    const fresh = await assume(emu, alice, { RoleArn: SEED_ROLES.readonly });
    assert.equal((await iam(emu, fresh, { Action: 'ListRoles' })).status, 200);
    await assume(emu, fresh, { RoleArn: SEED_ROLES.deployer });
    assert.equal(emu.countRequests('PutRolePolicy', 'OK'), 1);
  });
});

describe('the official AWS CLI v2 (/usr/bin/aws iam …) against the emulator', () => {
  let emu: StsEmulator;
  let cli: AwsCliSandbox;
  let readonly: Creds;
  before(async () => {
    requireAwsCli();
    ({ emu } = await startManual(seedWorld()));
    cli = new AwsCliSandbox(emu);
    readonly = await assume(emu, alice, { RoleArn: SEED_ROLES.readonly });
  });
  after(async () => {
    cli?.dispose();
    await emu?.close();
  });

  it('runs the how-to’s list-roles --query with a prod role session', async () => {
    const r = await cli.run(
      ['iam', 'list-roles', '--query', "Roles[?RoleName == 'readonly'].[RoleName, Arn]"],
      readonly,
    );
    assert.equal(r.exitCode, 0, r.stderr);
    assert.deepEqual(r.json, [['readonly', SEED_ROLES.readonly]]);
  });

  it('pages through every role (--page-size 2) and decodes the trust policy', async () => {
    const r = await cli.run(['iam', 'list-roles', '--page-size', '2'], readonly);
    assert.equal(r.exitCode, 0, r.stderr);
    const roles = r.json?.Roles as Array<{ RoleName: string; AssumeRolePolicyDocument: unknown }>;
    assert.equal(roles.length, 6);
    assert.ok(emu.countRequests('ListRoles', 'OK') >= 3, 'three pages were fetched');
    const deployer = roles.find((x) => x.RoleName === 'deployer');
    assert.deepEqual(deployer?.AssumeRolePolicyDocument, {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: SEED_ROLES.readonly },
          Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
        },
      ],
    });
    const get = await cli.run(['iam', 'get-role', '--role-name', 'ec2-worker'], { profile: 'alice' });
    assert.equal(get.exitCode, 0, get.stderr);
    assert.equal((get.json?.Role as { Arn: string }).Arn, SEED_ROLES.ec2Worker);
  });

  it('reports AccessDenied and NoSuchEntity the way AWS does', async () => {
    const denied = await cli.run(['iam', 'list-roles'], carol);
    assert.equal(denied.exitCode, 254, denied.stderr);
    assert.equal(
      denied.stderr,
      'An error occurred (AccessDenied) when calling the ListRoles operation: User: arn:aws:iam::111111111111:user/contractors/carol is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::111111111111:role/ because no identity-based policy allows the iam:ListRoles action',
    );
    const missing = await cli.run(['iam', 'get-role', '--role-name', 'nope'], { profile: 'alice' });
    assert.equal(missing.exitCode, 254);
    assert.match(
      missing.stderr,
      /\(NoSuchEntity\) when calling the GetRole operation: The role with name nope cannot be found\./,
    );
    const put = await cli.run(
      [
        'iam',
        'put-role-policy',
        '--role-name',
        'billing',
        '--policy-name',
        'x',
        '--policy-document',
        '{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}',
      ],
      readonly,
    );
    assert.equal(put.exitCode, 254);
    assert.match(put.stderr, /\(AccessDenied\) when calling the PutRolePolicy operation/);
  });
});
