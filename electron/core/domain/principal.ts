// Who a set of AWS credentials is: what its ARN says (partition, account, kind of principal, user name) and what
// GetCallerIdentity answers. Pure and browser-safe: the window shows the same answer the CLI prints.
import type { Partition } from './endpoints.js';

/** Who GetCallerIdentity says a set of credentials is, and how far the local clock is from AWS's. */
export interface WhoAmI {
  account: string;
  arn: string;
  userId: string;
  kind: PrincipalKind;
  clockOffsetMs: number | undefined;
  /** True when the local clock is more than 5 minutes off AWS's. */
  clockSkewed: boolean;
}

/** The kind of principal an ARN names, in the user's words. */
export type PrincipalKind = 'iam-user' | 'assumed-role' | 'root' | 'federated-user' | 'unknown';

/** Reads the principal kind from an ARN returned by GetCallerIdentity. */
export function principalKind(arn: string): PrincipalKind {
  if (/^arn:[\w-]+:iam::\d{12}:root$/.test(arn)) return 'root';
  if (/^arn:[\w-]+:iam::\d{12}:user\//.test(arn)) return 'iam-user';
  if (/^arn:[\w-]+:sts::\d{12}:assumed-role\//.test(arn)) return 'assumed-role';
  if (/^arn:[\w-]+:sts::\d{12}:federated-user\//.test(arn)) return 'federated-user';
  return 'unknown';
}

/** The account id in an ARN, or '' when it has none. */
export function accountOfArn(arn: string): string {
  return /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? '';
}

/** The partition named by an ARN (`arn:aws-cn:…`), `aws` when it names none Rolebar knows. */
export function partitionOfArn(arn: string): Partition {
  const partition = /^arn:([\w-]+):/.exec(arn)?.[1];
  return partition === 'aws-cn' || partition === 'aws-us-gov' ? partition : 'aws';
}

/** The last part of a user's or session's ARN: `alice` for `…:user/team/alice`. */
export function userNameOfArn(arn: string): string | undefined {
  return /[:/]([^/:]+)$/.exec(arn)?.[1];
}
