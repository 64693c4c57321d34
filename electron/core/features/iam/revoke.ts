import { parseRoleArn } from '../../domain/model.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import type { IamCaller } from '../../aws/iam/client.js';
import type { IamTarget } from '../../aws/iam/endpoints.js';
import { IamError } from '../../aws/iam/errors.js';
import type { IamPolicyDocument } from './trust.js';
import type { RevokeResult } from './views.js';

/** The inline policy name the IAM console's "Revoke active sessions" uses; a later revoke replaces it. */
export const REVOKE_POLICY_NAME = 'AWSRevokeOlderSessions';

/** The console's revoke policy: deny everything to sessions issued before `now`. */
export function revokePolicy(now: Date): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['*'],
        Resource: ['*'],
        Condition: { DateLessThan: { 'aws:TokenIssueTime': now.toISOString() } },
      },
    ],
  };
}

/** Exactly what {@link revokeOlderSessions} will do, for the confirmation prompt of the window or the CLI. */
export function confirmRevokeText(roleArn: string, now: Date): string {
  const role = parseRoleArn(roleArn);
  return (
    `Revoke every session of the role ${role.name} (account ${role.accountId}) issued before ${now.toISOString()}? ` +
    `This puts the inline policy ${REVOKE_POLICY_NAME} on the role, denying every action to those sessions — ` +
    'everyone’s, yours and the AWS console’s included. Sessions started afterwards are not affected, so anyone ' +
    'still trusted can switch to the role again. A later revoke replaces the time; to undo it, an administrator ' +
    `deletes the inline policy ${REVOKE_POLICY_NAME} from the role.`
  );
}

/** Inputs of {@link revokeOlderSessions}. */
export interface RevokeOptions {
  iam: IamCaller;
  target: IamTarget;
  /** Credentials of the role's own account that allow iam:PutRolePolicy on it. */
  credentials: AwsCredentials;
  roleArn: string;
  /** The account the credentials belong to, when known: a mismatch is refused before any call. */
  callerAccountId?: string | undefined;
  now: Date;
  /** A label for the credentials, for messages. */
  source?: string | undefined;
}

/**
 * Revokes the role's older sessions like the IAM console's "Revoke active sessions": PutRolePolicy of
 * {@link REVOKE_POLICY_NAME} with {@link revokePolicy}. IAM acts only in the credentials' own account.
 */
export async function revokeOlderSessions(options: RevokeOptions): Promise<RevokeResult> {
  const role = parseRoleArn(options.roleArn);
  if (options.callerAccountId !== undefined && options.callerAccountId !== role.accountId) {
    throw new IamError(
      'wrong-account',
      `Sessions of ${role.name} can only be revoked with credentials of its account ${role.accountId}; these belong to ${options.callerAccountId}.`,
      `Switch to a role in account ${role.accountId} that allows iam:PutRolePolicy (an administrator role), and revoke with it. Nothing was changed.`,
      { context: { roleArn: options.roleArn } },
    );
  }
  await options.iam.putRolePolicy(
    options.target,
    options.credentials,
    {
      roleName: role.name,
      policyName: REVOKE_POLICY_NAME,
      policyDocument: JSON.stringify(revokePolicy(options.now)),
    },
    { action: 'PutRolePolicy', accountId: role.accountId, roleName: role.name, source: options.source },
  );
  return {
    roleArn: options.roleArn,
    policyName: REVOKE_POLICY_NAME,
    revokedBefore: options.now.toISOString(),
  };
}
