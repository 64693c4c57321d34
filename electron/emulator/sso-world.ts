import { createHash } from 'node:crypto';
import type { IdentityCenterSpec, PolicyDocument } from './types.js';
import { type Account, derivedId, type Role } from './world.js';

/** One account the Identity Center user may use, with its permission sets' roles, in assignment order. */
export interface AssignedAccount {
  account: Account;
  /** Portal display name: the account alias, or `Account ID`. */
  name: string;
  email: string;
  /** Permission set name → its `AWSReservedSSO_…` role. */
  roles: Map<string, Role>;
}

/** The indexed Identity Center instance of a world. */
export interface IdentityCenter {
  startUrl: string;
  region: string;
  userName: string;
  accessTokenSeconds: number;
  sessionSeconds: number;
  /** Assigned accounts, sorted by account id (the portal's order). */
  accounts: AssignedAccount[];
}

const ALLOW_ALL: PolicyDocument = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: '*', Resource: '*' },
};

function seconds(
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
  what: string,
): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`world: ${what} must be ${min}..${max}`);
  return v;
}

/**
 * Indexes an Identity Center spec and adds each assignment's role to its account, as Identity Center provisions
 * `AWSReservedSSO_SET_HASH` under `/aws-reserved/sso.amazonaws.com/`; its sessions are ordinary assumed-role
 * sessions, so GetCallerIdentity and AssumeRole chains work from the portal's role credentials.
 */
export function buildIdentityCenter(
  accounts: ReadonlyMap<string, Account>,
  spec: IdentityCenterSpec,
): IdentityCenter {
  if (!/^https:\/\/\S+$/.test(spec.startUrl))
    throw new Error('world: identityCenter.startUrl must be https://…');
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(spec.region))
    throw new Error('world: identityCenter.region is not a region');
  if (!/^[\w+=,.@-]{2,64}$/.test(spec.userName)) throw new Error('world: identityCenter.userName is invalid');
  const sets = new Map(spec.permissionSets.map((p) => [p.name, p]));
  const byAccount = new Map<string, AssignedAccount>();
  for (const { accountId, permissionSet } of spec.assignments) {
    const account = accounts.get(accountId);
    if (!account) throw new Error(`world: identityCenter assignment names unknown account ${accountId}`);
    const set = sets.get(permissionSet);
    if (!set || !/^[\w+=,.@-]{1,32}$/.test(set.name))
      throw new Error(`world: identityCenter assignment names unknown permission set ${permissionSet}`);
    let assigned = byAccount.get(accountId);
    if (!assigned) {
      assigned = {
        account,
        name: account.alias ?? `Account ${accountId}`,
        email: `aws+${accountId}@example.com`,
        roles: new Map(),
      };
      byAccount.set(accountId, assigned);
    }
    if (assigned.roles.has(set.name)) continue;
    const hash = createHash('sha256').update(`${accountId}/${set.name}`).digest('hex').slice(0, 16);
    const name = `AWSReservedSSO_${set.name}_${hash}`;
    const path = '/aws-reserved/sso.amazonaws.com/';
    const arn = `arn:aws:iam::${accountId}:role${path}${name}`;
    const role: Role = {
      kind: 'role',
      account,
      name,
      path,
      arn,
      roleId: derivedId('AROA', arn),
      maxSessionDuration: seconds(set.sessionDurationSeconds, 3600, 3600, 43200, `session of ${set.name}`),
      // Identity Center's roles trust its SAML provider only: no IAM caller can assume them.
      trustPolicy: {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${accountId}:saml-provider/AWSSSO_DO_NOT_DELETE` },
          Action: 'sts:AssumeRoleWithSAML',
        },
      },
      policies: structuredClone(set.policies ?? [ALLOW_ALL]),
      description: `Identity Center permission set ${set.name}`,
      createDate: '2024-01-01T00:00:00Z',
      inlinePolicies: new Map(),
    };
    if (account.roles.has(name)) throw new Error(`world: duplicate role ${arn}`);
    account.roles.set(name, role);
    assigned.roles.set(set.name, role);
  }
  return {
    startUrl: spec.startUrl,
    region: spec.region,
    userName: spec.userName,
    accessTokenSeconds: seconds(spec.accessTokenSeconds, 3600, 1, 86400, 'accessTokenSeconds'),
    sessionSeconds: seconds(spec.sessionSeconds, 28800, 1, 7 * 86400, 'sessionSeconds'),
    accounts: [...byAccount.values()].sort((a, b) => a.account.id.localeCompare(b.account.id)),
  };
}
