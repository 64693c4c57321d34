// Reads an access key's age and last use from IAM (ListAccessKeys, GetAccessKeyLastUsed) with the identity's own
// key. Never fails: what IAM will not say is "unknown", with the permission it needs (key-info.ts words it).
import type { Engine } from '../../sessions/engine.js';
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import { RolebarError } from '../../domain/errors.js';
import { partitionOfRegion } from '../../domain/endpoints.js';
import type { AwsLocationOptions } from '../../aws-files/index.js';
import { createIamCaller, type IamCaller } from '../../aws/iam/client.js';
import { resolveIamTarget } from '../../aws/iam/endpoints.js';
import { IamError } from '../../aws/iam/errors.js';
import type { KeyInfo } from './key-info.js';

/** Key age and last use of every IAM user identity (or `only` that one), read in parallel; unknowns say why (never throws). */
export async function readKeyInfos(
  core: Pick<Engine, 'identities'>,
  location: AwsLocationOptions,
  only?: string,
): Promise<Map<string, KeyInfo>> {
  const users = core.identities
    .list()
    .filter((i) => accessKeyIdOf(i) !== undefined && (only === undefined || i.id === only));
  if (users.length === 0) return new Map();
  // One quick attempt: status and lists must not hang on an unreachable IAM; the age is then "unknown".
  const iam = createIamCaller({ maxAttempts: 1, requestTimeoutMs: 4_000 });
  const env = location.env ?? process.env;
  try {
    const infos = await Promise.all(users.map((i) => readKeyInfo(core, iam, env, i.id)));
    return new Map(infos.flatMap((info) => (info ? [[info.identityId, info] as const] : [])));
  } finally {
    iam.close();
  }
}

/** Reads the identity's key age and last use with its own key; undefined for identities that keep no key. */
export async function readKeyInfo(
  core: Pick<Engine, 'identities'>,
  iam: IamCaller,
  env: NodeJS.ProcessEnv,
  identityId: string,
): Promise<KeyInfo | undefined> {
  const identity = core.identities.get(identityId);
  const accessKeyId = accessKeyIdOf(identity);
  if (accessKeyId === undefined) return undefined;
  const info: KeyInfo = { identityId, accessKeyId, lastUseKnown: false };
  const unknown = (error: unknown, permission: string): string =>
    error instanceof IamError && error.failure === 'access-denied'
      ? `unknown: needs iam:${permission}`
      : `unknown: ${error instanceof RolebarError ? error.message : 'IAM could not be asked'}`;
  let credentials;
  let target;
  try {
    credentials = {
      accessKeyId,
      secretAccessKey: await core.identities.secretOf(identity.id),
    };
    target = resolveIamTarget(partitionOfRegion(identity.region ?? env.AWS_REGION ?? 'us-east-1'), env);
  } catch (error) {
    return { ...info, unknown: unknown(error, 'ListAccessKeys') };
  }
  const context = { source: identity.name };
  try {
    const keys = await iam.listAccessKeys(target, credentials, undefined, {
      ...context,
      action: 'ListAccessKeys',
    });
    const own = keys.find((k) => k.accessKeyId === accessKeyId);
    if (own?.createDate) info.createDate = own.createDate;
  } catch (error) {
    info.unknown = unknown(error, 'ListAccessKeys');
  }
  try {
    const use = await iam.getAccessKeyLastUsed(target, credentials, accessKeyId, {
      ...context,
      action: 'GetAccessKeyLastUsed',
      keyId: accessKeyId,
    });
    info.lastUseKnown = true;
    if (use.lastUsedDate) info.lastUsedDate = use.lastUsedDate;
    if (use.serviceName) info.lastUsedService = use.serviceName;
    if (use.region) info.lastUsedRegion = use.region;
  } catch (error) {
    info.unknown ??= unknown(error, 'GetAccessKeyLastUsed');
  }
  return info;
}
