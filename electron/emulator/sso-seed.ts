import { SEED_ACCOUNTS, seedWorld } from './seed.js';
import type { IdentityCenterSpec, WorldSpec } from './types.js';

/** The seed Identity Center instance's start URL and region. */
export const SEED_SSO = {
  startUrl: 'https://rolebar-example.awsapps.com/start',
  region: 'eu-west-1',
  userName: 'dana@example.com',
} as const;

/**
 * The seed world plus an Identity Center instance: dana may use AdministratorAccess and ReadOnlyAccess in dev,
 * ReadOnlyAccess in prod. Her dev roles can chain to `team/dev-deploy` (which trusts the dev account).
 */
export function seedWorldWithIdentityCenter(overrides: Partial<IdentityCenterSpec> = {}): WorldSpec {
  return {
    ...seedWorld(),
    identityCenter: {
      ...SEED_SSO,
      permissionSets: [
        { name: 'AdministratorAccess' },
        {
          name: 'ReadOnlyAccess',
          policies: [
            { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'iam:Get*', Resource: '*' } },
          ],
        },
      ],
      assignments: [
        { accountId: SEED_ACCOUNTS.dev, permissionSet: 'AdministratorAccess' },
        { accountId: SEED_ACCOUNTS.dev, permissionSet: 'ReadOnlyAccess' },
        { accountId: SEED_ACCOUNTS.prod, permissionSet: 'ReadOnlyAccess' },
      ],
      ...overrides,
    },
  };
}

/** A world of `count` accounts (`100000000001`…), each assigned `ReadOnlyAccess`: a large organisation. */
export function manyAccountsWorld(count: number): WorldSpec {
  const ids = Array.from({ length: count }, (_, i) => String(100000000001 + i));
  return {
    accounts: ids.map((id, i) => ({ id, alias: `team-${String(i + 1).padStart(3, '0')}` })),
    identityCenter: {
      ...SEED_SSO,
      permissionSets: [{ name: 'ReadOnlyAccess' }],
      assignments: ids.map((accountId) => ({ accountId, permissionSet: 'ReadOnlyAccess' })),
    },
  };
}
