// The domain room's model: identities, roles and session records, and the checks a role must pass before it is
// saved. Pure and browser-safe, like every file in domain/ (the rules themselves: fields.ts, limits.ts).
import { RolebarError } from './errors.js';
import * as fields from './fields.js';
import { applyRule, derivedProfileProblem, profileNameFromLabel, ROLE_ARN, type TextRule } from './fields.js';
import { durationSeconds, rangeProblem } from './limits.js';
import type { Partition } from './endpoints.js';

/** What every identity has, whatever its credentials come from. */
export interface IdentityBase {
  id: string;
  name: string;
  /** The IAM user (or session) name, learnt from GetCallerIdentity; the default role session name derives from it. */
  userName?: string | undefined;
  mfaSerial?: string | undefined;
  region?: string | undefined;
  /** An STS endpoint for this identity only (a local stand-in, a VPC endpoint). */
  endpoint?: string | undefined;
}

/** Where an identity's credentials come from. Only `iam-user` identities keep a secret, in the keychain. */
export type Identity = IdentityBase &
  (
    | {
        kind: 'iam-user';
        accessKeyId: string;
        /**
         * Counts the times its key pair was replaced (absent: never). A process that keeps the secret in memory
         * keys it by this and the key id, so a secret another process corrected under the same key id is read anew.
         */
        keyVersion?: number | undefined;
      }
    /** A profile in ~/.aws, resolved by the AWS SDK's own providers. */
    | { kind: 'aws-profile'; profile: string }
    | { kind: 'credential-source'; source: CredentialSourceName }
    /** An IAM Identity Center sign-in (the AWS CLI's `[sso-session NAME]`); its tokens live in the keychain. */
    | {
        kind: 'identity-center';
        startUrl: string;
        ssoRegion: string;
        /** Also write the AWS CLI's token cache (~/.aws/sso/cache): off by default, as that file is plaintext. */
        awsCliCache?: boolean | undefined;
      }
  );

/** The kinds of identity; each has one credential source (core/sessions/sources/), the only code that tells them apart. */
export type IdentityKind = Identity['kind'];

/** The identities of one kind. */
export type IdentityOf<K extends IdentityKind> = Extract<Identity, { kind: K }>;

/** A new identity before the store gives it an id. */
export type IdentityDraft<K extends IdentityKind = IdentityKind> = K extends IdentityKind
  ? Omit<IdentityOf<K>, 'id'>
  : never;

/** An IAM Identity Center identity. */
export type IdentityCenterIdentity = IdentityOf<'identity-center'>;

/** SECRET: what an Identity Center sign-in leaves (kept in the keychain). Never logged, never sent to the renderer. */
export interface SsoTokens {
  accessToken: string;
  /** When the access token ends (ISO 8601). */
  expiresAt: string;
  refreshToken?: string | undefined;
  clientId: string;
  clientSecret: string;
  /** When the client registration ends (ISO 8601). */
  registrationExpiresAt: string;
}

/** What became of an identity's AWS CLI token cache file when Rolebar was asked to remove it. */
export type CliCacheRemoval = 'removed' | 'absent' | 'not-rolebar';

/** The AWS config file's `credential_source` values. */
export type CredentialSourceName = 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer';
export const CREDENTIAL_SOURCES: readonly CredentialSourceName[] = [
  'Environment',
  'Ec2InstanceMetadata',
  'EcsContainer',
];

/** What a role's credentials are assumed from: an identity, or another role (a chain). */
export type RoleSource = { kind: 'identity'; id: string } | { kind: 'role'; id: string };

/** A session tag passed to AssumeRole. */
export interface SessionTag {
  key: string;
  value: string;
}

/** A role the user switches to. */
export interface Role {
  id: string;
  label: string;
  /** Either a full role ARN, or a role name (with optional path) resolved in the source's account. */
  roleArn?: string | undefined;
  roleName?: string | undefined;
  source: RoleSource;
  sessionName?: string | undefined;
  externalId?: string | undefined;
  /** Whether assuming the role needs an MFA code (the identity's device, unless `mfaSerial` names another). */
  mfa: boolean;
  /** The MFA device this role asks for when it is not the identity's (an imported profile's `mfa_serial`). */
  mfaSerial?: string | undefined;
  durationSeconds?: number | undefined;
  sourceIdentity?: string | undefined;
  tags?: SessionTag[] | undefined;
  region?: string | undefined;
  /** The credentials-file profile the session is written under; default: the label. */
  profileName?: string | undefined;
  /** False turns off this role's expiry and refresh notifications (absent: on). */
  notify?: boolean | undefined;
  /** An Identity Center permission set in an account, got with GetRoleCredentials (then no roleArn/roleName). */
  sso?: IdentityCenterRole | undefined;
  /** Set on a role from a team catalog (the catalog's name): read-only, never stored among the user's roles. */
  catalog?: string | undefined;
  /** A catalog role's place in its catalog, shown as its group: the catalog's group, then its account. */
  catalogGroup?: string | undefined;
}

