import { credentialFailure, networkReason } from '../failures.js';
import { rolebarCommand } from '../../domain/shell-quote.js';
import { AwsCallError, type AwsErrorDetails } from '../../domain/errors.js';

/** Every way an IAM call fails that a user can do something about. */
export type IamFailure =
  | 'access-denied'
  | 'no-such-role'
  | 'unknown-key'
  | 'wrong-secret'
  | 'clock-skew'
  | 'expired-token'
  | 'throttled'
  | 'offline'
  | 'invalid-request'
  | 'malformed-policy'
  | 'limit-exceeded'
  | 'no-such-key'
  | 'wrong-account'
  | 'service-error';

/** The IAM Query actions Rolebar makes. */
export type IamAction =
  | 'ListRoles'
  | 'GetRole'
  | 'PutRolePolicy'
  | 'ListAccessKeys'
  | 'CreateAccessKey'
  | 'UpdateAccessKey'
  | 'DeleteAccessKey'
  | 'GetAccessKeyLastUsed';

/** The IAM actions on access keys (the rotation and the key-age view). */
const KEY_ACTIONS: ReadonlySet<IamAction> = new Set<IamAction>([
  'ListAccessKeys',
  'CreateAccessKey',
  'UpdateAccessKey',
  'DeleteAccessKey',
  'GetAccessKeyLastUsed',
]);

/** A failed IAM call (code `iam-<failure>`), with what happened in the user's words and what to do. Never holds a secret. */
export class IamError extends AwsCallError<IamFailure> {
  constructor(failure: IamFailure, message: string, hint: string, details: AwsErrorDetails = {}) {
    super('iam', failure, message, hint, details);
  }
}

/** What the caller was doing, to name it in the message. */
export interface IamCallContext {
  action: IamAction;
  /** The account the credentials belong to (IAM only acts there), when known. */
  accountId?: string | undefined;
  roleName?: string | undefined;
  /** The access key acted on (UpdateAccessKey, DeleteAccessKey, GetAccessKeyLastUsed). */
  keyId?: string | undefined;
  /** The access key id that signed the call (never its secret). */
  accessKeyId?: string | undefined;
  /** A label for the credentials: an identity name or a role label. */
  source?: string | undefined;
}

/** How a call failed, as the client saw it: an AWS error answer, or a network failure. */
export interface IamFault {
  status?: number | undefined;
  awsCode?: string | undefined;
  awsMessage?: string | undefined;
  /** A Node network error code (ECONNREFUSED…) or `timeout`. */
  networkCode?: string | undefined;
  cause?: unknown;
}

/** Turns a failed IAM call into an IamError whose message tells the user what to do. */
export function toIamError(fault: IamFault, context: IamCallContext): IamError {
  const awsCode = fault.awsCode ?? '';
  const awsMessage = fault.awsMessage ?? '';
  const details = { awsCode, awsMessage, cause: fault.cause, context: contextStrings(context) };
  const who = context.source ? ` (${context.source})` : '';
  const account = context.accountId ?? /arn:[\w-]+:iam::(\d{12}):/.exec(awsMessage)?.[1] ?? 'this account';
  const role = context.roleName ?? 'the role';

  if (fault.networkCode !== undefined) {
    return new IamError(
      'offline',
      `Could not reach AWS IAM${who}: ${networkReason(fault.networkCode)}.`,
      'Check your network connection, VPN or proxy (or AWS_ENDPOINT_URL_IAM), then try again. Nothing was changed.',
      { cause: fault.cause, context: contextStrings(context) },
    );
  }
  const common = credentialFailure(awsCode, awsMessage, who, context.accessKeyId);
  if (common) return new IamError(common.failure, common.message, common.hint, details);
  switch (awsCode) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return accessDenied(context.action, account, role, awsMessage, details);
    case 'NoSuchEntity':
      if (KEY_ACTIONS.has(context.action)) {
        return new IamError(
          'no-such-key',
          `IAM has no access key ${context.keyId ?? ''} for this user${who}.`.replace('  ', ' '),
          'It was deleted already; check the keys in the IAM console (Users → Security credentials).',
          details,
        );
      }
      return new IamError(
        'no-such-role',
        `There is no role named ${role} in account ${account}.`,
        'Check the spelling, and the account: IAM only sees the account of the credentials used.',
        details,
      );
    case 'MalformedPolicyDocument':
      return new IamError(
        'malformed-policy',
        `IAM refused the policy document: ${awsMessage}`,
        'This is a bug in Rolebar if it wrote the policy; please report it.',
        details,
      );
    case 'LimitExceeded':
      if (context.action === 'CreateAccessKey') {
        return new IamError(
          'limit-exceeded',
          `Your IAM user already has two access keys (IAM's limit)${who}; nothing was changed.`,
          'Delete the one you no longer use, then rotate again.',
          details,
        );
      }
      return new IamError(
        'limit-exceeded',
        `The role ${role} has no room for another inline policy: ${awsMessage}`,
        'Delete an inline policy it no longer needs, then try again. Nothing was changed.',
        details,
      );
    case 'ValidationError':
      return new IamError(
        'invalid-request',
        `IAM rejected the request: ${awsMessage}`,
        'Check the role name.',
        details,
      );
    default:
      return new IamError(
        'service-error',
        fault.status !== undefined && fault.status >= 500
          ? 'AWS IAM had an internal error; retrying did not help.'
          : `AWS IAM failed${awsCode ? ` with ${awsCode}` : ''}${awsMessage ? `: ${awsMessage}` : ''}.`,
        'Try again in a minute; if it keeps failing, check the AWS Health Dashboard.',
        details,
      );
  }
}

