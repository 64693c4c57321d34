// IAM for the tools that need it (discover roles, policies, revoke, rotate keys, key age): the calls over a pooled
// SDK client (one endpoint per partition: endpoints.ts), each failure in the user's words (errors.ts).
import type { IAMClient, Role } from '@aws-sdk/client-iam';
import type * as IamSdk from '@aws-sdk/client-iam';
import type { AwsCredentials } from '../sts/client.js';
import { sdkClientConfig, sdkClientPool } from '../sdk-clients.js';
import { refuseIrregularAwsFiles } from '../../aws-files/regular-files.js';
import { isNetworkError, type SdkErrorShape, sdkNetworkCode } from '../sts/errors.js';
import type { IamTarget } from './endpoints.js';
import { type IamCallContext, IamError, toIamError } from './errors.js';

/** The IAM Query API version. */
export const IAM_API_VERSION = '2010-05-08';

/** A role as ListRoles and GetRole describe it. */
export interface IamRoleInfo {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: string | undefined;
  description: string | undefined;
  /** Seconds; AWS's default is 3600. */
  maxSessionDuration: number;
  /** The trust policy, URL-decoded and parsed; undefined when it could not be read. */
  trustPolicy: unknown;
}

/** One page of ListRoles. */
export interface ListRolesPage {
  roles: IamRoleInfo[];
  /** Set when more roles follow: pass it back as `marker`. */
  marker: string | undefined;
}

/** ListRoles' parameters. */
export interface ListRolesInput {
  pathPrefix?: string | undefined;
  marker?: string | undefined;
  /** 1–1000 (AWS's default is 100). */
  maxItems?: number | undefined;
}

/** An access key of an IAM user as ListAccessKeys describes it (never its secret). */
export interface AccessKeyInfo {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  /** ISO date; undefined when IAM did not say. */
  createDate: string | undefined;
}

/** A key IAM just created: the only moment its secret is ever shown. */
export interface NewAccessKey extends AccessKeyInfo {
  secretAccessKey: string;
  userName: string;
}

/** When and where a key was last used (GetAccessKeyLastUsed); dates undefined when it never was. */
export interface AccessKeyLastUse {
  lastUsedDate: string | undefined;
  serviceName: string | undefined;
  region: string | undefined;
}

/** The IAM calls Rolebar makes, through `@aws-sdk/client-iam`; failures are {@link IamError}s. */
export interface IamCaller {
  listRoles(
    target: IamTarget,
    credentials: AwsCredentials,
    input: ListRolesInput,
    context: IamCallContext,
  ): Promise<ListRolesPage>;
  getRole(
    target: IamTarget,
    credentials: AwsCredentials,
    roleName: string,
    context: IamCallContext,
  ): Promise<IamRoleInfo>;
  /** Adds or replaces an inline policy on a role of the credentials' own account. */
  putRolePolicy(
    target: IamTarget,
    credentials: AwsCredentials,
    input: { roleName: string; policyName: string; policyDocument: string },
    context: IamCallContext,
  ): Promise<void>;
  /** The access keys of `userName` (default: the caller's own user). */
  listAccessKeys(
    target: IamTarget,
    credentials: AwsCredentials,
    userName: string | undefined,
    context: IamCallContext,
  ): Promise<AccessKeyInfo[]>;
  /** Creates an access key for `userName` (default: the caller's own user). */
  createAccessKey(
    target: IamTarget,
    credentials: AwsCredentials,
    userName: string | undefined,
    context: IamCallContext,
  ): Promise<NewAccessKey>;
  /** Sets a key Active or Inactive. */
  updateAccessKey(
    target: IamTarget,
    credentials: AwsCredentials,
    input: { userName: string | undefined; accessKeyId: string; status: 'Active' | 'Inactive' },
    context: IamCallContext,
  ): Promise<void>;
  deleteAccessKey(
    target: IamTarget,
    credentials: AwsCredentials,
    input: { userName: string | undefined; accessKeyId: string },
    context: IamCallContext,
  ): Promise<void>;
  getAccessKeyLastUsed(
    target: IamTarget,
    credentials: AwsCredentials,
    accessKeyId: string,
    context: IamCallContext,
  ): Promise<AccessKeyLastUse>;
  /** Closes kept connections. */
  close(): void;
}

/** Options of {@link createIamCaller}. */
export interface IamCallerOptions {
  /** Local clock, for the signature date. */
  now?: () => number;
  /** Attempts per call, retries included (the SDK backs off and retries throttling, 5xx and dropped connections). */
  maxAttempts?: number;
  /** Milliseconds before a silent connection or answer counts as a network failure. */
  requestTimeoutMs?: number;
}

