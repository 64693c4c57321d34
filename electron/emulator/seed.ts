import type { AccessKeySpec, AccountSpec, PolicyDocument, PolicyStatement, WorldSpec } from './types.js';

/** Account ids of the seed world. */
export const SEED_ACCOUNTS = { dev: '111111111111', prod: '222222222222', audit: '333333333333' } as const;

/** Long-term keys of the seed world (all fake: ids end in EXAMPLE, secrets are spelled-out placeholders). */
export const SEED_KEYS = {
  alice: {
    accessKeyId: 'AKIAALICEKEY0EXAMPLE',
    secretAccessKey: 'alice/FAKE/secret/key/for/tests/EXAMPLE0',
    status: 'Active',
  },
  aliceOld: {
    accessKeyId: 'AKIAALICEOLD0EXAMPLE',
    secretAccessKey: 'alice/FAKE/retired/key/for/test/EXAMPLE0',
    status: 'Inactive',
  },
  bob: {
    accessKeyId: 'AKIABOBKEY000EXAMPLE',
    secretAccessKey: 'bob/FAKE/inactive/key/for/tests/EXAMPLE0',
    status: 'Inactive',
  },
  carol: {
    accessKeyId: 'AKIACAROLKEY0EXAMPLE',
    secretAccessKey: 'carol/FAKE/secret/key/for/tests/EXAMPLE0',
    status: 'Active',
  },
  dave: {
    accessKeyId: 'AKIADAVEKEY00EXAMPLE',
    secretAccessKey: 'dave/FAKE/secret/key/for/tests/EXAMPLE00',
    status: 'Active',
  },
  erin: {
    accessKeyId: 'AKIAERINKEY00EXAMPLE',
    secretAccessKey: 'erin/FAKE/secret/key/for/tests/EXAMPLE00',
    status: 'Active',
  },
  devRoot: {
    accessKeyId: 'AKIADEVROOT00EXAMPLE',
    secretAccessKey: 'root/FAKE/secret/key/for/tests/EXAMPLE00',
    status: 'Active',
  },
} as const satisfies Record<string, AccessKeySpec>;

/** Serial numbers and base32 seeds of the seed world's virtual MFA devices. */
export const SEED_MFA = {
  alice: { serial: 'arn:aws:iam::111111111111:mfa/alice', secretBase32: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  erin: { serial: 'arn:aws:iam::111111111111:mfa/erin', secretBase32: 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU' },
} as const;

/** What `rolebar identity rotate` needs on the user's own keys (the policy `rolebar policy --rotate` prints). */
export const ROTATE_ACTIONS = [
  'iam:ListAccessKeys',
  'iam:CreateAccessKey',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
  'iam:GetAccessKeyLastUsed',
];

function allowOwnKeys(userArn: string, condition?: PolicyStatement['Condition']): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: {
      Sid: 'OwnAccessKeys',
      Effect: 'Allow',
      Action: ROTATE_ACTIONS,
      Resource: userArn,
      ...(condition ? { Condition: condition } : {}),
    },
  };
}

/** The ExternalId the seed's `partner` role requires. */
export const SEED_EXTERNAL_ID = 'rolebar-partner-EXAMPLE';

/** Role ARNs of the seed world. */
export const SEED_ROLES = {
  ec2Worker: 'arn:aws:iam::111111111111:role/ec2-worker',
  devDeploy: 'arn:aws:iam::111111111111:role/team/dev-deploy',
  readonly: 'arn:aws:iam::222222222222:role/readonly',
  admin: 'arn:aws:iam::222222222222:role/admin',
  partner: 'arn:aws:iam::222222222222:role/partner',
  longSession: 'arn:aws:iam::222222222222:role/long-session',
  deployer: 'arn:aws:iam::222222222222:role/deployer',
  billing: 'arn:aws:iam::222222222222:role/billing',
  auditor: 'arn:aws:iam::333333333333:role/auditor',
} as const;

const DEV_ROOT = 'arn:aws:iam::111111111111:root';
const ASSUME_AND_TAG = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

function trust(principal: string, extra: Partial<PolicyStatement> = {}): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: ASSUME_AND_TAG, ...extra }],
  };
}

/** IAM permissions on the roles of one account (IAM acts only in the caller's own account). */
function allowIam(accountId: string, actions: string[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: {
      Sid: 'IamOnRoles',
      Effect: 'Allow',
      Action: actions,
      Resource: `arn:aws:iam::${accountId}:role/*`,
    },
  };
}

const IAM_READ = ['iam:ListRoles', 'iam:GetRole'];

function allowAssume(resources: string[], deny: string[] = []): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AssumeRoles', Effect: 'Allow', Action: ASSUME_AND_TAG, Resource: resources },
      ...(deny.length > 0
        ? [{ Sid: 'Never', Effect: 'Deny' as const, Action: 'sts:AssumeRole', Resource: deny }]
        : []),
    ],
  };
}

