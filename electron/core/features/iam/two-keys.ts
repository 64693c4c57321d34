// The rotation's refusal when the user already has IAM's two keys: each key shown with its age and last use.
import { rolebarCommand } from '../../domain/shell-quote.js';
import { RolebarError } from '../../domain/errors.js';
import type { Identity } from '../../domain/model.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import type { AccessKeyInfo, AccessKeyLastUse, IamCaller } from '../../aws/iam/client.js';
import type { IamTarget } from '../../aws/iam/endpoints.js';
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import { describeKeyInfo, type KeyInfo } from './key-info.js';

/** A key with its last use, for the two-keys refusal and the key-age view. */
export interface KeyWithUse extends AccessKeyInfo {
  lastUse: AccessKeyLastUse | undefined;
}

/** The refusal when the user already has IAM's two keys: both shown with age and last use. */
export async function twoKeys(
  deps: { iam: IamCaller; now: () => number },
  signer: { target: IamTarget; credentials: AwsCredentials },
  identity: Identity,
  keys: AccessKeyInfo[],
): Promise<RolebarError> {
  const described = await withLastUse(deps.iam, signer, keys);
  const current = accessKeyIdOf(identity) ?? '';
  const lines = described.map(
    (k) => `  ${describeKey(k, deps.now())}${k.accessKeyId === current ? ' (used by Rolebar)' : ''}`,
  );
  const other = keys.find((k) => k.accessKeyId !== current)?.accessKeyId ?? 'KEY_ID';
  return new RolebarError(
    'rotate-two-keys',
    `"${identity.name}" already has two access keys, IAM's limit; nothing was changed:\n${lines.join('\n')}\n`,
    {
      hint: `Choose the one to delete first: \`${rolebarCommand('identity', 'rotate', identity.name, '--delete-key', other)}\`.`,
    },
  );
}

/** Adds each key's last use (undefined where IAM refused to say). */
export async function withLastUse(
  iam: IamCaller,
  signer: { target: IamTarget; credentials: AwsCredentials },
  keys: AccessKeyInfo[],
): Promise<KeyWithUse[]> {
  return Promise.all(
    keys.map(async (key) => ({
      ...key,
      lastUse: await iam
        .getAccessKeyLastUsed(signer.target, signer.credentials, key.accessKeyId, {
          action: 'GetAccessKeyLastUsed',
          keyId: key.accessKeyId,
        })
        .catch(() => undefined),
    })),
  );
}

/** "AKIA… Active, created 2024-01-01 (120 days ago), last used 2024-04-01 with sts in us-east-1". */
export function describeKey(key: KeyWithUse, now: number): string {
  const use = key.lastUse;
  const info: KeyInfo = {
    identityId: '',
    accessKeyId: key.accessKeyId,
    lastUseKnown: use !== undefined,
    ...(key.createDate ? { createDate: key.createDate } : {}),
    ...(use?.lastUsedDate ? { lastUsedDate: use.lastUsedDate } : {}),
    ...(use?.serviceName ? { lastUsedService: use.serviceName } : {}),
    ...(use?.region ? { lastUsedRegion: use.region } : {}),
  };
  return `${key.accessKeyId} ${key.status}, ${describeKeyInfo(info, now)}`;
}
