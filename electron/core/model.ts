import { RolebarError } from './errors.js';
import { checkRegion, type Partition } from './sts/endpoints.js';

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
    | { kind: 'iam-user'; accessKeyId: string }
    /** A profile in ~/.aws, resolved by the AWS SDK's own providers. */
    | { kind: 'aws-profile'; profile: string }
    | { kind: 'credential-source'; source: CredentialSourceName }
  );

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
  /** Whether assuming the role needs an MFA code (the identity's device). */
  mfa: boolean;
  durationSeconds?: number | undefined;
  sourceIdentity?: string | undefined;
  tags?: SessionTag[] | undefined;
  region?: string | undefined;
  /** The credentials-file profile the session is written under; default: the label. */
  profileName?: string | undefined;
  /** False turns off this role's expiry and refresh notifications (absent: on). */
  notify?: boolean | undefined;
}

/** The parts of a role ARN. */
export interface RoleArnParts {
  partition: Partition;
  accountId: string;
  /** `/` or `/team/…/` */
  path: string;
  name: string;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)?([\w+=,.@-]{1,64})$/;

/** Parses `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`, or throws an error that shows the expected shape. */
export function parseRoleArn(arn: string): RoleArnParts {
  const match = ROLE_ARN.exec(arn.trim());
  if (!match) {
    throw invalid(
      'role ARN',
      `"${arn}" is not a role ARN.`,
      'A role ARN looks like arn:aws:iam::123456789012:role/RoleName (the role name may include a path such as /team/).',
    );
  }
  const [, partition, accountId, rawPath, name] = match;
  return {
    partition: partition as Partition,
    accountId: accountId as string,
    path: rawPath && rawPath.length > 1 ? rawPath : '/',
    name: name as string,
  };
}

/** Builds a role ARN from a name (optionally `path/name`) in an account. */
export function roleArnFromName(partition: Partition, accountId: string, roleName: string): string {
  const trimmed = roleName.replace(/^\/+/, '');
  const arn = `arn:${partition}:iam::${accountId}:role/${trimmed}`;
  parseRoleArn(arn);
  return arn;
}

/** Checks a role session name or source identity: 2–64 of `[\w+=,.@-]`. */
export function checkSessionName(value: string, field = 'session name'): string {
  if (!/^[\w+=,.@-]{2,64}$/.test(value)) {
    throw invalid(
      field,
      `The ${field} "${value}" is not valid.`,
      'Use 2–64 letters, digits or + = , . @ _ -',
    );
  }
  return value;
}

/** Checks an external ID: 2–1224 of `[\w+=,.@:/-]`. */
export function checkExternalId(value: string): string {
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) {
    throw invalid(
      'external ID',
      'The external ID is not valid.',
      'Use 2–1224 letters, digits or + = , . @ : / _ -',
    );
  }
  return value;
}

/** Checks an MFA device serial: a virtual device ARN or a hardware serial, 9–256 characters. */
export function checkMfaSerial(value: string): string {
  if (!/^[\w+=/:,.@-]{9,256}$/.test(value)) {
    throw invalid(
      'MFA serial',
      `"${value}" is not an MFA device serial.`,
      'Copy it from the IAM console: arn:aws:iam::123456789012:mfa/your-device, or a hardware token serial.',
    );
  }
  return value;
}

/** Checks an MFA code: exactly 6 digits (spaces from copy-paste are removed). */
export function checkMfaCode(value: string): string {
  const code = value.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) {
    throw invalid(
      'MFA code',
      'An MFA code is exactly 6 digits.',
      'Enter the current code from your MFA device.',
    );
  }
  return code;
}

/** The AssumeRole limit, whatever the role allows: 15 minutes to 12 hours. */
export const MIN_DURATION_SECONDS = 900;
export const MAX_ROLE_DURATION_SECONDS = 43_200;
/** Sessions assumed with temporary credentials (role chaining, or an MFA session) last at most 1 hour. */
export const CHAINED_DURATION_CAP_SECONDS = 3_600;
/** GetSessionToken's limits. */
export const MAX_MFA_SESSION_SECONDS = 129_600;
export const DEFAULT_MFA_SESSION_SECONDS = 43_200;

/** Checks a requested role session duration. */
export function checkDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_DURATION_SECONDS || seconds > MAX_ROLE_DURATION_SECONDS) {
    throw invalid(
      'duration',
      `A role session lasts 900–43200 seconds (15 minutes to 12 hours); ${seconds} is outside that.`,
      "Choose a duration in that range, and no longer than the role's maximum session duration.",
    );
  }
  return seconds;
}

/** Checks a credentials-file profile name: any name the AWS CLI accepts on one line, `default` included. */
export function checkProfileName(value: string): string {
  if (!/^[^\s[\]#;=]{1,128}$/.test(value)) {
    throw invalid(
      'profile name',
      `"${value}" cannot be used as a profile name.`,
      'Use up to 128 characters without spaces or any of [ ] # ; =',
    );
  }
  return value;
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

/** Checks a role definition as a whole before it is saved; returns it with trimmed fields. */
export function checkRole(role: Role): Role {
  if (!role.label.trim())
    throw invalid('label', 'A role needs a label.', 'Give it a short name, such as "prod read-only".');
  if (!!role.roleArn === !!role.roleName) {
    throw invalid(
      'role',
      'Give either a role ARN or a role name, not both.',
      'A role name is looked up in the source account.',
    );
  }
  if (role.roleArn) parseRoleArn(role.roleArn);
  if (role.roleName && !/^(\/?[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/.test(role.roleName)) {
    throw invalid(
      'role name',
      `"${role.roleName}" is not a role name.`,
      'Role names use letters, digits and + = , . @ _ -',
    );
  }
  if (role.sessionName) checkSessionName(role.sessionName);
  if (role.sourceIdentity) checkSessionName(role.sourceIdentity, 'source identity');
  if (role.externalId) checkExternalId(role.externalId);
  if (role.durationSeconds !== undefined) checkDuration(role.durationSeconds);
  if (role.tags) checkTags(role.tags);
  if (role.region) checkRegion(role.region);
  checkProfileName(profileNameOf(role));
  return { ...role, label: role.label.trim() };
}

/** The profile a role's session is written under. */
export function profileNameOf(role: Role): string {
  return role.profileName ?? role.label.trim().replace(/[\s[\]#;=]+/g, '-');
}

/** A role session name derived from who is asking: `rolebar-alice`, cut to 64 valid characters. */
export function defaultSessionName(userName: string | undefined): string {
  const base = `rolebar-${(userName ?? 'user').replace(/[^\w+=,.@-]/g, '-')}`;
  return base.slice(0, 64);
}

function invalid(field: string, message: string, hint: string): RolebarError {
  return new RolebarError('invalid-input', message, { hint, context: { field } });
}