/**
 * A fresh copy of the seed world:
 * - 111111111111 "dev": alice (active key + MFA device, may GetFederationToken, GetUser herself and list/read
 *   the dev roles),
 *   dave (may manage his own access keys), erin (the same, only with MFA; has an MFA device),
 *   bob (inactive key), carol (no MFA, no IAM permissions), root keys;
 *   roles `ec2-worker` (trusts alice by ARN) and `team/dev-deploy` (trusts the account; carol's policy allows it).
 * - 222222222222 "prod": `readonly` (trusts dev root; may list/read prod roles), `admin` (MFA required, MFA age < 1 h;
 *   may also PutRolePolicy, e.g. to revoke sessions), `partner` (ExternalId),
 *   `long-session` (MaxSessionDuration 43200, carol denied by trust), `deployer` (trusts only the `readonly` role),
 *   `billing` (alice explicitly denied by her own policy).
 * - 333333333333: `auditor` (trusts only `deployer`: the second hop of a chain).
 */
export function seedWorld(): WorldSpec {
  return {
    disabledRegions: ['me-south-1'],
    accounts: [
      devAccount(),
      prodAccount(),
      // The second hop of a chain: it trusts only `deployer`.
      { id: SEED_ACCOUNTS.audit, roles: [{ name: 'auditor', trustPolicy: trust(SEED_ROLES.deployer) }] },
    ],
  };
}

/** 111111111111 "dev": the users (alice, dave, erin, bob, carol), root keys, and two roles. */
function devAccount(): AccountSpec {
  return {
    id: SEED_ACCOUNTS.dev,
    alias: 'dev',
    rootAccessKeys: [{ ...SEED_KEYS.devRoot }],
    users: [
      {
        name: 'alice',
        accessKeys: [{ ...SEED_KEYS.alice }, { ...SEED_KEYS.aliceOld }],
        mfaDevices: [{ name: 'alice', secretBase32: SEED_MFA.alice.secretBase32 }],
        policies: [
          allowAssume(
            ['arn:aws:iam::222222222222:role/*', 'arn:aws:iam::333333333333:role/*'],
            [SEED_ROLES.billing],
          ),
          {
            Version: '2012-10-17',
            Statement: {
              Effect: 'Allow',
              Action: 'sts:GetFederationToken',
              Resource: 'arn:aws:sts::111111111111:federated-user/*',
            },
          },
          allowIam(SEED_ACCOUNTS.dev, IAM_READ),
          {
            Version: '2012-10-17',
            Statement: {
              Effect: 'Allow',
              Action: 'iam:GetUser',
              Resource: 'arn:aws:iam::111111111111:user/alice',
            },
          },
        ],
      },
      {
        name: 'dave',
        accessKeys: [{ ...SEED_KEYS.dave }],
        policies: [allowOwnKeys('arn:aws:iam::111111111111:user/dave')],
      },
      {
        name: 'erin',
        accessKeys: [{ ...SEED_KEYS.erin }],
        mfaDevices: [{ name: 'erin', secretBase32: SEED_MFA.erin.secretBase32 }],
        policies: [
          allowOwnKeys('arn:aws:iam::111111111111:user/erin', {
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          }),
        ],
      },
      { name: 'bob', accessKeys: [{ ...SEED_KEYS.bob }], policies: [allowAssume(['*'])] },
      {
        name: 'carol',
        path: '/contractors/',
        accessKeys: [{ ...SEED_KEYS.carol }],
        policies: [
          allowAssume(['arn:aws:iam::222222222222:role/*', 'arn:aws:iam::111111111111:role/team/*']),
        ],
      },
    ],
    roles: [
      {
        name: 'ec2-worker',
        description: 'Same-account role trusting alice by ARN (no identity policy needed).',
        trustPolicy: trust('arn:aws:iam::111111111111:user/alice'),
      },
      {
        name: 'dev-deploy',
        path: '/team/',
        description: 'Trusts the account (bare id): callers also need an identity policy.',
        trustPolicy: trust(SEED_ACCOUNTS.dev),
      },
    ],
  };
}

/** 222222222222 "prod": the roles the seed's users switch to, each with one trait to test. */
function prodAccount(): AccountSpec {
  return {
    id: SEED_ACCOUNTS.prod,
    alias: 'prod',
    roles: [
      {
        name: 'readonly',
        maxSessionDuration: 3600,
        trustPolicy: trust(DEV_ROOT),
        policies: [
          allowAssume([SEED_ROLES.deployer, 'arn:aws:iam::333333333333:role/*']),
          allowIam(SEED_ACCOUNTS.prod, IAM_READ),
        ],
      },
      {
        name: 'admin',
        maxSessionDuration: 7200,
        trustPolicy: trust(DEV_ROOT, {
          Condition: {
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
          },
        }),
        policies: [allowIam(SEED_ACCOUNTS.prod, [...IAM_READ, 'iam:PutRolePolicy'])],
      },
      {
        name: 'partner',
        trustPolicy: trust(DEV_ROOT, {
          Condition: { StringEquals: { 'sts:ExternalId': SEED_EXTERNAL_ID } },
        }),
      },
      {
        name: 'long-session',
        maxSessionDuration: 43200,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: DEV_ROOT }, Action: ASSUME_AND_TAG },
            {
              Effect: 'Deny',
              Principal: { AWS: 'arn:aws:iam::111111111111:user/contractors/carol' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
      },
      {
        name: 'deployer',
        trustPolicy: trust(SEED_ROLES.readonly),
        policies: [allowAssume(['arn:aws:iam::333333333333:role/*'])],
      },
      { name: 'billing', trustPolicy: trust(DEV_ROOT) },
    ],
  };
}
