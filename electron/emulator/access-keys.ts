// IAM's user and access-key actions (GetUser, the keys), with IAM's rules: two keys per user at most, a new key that AWS accepts only after
// a propagation delay (World.newKeyDelayMs), and AccessDenied unless the caller's policies allow the action.
import { randomInt } from 'node:crypto';
import type { ActionContext } from './common.js';
import { StsError, stsErrors } from './errors.js';
import { authorizeIam } from './iam.js';
import { newSecretAccessKey } from './sessions.js';
import { Validator } from './validation.js';
import type { LongTermKey, User } from './world.js';
import type { XmlObject } from './xml.js';

/** IAM's quota of access keys per user. */
export const ACCESS_KEYS_PER_USER = 2;

const KEY_ID = /^[\w]+$/;
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh key id that looks like a test key (AKIATEST…), never like a real one. */
function newAccessKeyId(): string {
  let out = 'AKIATEST';
  for (let i = 0; i < 12; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

const noSuchUser = (name: string) =>
  new StsError('NoSuchEntity', 404, `The user with name ${name} cannot be found.`);
const noSuchKey = (id: string) =>
  new StsError('NoSuchEntity', 404, `The Access Key with id ${id} cannot be found.`);

/**
 * The user an access-key action is about: `UserName`, else the caller's own user (as IAM infers it from the
 * signing credentials). Authorizes `action` on that user first, as IAM does.
 */
function targetUser(ctx: ActionContext, action: string): User {
  const v = new Validator();
  const name = ctx.params.get('UserName');
  v.length('userName', name, 1, 128);
  v.done();
  const account = ctx.world.account(ctx.caller.accountId);
  const own = ctx.caller.user;
  const user = name === undefined ? own : account?.users.get(name);
  const resource = user?.arn ?? `arn:aws:iam::${ctx.caller.accountId}:user/${name ?? ''}`;
  authorizeIam(ctx, action, resource);
  if (!user) {
    if (name === undefined)
      throw stsErrors.validationMessage('Must specify userName when calling with non-User credentials');
    throw noSuchUser(name);
  }
  return user;
}

/** GetUser: the named user, else the caller's own (`iam:GetUser` on that user). */
export function getUser(ctx: ActionContext): XmlObject {
  const user = targetUser(ctx, 'iam:GetUser');
  return {
    User: {
      Path: user.path,
      UserName: user.name,
      UserId: user.userId,
      Arn: user.arn,
      CreateDate: '2024-01-01T00:00:00Z',
    },
  };
}

function keyIdParam(ctx: ActionContext): string {
  const v = new Validator();
  const id = v.required('accessKeyId', ctx.params.get('AccessKeyId'));
  v.length('accessKeyId', id, 16, 128);
  v.done();
  if (!KEY_ID.test(id ?? '')) throw stsErrors.validationMessage('Invalid AccessKeyId.');
  return id ?? '';
}

function keyOf(ctx: ActionContext, user: User, id: string): LongTermKey {
  const key = ctx.world.keys.get(id);
  if (!key || key.owner.kind !== 'user' || key.owner.user !== user) throw noSuchKey(id);
  return key;
}

/** CreateAccessKey: a new Active key; LimitExceeded when the user already has two. */
export function createAccessKey(ctx: ActionContext): XmlObject {
  const user = targetUser(ctx, 'iam:CreateAccessKey');
  if (ctx.world.keysOf(user).length >= ACCESS_KEYS_PER_USER) {
    throw new StsError(
      'LimitExceeded',
      409,
      `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`,
    );
  }
  const key = ctx.world.createKey(user, ctx.now, () => ({
    accessKeyId: newAccessKeyId(),
    secretAccessKey: newSecretAccessKey(),
  }));
  return {
    AccessKey: {
      UserName: user.name,
      AccessKeyId: key.accessKeyId,
      Status: key.status,
      SecretAccessKey: key.secretAccessKey,
      CreateDate: key.createDate,
    },
  };
}

/** DeleteAccessKey: removes a key of the user for good. */
export function deleteAccessKey(ctx: ActionContext): undefined {
  const user = targetUser(ctx, 'iam:DeleteAccessKey');
  const key = keyOf(ctx, user, keyIdParam(ctx));
  ctx.world.keys.delete(key.accessKeyId);
  return undefined;
}

/** UpdateAccessKey: sets a key Active or Inactive. */
export function updateAccessKey(ctx: ActionContext): undefined {
  const user = targetUser(ctx, 'iam:UpdateAccessKey');
  const key = keyOf(ctx, user, keyIdParam(ctx));
  const status = ctx.params.get('Status');
  if (status !== 'Active' && status !== 'Inactive') {
    throw stsErrors.validation([
      `Value '${status ?? ''}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]`,
    ]);
  }
  key.status = status;
  return undefined;
}

/** ListAccessKeys: the user's keys (never their secrets), oldest first. */
export function listAccessKeys(ctx: ActionContext): XmlObject {
  const user = targetUser(ctx, 'iam:ListAccessKeys');
  return {
    AccessKeyMetadata: {
      member: ctx.world.keysOf(user).map((key) => ({
        UserName: user.name,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        CreateDate: key.createDate,
      })),
    },
    IsTruncated: 'false',
  };
}

/** GetAccessKeyLastUsed: when, with which service and in which region a key last signed a request. */
export function getAccessKeyLastUsed(ctx: ActionContext): XmlObject {
  const id = keyIdParam(ctx);
  const key = ctx.world.keys.get(id);
  const owner = key?.owner.kind === 'user' ? key.owner.user : undefined;
  authorizeIam(ctx, 'iam:GetAccessKeyLastUsed', owner?.arn ?? `arn:aws:iam::${ctx.caller.accountId}:user/*`);
  if (!key || !owner || owner.account.id !== ctx.caller.accountId) throw noSuchKey(id);
  const used = key.lastUsed;
  return {
    UserName: owner.name,
    AccessKeyLastUsed: used
      ? { LastUsedDate: used.date.replace(/\.\d{3}Z$/, 'Z'), ServiceName: used.service, Region: used.region }
      : { ServiceName: 'N/A', Region: 'N/A' },
  };
}
