/**
 * The emulator's world, as plain JSON-compatible data: accounts, users, keys, MFA devices, roles, policies.
 * Everything here is fake: key ids contain EXAMPLE/FAKE/TEST and secrets are made-up strings.
 */

/** One value or a list of values, as IAM policies allow. */
export type OneOrMany<T> = T | T[];

/** An IAM `Condition` block: operator → context key → value(s). */
export type PolicyCondition = Record<string, Record<string, OneOrMany<string | number | boolean>>>;

/** An IAM `Principal` block (`"*"` or `{ "AWS": … }`; other principal types never match an IAM caller). */
export type PolicyPrincipal =
  '*' | { AWS?: OneOrMany<string>; Service?: OneOrMany<string>; Federated?: OneOrMany<string> };

/** One statement of an IAM policy document. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: PolicyPrincipal;
  NotPrincipal?: PolicyPrincipal;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: PolicyCondition;
}

/** An IAM policy document (identity, trust or session policy). */
export interface PolicyDocument {
  Version?: '2012-10-17' | '2008-10-17';
  Id?: string;
  Statement: OneOrMany<PolicyStatement>;
}

/** A long-term access key. `accessKeyId` must look like `AKIA…` and contain EXAMPLE, FAKE or TEST. */
export interface AccessKeySpec {
  accessKeyId: string;
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  /** ISO 8601 creation time (default 2024-01-01T00:00:00Z). */
  createDate?: string;
}

/** A virtual MFA device; its serial is `arn:aws:iam::ACCOUNT:mfa/NAME`. */
export interface MfaDeviceSpec {
  name: string;
  /** Base32 TOTP seed (RFC 6238, SHA-1, 30 s, 6 digits). */
  secretBase32: string;
}

/** An IAM user. */
export interface UserSpec {
  name: string;
  /** IAM path, `/` by default (e.g. `/engineering/`). */
  path?: string;
  /** `AIDA…` unique id; derived from the ARN when omitted. */
  userId?: string;
  accessKeys?: AccessKeySpec[];
  mfaDevices?: MfaDeviceSpec[];
  /** Identity policies (inline and attached, merged). */
  policies?: PolicyDocument[];
}

/** An IAM role. */
export interface RoleSpec {
  name: string;
  /** IAM path, `/` by default. */
  path?: string;
  /** `AROA…` unique id; derived from the ARN when omitted. */
  roleId?: string;
  description?: string;
  /** 3600..43200 seconds, default 3600. */
  maxSessionDuration?: number;
  trustPolicy: PolicyDocument;
  /** Identity policies of the role (what its sessions may do, e.g. chain further). */
  policies?: PolicyDocument[];
  /** Inline policies by name, as `iam put-role-policy` leaves them (enforced on the role's sessions too). */
  inlinePolicies?: Record<string, PolicyDocument>;
  /** ISO 8601 creation time shown by GetRole/ListRoles (default 2024-01-01T00:00:00Z). */
  createDate?: string;
}

/** An AWS account. */
export interface AccountSpec {
  /** 12 digits. */
  id: string;
  alias?: string;
  /** Root user access keys (discouraged on AWS, handy to test `arn:aws:iam::ACCT:root`). */
  rootAccessKeys?: AccessKeySpec[];
  users?: UserSpec[];
  roles?: RoleSpec[];
}

/** An IAM Identity Center permission set: each assignment becomes an `AWSReservedSSO_…` role in its account. */
export interface PermissionSetSpec {
  /** 1–32 of `[\w+=,.@-]`. */
  name: string;
  /** What its role sessions may do (default: everything, like AdministratorAccess). */
  policies?: PolicyDocument[];
  /** Role credentials' lifetime, 3600..43200 seconds (default 3600). */
  sessionDurationSeconds?: number;
}

/** An IAM Identity Center instance with one user, as `aws sso login` sees it. */
export interface IdentityCenterSpec {
  /** The AWS access portal URL (`https://NAME.awsapps.com/start`). */
  startUrl: string;
  /** The instance's region (`sso_region`). */
  region: string;
  /** The user who signs in at the authorize page; also the role session name of its role credentials. */
  userName: string;
  permissionSets: PermissionSetSpec[];
  /** Which permission set the user may use in which account (the account must be in the world). */
  assignments: Array<{ accountId: string; permissionSet: string }>;
  /** Access token lifetime in seconds (default 3600). */
  accessTokenSeconds?: number;
  /** Sign-in session (refresh token) lifetime in seconds (default 28800, Identity Center's 8 hours). */
  sessionSeconds?: number;
}

/** The whole emulated world. */
export interface WorldSpec {
  accounts: AccountSpec[];
  /** Regions (as signed in the SigV4 scope) where STS answers RegionDisabledException. */
  disabledRegions?: string[];
  /** Managed policies usable as session policies through `PolicyArns`, keyed by ARN. */
  managedPolicies?: Record<string, PolicyDocument>;
  /** An IAM Identity Center instance (the SSO OIDC and portal endpoints answer only when it is set). */
  identityCenter?: IdentityCenterSpec;
}