type IamModule = typeof IamSdk;
let iamModule: Promise<IamModule> | undefined;
/** The SDK is loaded on the first IAM call only: CLI start-up and non-IAM commands never pay for it. */
function loadIam(): Promise<IamModule> {
  iamModule ??= import('@aws-sdk/client-iam');
  return iamModule;
}

const MAX_CLIENTS = 8;

/** How the calls reach IAM: through a kept client, with whatever the SDK throws turned into an IamError. */
type Send = <T>(
  target: IamTarget,
  credentials: AwsCredentials,
  context: IamCallContext,
  run: (client: IAMClient, sdk: IamModule) => Promise<T>,
) => Promise<T>;

/** Makes the IAM caller: one SDK client per (endpoint, credentials), kept for reuse. */
export function createIamCaller(options: IamCallerOptions = {}): IamCaller {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const clients = sdkClientPool<IAMClient>(MAX_CLIENTS);

  const send: Send = async (target, credentials, context, run) => {
    // The SDK reads the AWS files this process's environment names; a FIFO there would hang it.
    refuseIrregularAwsFiles();
    const sdk = await loadIam();
    const client = clients.get(
      target,
      credentials,
      () =>
        new sdk.IAMClient({
          ...sdkClientConfig(target, credentials, { maxAttempts, requestTimeoutMs }),
          systemClockOffset: now() - Date.now(),
        }),
    );
    try {
      return await run(client, sdk);
    } catch (error) {
      throw iamErrorOf(error, target, { accessKeyId: credentials.accessKeyId, ...context });
    }
  };

  return { ...roleCalls(send), ...accessKeyCalls(send), close: () => clients.close() };
}

/** ListRoles, GetRole and PutRolePolicy. */
function roleCalls(send: Send): Pick<IamCaller, 'listRoles' | 'getRole' | 'putRolePolicy'> {
  return {
    listRoles: (target, credentials, input, context) =>
      send(target, credentials, { ...context, action: 'ListRoles' }, async (client, sdk) => {
        const out = await client.send(
          new sdk.ListRolesCommand({
            PathPrefix: input.pathPrefix,
            Marker: input.marker,
            MaxItems: input.maxItems,
          }),
        );
        return { roles: (out.Roles ?? []).map(roleOf), marker: out.IsTruncated ? out.Marker : undefined };
      }),
    getRole: (target, credentials, roleName, context) =>
      send(target, credentials, { ...context, action: 'GetRole', roleName }, async (client, sdk) => {
        const out = await client.send(new sdk.GetRoleCommand({ RoleName: roleName }));
        if (!out.Role)
          throw new IamError('service-error', 'AWS IAM answered GetRole without a role.', 'Try again.');
        return roleOf(out.Role);
      }),
    putRolePolicy: (target, credentials, input, context) =>
      send(
        target,
        credentials,
        { ...context, action: 'PutRolePolicy', roleName: input.roleName },
        async (client, sdk) => {
          await client.send(
            new sdk.PutRolePolicyCommand({
              RoleName: input.roleName,
              PolicyName: input.policyName,
              PolicyDocument: input.policyDocument,
            }),
          );
        },
      ),
  };
}

/** The access key calls: list, create, activate or deactivate, delete, and last use. */
function accessKeyCalls(
  send: Send,
): Pick<
  IamCaller,
  'listAccessKeys' | 'createAccessKey' | 'updateAccessKey' | 'deleteAccessKey' | 'getAccessKeyLastUsed'
