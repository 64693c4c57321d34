// The import of IAM Identity Center profiles: `sso_session` profiles (with their `[sso-session NAME]` section)
// and legacy ones with `sso_start_url` in the profile. Each becomes an Identity Center role under the profile's
// name, assumed from one Identity Center identity per start URL (named after the sso-session).
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../sessions/engine.js';
import { type AwsProfile, keptNameNote } from './read.js';
import type { ImportBatch } from './steps.js';
import type { RoleSource } from '../../domain/model.js';
import * as rules from '../../domain/fields.js';
import { identityCenterTraits } from '../../sessions/sources/identity-center.js';
import { isOfKind } from '../../sessions/sources/source.js';

/** An SSO profile's settings, as the AWS CLI names them. */
export interface SsoProfile {
  /** The identity's name: the sso-session's, or for a legacy profile the start URL's host label. */
  identityName: string;
  startUrl: string;
  ssoRegion: string;
  accountId: string;
  roleName: string;
  region: string | undefined;
}

const LEFT = 'it stays as it is';

/**
 * The profile's Identity Center settings; `{ problem }` when it is an SSO profile Rolebar cannot take (said in the
 * user's words); undefined when it is not an SSO profile at all.
 */
export function ssoProfileOf(
  p: AwsProfile,
  sessions: ReadonlyMap<string, ReadonlyMap<string, string>>,
): SsoProfile | { problem: string } | undefined {
  const v = p.values;
  const sessionName = v.get('sso_session');
  if (sessionName === undefined && v.get('sso_start_url') === undefined) return undefined;
  const what = 'an IAM Identity Center (SSO) profile';
  const session = sessionName === undefined ? undefined : sessions.get(sessionName);
  if (sessionName !== undefined && !session)
    return {
      problem: `${what} whose [sso-session ${sessionName}] section is missing from the config file; ${LEFT}`,
    };
  const startUrl = session?.get('sso_start_url') ?? v.get('sso_start_url');
  const ssoRegion = session?.get('sso_region') ?? v.get('sso_region');
  const accountId = v.get('sso_account_id');
  const roleName = v.get('sso_role_name');
  const missing = [
    ['sso_start_url', startUrl],
    ['sso_region', ssoRegion],
    ['sso_account_id', accountId],
    ['sso_role_name', roleName],
  ]
    .filter(([, value]) => !value)
    .map(([key]) => key);
  if (missing.length > 0 || !startUrl || !ssoRegion || !accountId || !roleName)
    return { problem: `${what} without ${missing.join(', ')}: only a sign-in, no role to import; ${LEFT}` };
  for (const [rule, value] of [
    [rules.ssoStartUrl, startUrl],
    [rules.region, ssoRegion],
    [rules.accountId, accountId],
    [rules.permissionSet, roleName],
  ] as const) {
    const found = rule.problem(rule.normalize(value));
    if (found) return { problem: `${what}: ${found.message} ${found.hint}` };
  }
  const host = new URL(startUrl).hostname.split('.')[0] ?? 'sso';
  return {
    identityName: sessionName ?? host,
    startUrl,
    ssoRegion,
    accountId,
    roleName,
    region: v.get('region'),
  };
}

/** What the preview says about an SSO profile. */
function ssoDetail(sso: SsoProfile, profile: string): string {
  return `Identity Center ${sso.roleName} in ${sso.accountId} from ${sso.startUrl} (identity "${sso.identityName}", sign in with \`rolebar sso login\`); ${keptNameNote(profile)}`;
}

/** The Identity Center identity for this start URL: an existing one, one this run adds, else a new one in `batch`. */
function identityCenterSource(core: Engine, sso: SsoProfile, batch: ImportBatch): RoleSource {
  const existing = core.identities
    .list()
    .find(
      (i) =>
        isOfKind(i, identityCenterTraits) && i.startUrl === sso.startUrl && i.ssoRegion === sso.ssoRegion,
    );
  if (existing) return { kind: 'identity', id: existing.id };
  const key = `identity-center ${sso.ssoRegion} ${sso.startUrl}`;
  const adding = batch.shared.get(key);
  if (adding) return { kind: 'identity', id: adding };
  const taken = (name: string) =>
    core.identities.find(name) !== undefined || batch.identities.some(({ input }) => input.name === name);
  const id = randomUUID();
  batch.identities.push({
    id,
    input: {
      kind: 'identity-center',
      name: taken(sso.identityName) ? `${sso.identityName} (sso)` : sso.identityName,
      startUrl: sso.startUrl,
      ssoRegion: sso.ssoRegion,
    },
  });
  batch.shared.set(key, id);
  return { kind: 'identity', id };
}

/**
 * The import step of one SSO profile: why it is skipped, or what the preview says and how to apply it (the role
 * under the profile's name, its sessions written as `NAME-rolebar`; the identity found or added for its start URL).
 */
export function ssoImportStep(
  core: Engine,
  profile: string,
  sso: SsoProfile,
  roleLabels: ReadonlySet<string>,
): { skip: string } | { detail: string; apply: (batch: ImportBatch) => RoleSource } {
  if (roleLabels.has(profile)) return { skip: 'a role with this label already exists' };
  if (rules.profileName.problem(`${profile}-rolebar`))
    return {
      skip: 'its name cannot be used for a Rolebar profile (letters, digits and - _ . @ + / : , only)',
    };
  return {
    detail: ssoDetail(sso, profile),
    apply(batch) {
      const id = randomUUID();
      batch.roles.push({
        id,
        label: profile,
        source: identityCenterSource(core, sso, batch),
        mfa: false,
        sso: { accountId: sso.accountId, roleName: sso.roleName },
        region: sso.region,
        profileName: `${profile}-rolebar`,
      });
      return { kind: 'role', id };
    },
  };
}