/** Where an Identity Center role is: the account and the permission set (the portal's role name). */
export interface IdentityCenterRole {
  accountId: string;
  roleName: string;
  /** The portal's name for the account, for grouping and filtering. */
  accountName?: string | undefined;
}

/** How a role's session was obtained: what the user needs to know to renew it. */
export type SessionVia = 'direct' | 'mfa-session' | 'mfa-direct' | 'chained';

/**
 * What Rolebar remembers of an active role session, in settings: when it ends, who it is, where it was written.
 * Never the credentials themselves (those are in the credentials file the user asked for, and in memory).
 */
export interface SessionRecord {
  /** The role's id: one session per role. */
  id: string;
  roleId: string;
  profileName: string;
  principalArn: string;
  accountId: string;
  /** ISO 8601, as STS gave it. */
  expiration: string;
  /** When the MFA session this one came from ends (ISO 8601): renewing before then needs no new code. */
  mfaExpiration?: string | undefined;
  /** Server time minus local time, from the STS Date header. Countdowns add it to the local clock. */
  clockOffsetMs: number;
  startedAt: string;
  via: SessionVia;
  /** Renewing needs an MFA-authenticated caller: a live MFA session or a fresh code. */
  requiresMfa: boolean;
  region?: string | undefined;
}

/** The parts of a role ARN. */
export interface RoleArnParts {
  partition: Partition;
  accountId: string;
  /** `/` or `/team/…/` */
  path: string;
  name: string;
}

/**
 * Applies one of the rules (rules/fields.ts) to what the user typed: returns the value to store (trimmed, as
 * it was checked), or throws an 'invalid-input' error with the rule's words.
 */
export function checkField(rule: TextRule, value: string, code = 'invalid-input'): string {
  const checked = applyRule(rule, value);
  if (!checked.ok) {
    throw new RolebarError(code, checked.problem.message, {
      hint: checked.problem.hint,
      context: { field: rule.field },
    });
  }
  return checked.value;
}

/** Parses `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`, or throws an error that shows the expected shape. */
export function parseRoleArn(arn: string): RoleArnParts {
  const match = ROLE_ARN.exec(checkField(fields.roleArn, arn));
  if (!match) throw new Error('unreachable: the role ARN rule matched');
  const [, partition, accountId, rawPath, name] = match;
  return {
    partition: partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : 'aws',
    accountId: accountId ?? '',
    path: rawPath && rawPath.length > 1 ? rawPath : '/',
    name: name ?? '',
  };
}

/** Builds a role ARN from a name (optionally `path/name`) in an account. */
export function roleArnFromName(partition: Partition, accountId: string, roleName: string): string {
  const trimmed = roleName.trim().replace(/^\/+/, '');
  const arn = `arn:${partition}:iam::${accountId}:role/${trimmed}`;
  parseRoleArn(arn);
  return arn;
}

/** Checks a role session name or source identity: 2–64 of `[\w+=,.@-]`. */
export function checkSessionName(
  value: string,
  field: 'session name' | 'source identity' = 'session name',
): string {
  return checkField(field === 'session name' ? fields.sessionName : fields.sourceIdentity, value);
}

/** Checks an external ID: 2–1224 of `[\w+=,.@:/-]`. */
export function checkExternalId(value: string): string {
  return checkField(fields.externalId, value);
}

/** Checks an MFA device serial: a virtual device ARN or a hardware serial, 9–256 characters. */
export function checkMfaSerial(value: string): string {
  return checkField(fields.mfaSerial, value);
}

/** Checks an MFA code: exactly 6 digits (spaces from copy-paste are removed). */
export function checkMfaCode(value: string): string {
  return checkField(fields.mfaCode, value);
}

export {
  CHAINED_DURATION_CAP_SECONDS,
  DEFAULT_MFA_SESSION_SECONDS,
  MAX_MFA_SESSION_SECONDS,
  MAX_ROLE_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
} from './limits.js';

/** Checks a requested role session duration. */
export function checkDuration(seconds: number): number {
  const found = rangeProblem(durationSeconds, seconds);
  if (found) throw invalid('duration', found.message, found.hint);
  return seconds;
}

/** Checks a profile name: the one rule of rules/fields.ts, which the credentials-file writer applies too. */
export function checkProfileName(value: string): string {
  return checkField(fields.profileName, value);
}