> {
  return {
    listAccessKeys: (target, credentials, userName, context) =>
      send(target, credentials, { ...context, action: 'ListAccessKeys' }, async (client, sdk) => {
        const out = await client.send(new sdk.ListAccessKeysCommand({ UserName: userName }));
        return (out.AccessKeyMetadata ?? []).flatMap((key) =>
          key.AccessKeyId ? [keyInfo(key.AccessKeyId, key.Status, key.CreateDate)] : [],
        );
      }),
    createAccessKey: (target, credentials, userName, context) =>
      send(target, credentials, { ...context, action: 'CreateAccessKey' }, async (client, sdk) => {
        const key = (await client.send(new sdk.CreateAccessKeyCommand({ UserName: userName }))).AccessKey;
        if (!key?.AccessKeyId || !key.SecretAccessKey || !key.UserName) {
          throw new IamError(
            'service-error',
            'AWS IAM answered CreateAccessKey without a complete key.',
            'Check the access keys of your user in the IAM console: a key may have been created.',
          );
        }
        return {
          ...keyInfo(key.AccessKeyId, key.Status, key.CreateDate),
          secretAccessKey: key.SecretAccessKey,
          userName: key.UserName,
        };
      }),
    updateAccessKey: (target, credentials, input, context) =>
      send(target, credentials, { ...context, action: 'UpdateAccessKey' }, async (client, sdk) => {
        await client.send(
          new sdk.UpdateAccessKeyCommand({
            UserName: input.userName,
            AccessKeyId: input.accessKeyId,
            Status: input.status,
          }),
        );
      }),
    deleteAccessKey: (target, credentials, input, context) =>
      send(target, credentials, { ...context, action: 'DeleteAccessKey' }, async (client, sdk) => {
        await client.send(
          new sdk.DeleteAccessKeyCommand({ UserName: input.userName, AccessKeyId: input.accessKeyId }),
        );
      }),
    getAccessKeyLastUsed: (target, credentials, accessKeyId, context) =>
      send(target, credentials, { ...context, action: 'GetAccessKeyLastUsed' }, async (client, sdk) => {
        const used = (await client.send(new sdk.GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId })))
          .AccessKeyLastUsed;
        // IAM says "N/A" for a service and region a key never used.
        const known = (text: string | undefined) => (text && text !== 'N/A' ? text : undefined);
        return {
          lastUsedDate: used?.LastUsedDate?.toISOString(),
          serviceName: known(used?.ServiceName),
          region: known(used?.Region),
        };
      }),
  };
}

function keyInfo(accessKeyId: string, status: string | undefined, created: Date | undefined): AccessKeyInfo {
  return {
    accessKeyId,
    status: status === 'Inactive' ? 'Inactive' : 'Active',
    createDate: created?.toISOString(),
  };
}

/** Turns whatever the SDK threw into an IamError, naming the call and the permission it needed. */
function iamErrorOf(error: unknown, target: IamTarget, context: IamCallContext): IamError {
  if (error instanceof IamError) return error;
  const e: SdkErrorShape & { $fault?: unknown; $response?: unknown } =
    typeof error === 'object' && error !== null ? error : {};
  if (isNetworkError(e)) return toIamError({ networkCode: sdkNetworkCode(e), cause: error }, context);
  const status = e.$metadata?.httpStatusCode;
  const awsCode = (e.Code ?? e.name ?? '').replace(/Exception$/, '');
  // An answer the SDK could not read as IAM's (a proxy's page, garbage): no AWS error code came with it.
  if (!('$fault' in e) || awsCode === 'Unknown' || awsCode === 'UnknownError' || awsCode === 'Error') {
    if (status === undefined || status >= 500)
      return toIamError({ status: status ?? 500, awsCode, cause: error }, context);
    return new IamError(
      'service-error',
      'AWS IAM sent an answer Rolebar cannot read.',
      unreadableHint(target),
      {
        cause: error,
      },
    );
  }
  const awsMessage = typeof e.message === 'string' ? e.message : '';
  return toIamError({ status, awsCode, awsMessage, cause: error }, context);
}

function unreadableHint(target: IamTarget): string {
  return target.overridden
    ? `Check the IAM endpoint setting (${target.endpoint}, from AWS_ENDPOINT_URL_IAM or AWS_ENDPOINT_URL).`
    : 'Try again; a proxy may be answering instead of AWS.';
}

/** A role as the SDK read it; the trust policy arrives URL-encoded JSON. */
function roleOf(role: Role): IamRoleInfo {
  const max = role.MaxSessionDuration ?? 3600;
  return {
    roleName: role.RoleName ?? '',
    roleId: role.RoleId ?? '',
    arn: role.Arn ?? '',
    path: role.Path ?? '/',
    createDate: role.CreateDate?.toISOString(),
    description: role.Description,
    maxSessionDuration: Number.isInteger(max) && max > 0 ? max : 3600,
    trustPolicy: decodePolicy(role.AssumeRolePolicyDocument),
  };
}

/** A URL-encoded JSON policy as IAM returns it, parsed; undefined when absent or unreadable. */
export function decodePolicy(encoded: string | undefined): unknown {
  if (encoded === undefined || encoded === '') return undefined;
  for (const text of [safeDecode(encoded), encoded]) {
    try {
      return JSON.parse(text ?? '') as unknown;
    } catch {
      // Try the next reading.
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
