// An access key's age and last use, as IAM tells them (ListAccessKeys, GetAccessKeyLastUsed), for `rolebar status`,
// `identity list` and the window. Never fails: what IAM will not say is "unknown", with the permission it needs.
import type { Engine } from '../../sessions/engine.js';
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import { RolebarError } from '../../domain/errors.js';
import { partitionOfRegion } from '../../domain/endpoints.js';
import type { IamCaller } from '../../aws/iam/client.js';
import { resolveIamTarget } from '../../aws/iam/endpoints.js';
import { IamError } from '../../aws/iam/errors.js';

/** The age warning's threshold when the user has not set one: the CIS benchmark's 90 days. */
export const DEFAULT_KEY_AGE_WARNING_DAYS = 90;

/** What IAM says about the key an identity uses. Plain data: it crosses IPC as it is. */
export interface KeyInfo {
  identityId: string;
  accessKeyId: string;
  /** ISO 8601; undefined when unknown (see `unknown`). */
  createDate?: string;
  /** ISO 8601; undefined when the key was never used, or when unknown. */
  lastUsedDate?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
  /** False when IAM would not say when the key was last used. */
  lastUseKnown: boolean;
  /** Why something is unknown, naming the IAM permission that would show it. */
  unknown?: string;
}

/** Whole days between an ISO date and `now`. */
export function ageDays(iso: string, now: number): number {
  return Math.floor((now - Date.parse(iso)) / 86_400_000);
}

/** The key's age in days when it is past `thresholdDays`, else undefined (unknown ages never warn). */
export function keyAgeOverThreshold(info: KeyInfo, thresholdDays: number, now: number): number | undefined {
  if (info.createDate === undefined) return undefined;
  const days = ageDays(info.createDate, now);
  return days > thresholdDays ? days : undefined;
}

/** Reads the identity's key age and last use with its own key; undefined for identities that keep no key. */
export async function readKeyInfo(
  core: Engine,
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

/** "created 2024-01-01 (91 days ago), last used 2024-03-01 with sts in us-east-1", or what is unknown and why. */
export function describeKeyInfo(info: KeyInfo, now: number): string {
  const created = info.createDate
    ? `created ${info.createDate.slice(0, 10)} (${daysText(ageDays(info.createDate, now))})`
    : 'age unknown';
  const used = !info.lastUseKnown
    ? 'last use unknown'
    : info.lastUsedDate
      ? `last used ${info.lastUsedDate.slice(0, 10)}${info.lastUsedService ? ` with ${info.lastUsedService}` : ''}${info.lastUsedRegion ? ` in ${info.lastUsedRegion}` : ''}`
      : 'never used';
  return `${created}, ${used}${info.unknown ? ` (${info.unknown})` : ''}`;
}

/** "today", "1 day ago", "91 days ago". */
export function daysText(days: number): string {
  return days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
}