/** Checks session tags: at most 50; key 1–128, value 0–256 characters. */
export function checkTags(tags: SessionTag[]): SessionTag[] {
  if (tags.length > 50)
    throw invalid('session tags', 'At most 50 session tags are allowed.', 'Remove some tags.');
  for (const tag of tags) {
    if (
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(tag.key) ||
      !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(tag.value)
    ) {
      throw invalid(
        'session tags',
        `The session tag "${tag.key}" is not valid.`,
        'Keys have 1–128 and values 0–256 letters, digits, spaces or _ . : / = + - @',
      );
    }
  }
  return tags;
}

/**
 * Checks a role definition as a whole before it is saved (and when it is read back from settings); returns it
 * with every field as it was checked (trimmed). Refuses a label whose derived profile name cannot be written,
 * so nothing fails later at the writer after the STS calls.
 */
export function checkRole(role: Role): Role {
  const checked: Role = { ...role, label: checkField(fields.label, role.label) };
  const roleArn = role.roleArn === undefined ? undefined : checkField(fields.roleArn, role.roleArn);
  const roleName = role.roleName === undefined ? undefined : checkField(fields.roleName, role.roleName);
  if (role.sso) {
    if (roleArn !== undefined || roleName !== undefined)
      throw invalid('role', 'An Identity Center role has no role ARN or name of its own.', 'Remove them.');
    checked.sso = {
      accountId: checkField(fields.accountId, role.sso.accountId),
      roleName: checkField(fields.permissionSet, role.sso.roleName),
      ...(role.sso.accountName ? { accountName: role.sso.accountName } : {}),
    };
  } else if (!roleArn === !roleName) {
    throw invalid(
      'role',
      'Give either a role ARN or a role name, not both.',
      'A role name is looked up in the source account.',
    );
  }
  assign(checked, 'roleArn', roleArn);
  assign(checked, 'roleName', roleName);
  for (const [key, rule] of [
    ['sessionName', fields.sessionName],
    ['sourceIdentity', fields.sourceIdentity],
    ['externalId', fields.externalId],
    ['region', fields.region],
    ['profileName', fields.profileName],
    ['mfaSerial', fields.mfaSerial],
  ] as const) {
    const value = role[key];
    assign(checked, key, value === undefined ? undefined : checkField(rule, value, codeOf(rule)));
  }
  if (role.durationSeconds !== undefined) checkDuration(role.durationSeconds);
  if (role.tags) checkTags(role.tags);
  const derived = checked.profileName === undefined ? derivedProfileProblem(checked.label) : undefined;
  if (derived) throw invalid('profile name', derived.message, derived.hint);
  return checked;
}

/** The profile a role's session is written under: its own profile name, else one derived from its label. */
export function profileNameOf(role: Role): string {
  return role.profileName ?? profileNameFromLabel(role.label);
}

/**
 * Each identity's name and each role's label by id, built once: a list that names every row's source (20,000
 * catalog roles) looks it up here instead of searching the stores per row.
 */
export function namesById(
  identities: readonly Pick<Identity, 'id' | 'name'>[],
  roles: readonly Pick<Role, 'id' | 'label'>[],
): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const identity of identities) names.set(identity.id, identity.name);
  for (const role of roles) names.set(role.id, role.label);
  return names;
}

/**
 * The roles a list names besides in their own rows: those other roles are assumed from, and the ids in `also`
 * (the roles of active sessions). For namesById: 5,000 catalog roles that chain from none add nothing to look up.
 */
export function rolesNamedBy<R extends Pick<Role, 'id' | 'source'>>(
  roles: readonly R[],
  also: Iterable<string> = [],
): R[] {
  const named = new Set(also);
  for (const role of roles) if (role.source.kind === 'role') named.add(role.source.id);
  return named.size === 0 ? [] : roles.filter((role) => named.has(role.id));
}

/** A role session name derived from who is asking: `rolebar-alice`, cut to 64 valid characters. */
export function defaultSessionName(userName: string | undefined): string {
  const base = `rolebar-${(userName ?? 'user').replace(/[^\w+=,.@-]/g, '-')}`;
  return base.slice(0, 64);
}

/** Sets an optional field, or removes it when absent, so a checked role never carries `key: undefined`. */
function assign<K extends keyof Role>(role: Role, key: K, value: Role[K] | undefined): void {
  if (value === undefined) delete role[key];
  else role[key] = value;
}

/** The region rule keeps its own error code, which callers and tests already know. */
function codeOf(rule: TextRule): string {
  return rule === fields.region ? 'invalid-region' : 'invalid-input';
}

function invalid(field: string, message: string, hint: string): RolebarError {
  return new RolebarError('invalid-input', message, { hint, context: { field } });
}