function accessDenied(
  action: IamAction,
  account: string,
  role: string,
  awsMessage: string,
  details: ConstructorParameters<typeof IamError>[3],
): IamError {
  // A Deny that applies to everything is almost always "revoke older sessions" on the role we come from.
  const revoked = /explicit deny/i.test(awsMessage)
    ? ' An explicit deny applies to these credentials: if their role’s sessions were revoked, switch to it again for a fresh session.'
    : '';
  if (KEY_ACTIONS.has(action)) {
    return new IamError(
      'access-denied',
      `You may not ${KEY_VERBS[action] ?? 'manage the access keys of your IAM user'} in account ${account} (iam:${action}).`,
      `Ask an administrator to allow iam:${action} on your own user (\`${rolebarCommand('policy', '--rotate')}\` prints the policy).${revoked}`,
      details,
    );
  }
  switch (action) {
    default:
    case 'ListRoles':
      return new IamError(
        'access-denied',
        `You may not list roles in account ${account} (iam:ListRoles).`,
        `Type the role ARN or name instead.${revoked}`,
        details,
      );
    case 'GetRole':
      return new IamError(
        'access-denied',
        `You may not read the role ${role} in account ${account} (iam:GetRole).`,
        `Type the role ARN instead.${revoked}`,
        details,
      );
    case 'PutRolePolicy':
      return new IamError(
        'access-denied',
        `You may not change the policies of the role ${role} in account ${account} (iam:PutRolePolicy); nothing was changed.`,
        `Use credentials of account ${account} that allow iam:PutRolePolicy on the role (an administrator role), or ask an administrator of that account to revoke the sessions (IAM console → Roles → ${role} → Revoke sessions).${revoked}`,
        details,
      );
  }
}

const KEY_VERBS: Partial<Record<IamAction, string>> = {
  ListAccessKeys: 'list the access keys of your IAM user',
  CreateAccessKey: 'create an access key for your IAM user',
  UpdateAccessKey: 'deactivate or activate the access keys of your IAM user',
  DeleteAccessKey: 'delete the access keys of your IAM user',
  GetAccessKeyLastUsed: 'read when the access keys of your IAM user were last used',
};

function contextStrings(context: IamCallContext): Record<string, string> {
  const out: Record<string, string> = { action: context.action };
  if (context.accountId) out.accountId = context.accountId;
  if (context.roleName) out.roleName = context.roleName;
  if (context.keyId) out.keyId = context.keyId;
  if (context.accessKeyId) out.accessKeyId = context.accessKeyId;
  if (context.source) out.source = context.source;
  return out;
}
