// `rolebar identity rotate NAME`: a new access key through IAM, stored through the identity journal (so the
// keychain and settings agree even if the process dies), checked with GetCallerIdentity, then the old key deleted
// or deactivated. Order matters: the new key is saved before the old one goes, so a working key is always kept.
import { rolebarCommand } from '../../domain/shell-quote.js';
import type { Engine } from '../../sessions/engine.js';
import { iamUserTraits } from '../../sessions/sources/iam-user.js';
import { isOfKind } from '../../sessions/sources/source.js';
import { RolebarError, AwsCallError } from '../../domain/errors.js';
import type { Identity, IdentityOf } from '../../domain/model.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import type { AccessKeyInfo, IamCaller } from '../../aws/iam/client.js';
import { partitionOfArn } from '../../domain/principal.js';
import { resolveIamTarget, type IamTarget } from '../../aws/iam/endpoints.js';
import { IamError } from '../../aws/iam/errors.js';
import { twoKeys } from './two-keys.js';
import { dropRotation, recordRotation, rotationIsLive, rotationOf } from '../../store/key-rotations.js';
import type { RotateOutcome } from './views.js';

/** How long a rotation waits for the new key to work (IAM takes a few seconds to accept a new key). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

export { describeKey, type KeyWithUse } from './two-keys.js';

/** The minimal IAM policy for rotating and viewing one's own keys (`rolebar policy --rotate`). */
export function rotatePolicy(): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RotateOwnAccessKeys',
        Effect: 'Allow',
        Action: [
          'iam:ListAccessKeys',
          'iam:CreateAccessKey',
          'iam:UpdateAccessKey',
          'iam:DeleteAccessKey',
          'iam:GetAccessKeyLastUsed',
        ],
        Resource: 'arn:aws:iam::*:user/${aws:username}',
      },
    ],
  };
}

/** What the user chose. */
export interface RotateOptions {
  identityId: string;
  /** Deactivate the old key instead of deleting it (a grace period). */
  deactivateOld?: boolean;
  /** With two keys present: delete this one (not the one Rolebar uses) first. */
  deleteKeyId?: string;
  /** A current MFA code, when IAM's policy asks for MFA and no MFA session has time left. */
  mfaCode?: string;
}

/** What a finished rotation did: the keys (what the window and `--json` show), and the identity as it is now. */
export interface RotateResult extends RotateOutcome {
  identity: Identity;
  removedExtraKeyId: string | undefined;
}

/** What {@link rotateAccessKey} needs. */
export interface RotateDeps {
  core: Engine;
  iam: IamCaller;
  env: NodeJS.ProcessEnv;
  now: () => number;
  /** Bound on waiting for the new key to work. */
  verifyTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** IAM credentials for the identity: its own key, or its MFA session once IAM's policy asked for MFA. */
interface Signer {
  target: IamTarget;
  credentials: AwsCredentials;
  label: string;
}

/** An IAM user identity: the one kind with a key of its own to rotate. */
type IamUser = IdentityOf<'iam-user'>;

/** Who the rotation signs as and where, and the names its IAM calls carry. */
interface Rotation {
  deps: RotateDeps;
  identity: IamUser;
  signer: Signer;
  ctx: () => { accountId: string; source: string };
}

/** Rotates an IAM user identity's access key through IAM; see the file comment for the order of steps. */
export async function rotateAccessKey(deps: RotateDeps, options: RotateOptions): Promise<RotateResult> {
  const { core, iam } = deps;
  const identity = core.identities.get(options.identityId);
  if (!isOfKind(identity, iamUserTraits)) {
    throw new RolebarError('invalid-input', `"${identity.name}" has no access key of its own to rotate.`, {
      hint: 'Only IAM user identities keep keys in Rolebar.',
    });
  }
  const oldKeyId = identity.accessKeyId;
  const { rotation, keys: listed, oldSecret } = await listKeys(deps, identity, options.mfaCode);
  const { signer, ctx } = rotation;
  // 0. A rotation that a kill cut short is finished or undone first, without asking.
  const keys = await settleInterruptedRotation(rotation, listed);
  const removedExtraKeyId = await makeRoom(rotation, keys, options.deleteKeyId);

  // 1. Create, recorded first (key ids only): a kill after CreateAccessKey leaves a key the next rotation can
  // prove was never stored. A failure here changed nothing.
  const deactivate = options.deactivateOld === true;
  const keysBefore = keys.filter((k) => k.accessKeyId !== removedExtraKeyId).map((k) => k.accessKeyId);
  recordRotation(core.settings, { identityId: identity.id, oldKeyId, keysBefore, deactivateOld: deactivate });
  let created: { accessKeyId: string; secretAccessKey: string };
  try {
    created = await iam.createAccessKey(signer.target, signer.credentials, undefined, {
      ...ctx(),
      action: 'CreateAccessKey',
    });
  } catch (error) {
    // IAM answered no (or never answered): the record stays only if a key may have been made after all.
    if (error instanceof IamError) dropRotation(core.settings, identity.id);
    throw error;
  }
  const state = (newKey: string, oldKey: string, kept: string) =>
    `In AWS: the new key ${created.accessKeyId} is ${newKey}; the old key ${oldKeyId} is ${oldKey}. The keychain holds ${kept}, which works.`;

  // 2. Store, through the identity journal: a process killed here leaves the old key (not yet committed) or the new.
  try {
    await core.identities.rotateKeys(identity.id, {
      accessKeyId: created.accessKeyId,
      secretAccessKey: created.secretAccessKey,
    });
  } catch (error) {
    const cleaned = await deleteQuietly(iam, signer, created.accessKeyId, ctx());
    if (cleaned) dropRotation(core.settings, identity.id);
    throw stepFailed(
      'store',
      error,
      state(cleaned ? 'deleted again' : 'Active (unused)', 'Active', oldKeyId),
      identity,
    );
  }

  // 3. Verify: the keychain's new key must work; IAM needs a few seconds before it accepts it.
  try {
    await untilWorks(deps, identity.id);
  } catch (error) {
    // Put the old key back (it is still Active), then drop the new one so that no unverified key is left.
    await core.identities.rotateKeys(identity.id, { accessKeyId: oldKeyId, secretAccessKey: oldSecret });
    const cleaned = await deleteQuietly(iam, signer, created.accessKeyId, ctx());
    if (cleaned) dropRotation(core.settings, identity.id);
    throw stepFailed(
      'verify',
      error,
      state(cleaned ? 'deleted again' : 'Active (never verified)', 'Active', oldKeyId),
      identity,
    );
  }

  // 4. Retire the old key, signed as before (a key may delete or deactivate itself). Failing, the record stays:
  // the next rotation retires it first.
  try {
    await retire(rotation, oldKeyId, deactivate);
    dropRotation(core.settings, identity.id);
  } catch (error) {
    throw stepFailed(
      deactivate ? 'deactivate' : 'delete',
      error,
      state('Active', 'still Active', `the new key ${created.accessKeyId}`),
      identity,
    );
  }
  return {
    identity: core.identities.get(identity.id),
    newKeyId: created.accessKeyId,
    oldKeyId,
    oldKey: deactivate ? 'deactivated' : 'deleted',
    removedExtraKeyId,
  };
}

/**
 * Lists the user's keys, signed with its own key; with MFA required by IAM's policy, the first denial switches
 * to the identity's MFA session, which then signs the rest of the rotation.
 */
async function listKeys(
  deps: RotateDeps,
  identity: IamUser,
  mfaCode: string | undefined,
): Promise<{ rotation: Rotation; keys: AccessKeyInfo[]; oldSecret: string }> {
  const { core, iam } = deps;
  const who = await core.whoAmI({ identityId: identity.id });
  const oldSecret = await core.identities.secretOf(identity.id);
  let signer: Signer = {
    target: resolveIamTarget(partitionOfArn(who.arn), deps.env),
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: oldSecret },
    label: identity.name,
  };
  const ctx = () => ({ accountId: who.account, source: identity.name });
  let keys: AccessKeyInfo[];
  try {
    keys = await iam.listAccessKeys(signer.target, signer.credentials, undefined, {
      ...ctx(),
      action: 'ListAccessKeys',
    });
  } catch (error) {
    if (!(error instanceof IamError && error.failure === 'access-denied' && identity.mfaSerial)) throw error;
    const session = await core.identitySession(identity.id, { marginMs: 5 * 60_000, mfaCode });
    signer = { ...signer, credentials: session };
    keys = await iam.listAccessKeys(signer.target, signer.credentials, undefined, {
      ...ctx(),
      action: 'ListAccessKeys',
    });
  }
  return { rotation: { deps, identity, signer, ctx }, keys, oldSecret };
}

/**
 * Finishes or undoes the identity's last rotation when a kill (or a failed step) cut it short; returns the keys
 * left. A key that was not there before it and is not the one Rolebar uses was made by it and never stored: its
 * secret died with that process, so it is deleted. When Rolebar already uses the new key, the old one is retired
 * as that rotation asked. A rotation still running in another process is refused, never touched.
 */
async function settleInterruptedRotation(
  rotation: Rotation,
  keys: AccessKeyInfo[],
): Promise<AccessKeyInfo[]> {
  const { deps, identity, signer, ctx } = rotation;
  const record = rotationOf(deps.core.settings, identity.id);
  if (!record) return keys;
  if (rotationIsLive(record))
    throw new RolebarError(
      'rotate-in-progress',
      `A rotation of "${identity.name}" is running in another process (pid ${record.pid}). Nothing was changed.`,
      { hint: 'Wait for it to finish, then try again.' },
    );
  const current = identity.accessKeyId;
  const left: AccessKeyInfo[] = [];
  for (const key of keys) {
    const id = key.accessKeyId;
    const orphan = id !== current && !record.keysBefore.includes(id);
    const oldOfFinished = id === record.oldKeyId && id !== current;
    if (orphan) await deleteKey(rotation, id);
    else if (oldOfFinished) {
      await retire({ deps, identity, signer, ctx }, id, record.deactivateOld);
      if (record.deactivateOld) left.push({ ...key, status: 'Inactive' });
    } else left.push(key);
  }
  dropRotation(deps.core.settings, identity.id);
  return left;
}

/**
 * With IAM's two keys already present, deletes `extra` (the one the user chose, never the one Rolebar uses) to
 * make room; without a choice, refuses and shows both. Returns the key deleted, if any.
 */
async function makeRoom(
  { deps, identity, signer, ctx }: Rotation,
  keys: AccessKeyInfo[],
  extra: string | undefined,
): Promise<string | undefined> {
  if (keys.length < 2) return undefined;
  const oldKeyId = identity.accessKeyId;
  if (extra === undefined) throw await twoKeys(deps, signer, identity, keys);
  if (extra === oldKeyId || !keys.some((k) => k.accessKeyId === extra)) {
    throw new RolebarError(
      'invalid-input',
      extra === oldKeyId
        ? `${extra} is the key Rolebar uses for "${identity.name}"; it is replaced by the rotation itself. Nothing was changed.`
        : `${extra} is not one of the access keys of "${identity.name}". Nothing was changed.`,
      {
        hint: `Choose the other key: ${keys
          .filter((k) => k.accessKeyId !== oldKeyId)
          .map((k) => k.accessKeyId)
          .join(', ')}.`,
      },
    );
  }
  await deleteKey({ deps, identity, signer, ctx }, extra);
  return extra;
}

/** Deletes one of the user's keys, signed as the rotation signs. */
async function deleteKey({ deps, signer, ctx }: Rotation, keyId: string): Promise<void> {
  await deps.iam.deleteAccessKey(
    signer.target,
    signer.credentials,
    { userName: undefined, accessKeyId: keyId },
    { ...ctx(), action: 'DeleteAccessKey', keyId },
  );
}

/** Deletes the old key, or deactivates it (a grace period). */
async function retire(rotation: Rotation, oldKeyId: string, deactivate: boolean): Promise<void> {
  const { deps, signer, ctx } = rotation;
  if (deactivate) {
    await deps.iam.updateAccessKey(
      signer.target,
      signer.credentials,
      { userName: undefined, accessKeyId: oldKeyId, status: 'Inactive' },
      { ...ctx(), action: 'UpdateAccessKey', keyId: oldKeyId },
    );
  } else await deleteKey(rotation, oldKeyId);
}

/** Retries GetCallerIdentity with the keychain's key, backing off, until it works or the bound passes. */
async function untilWorks(deps: RotateDeps, identityId: string): Promise<void> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const bound = deps.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  const start = deps.now();
  let wait = 250;
  for (;;) {
    try {
      await deps.core.whoAmI({ identityId });
      return;
    } catch (error) {
      const notYet = error instanceof AwsCallError && error.failure === 'unknown-key';
      if (!notYet || deps.now() - start + wait > bound) throw error;
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 4_000);
  }
}

async function deleteQuietly(
  iam: IamCaller,
  signer: Signer,
  keyId: string,
  ctx: { accountId: string; source: string },
): Promise<boolean> {
  try {
    await iam.deleteAccessKey(
      signer.target,
      signer.credentials,
      { userName: undefined, accessKeyId: keyId },
      { ...ctx, action: 'DeleteAccessKey', keyId },
    );
    return true;
  } catch {
    return false;
  }
}

function stepFailed(step: string, cause: unknown, state: string, identity: Identity): RolebarError {
  const why = cause instanceof RolebarError ? cause.message : 'an unexpected error';
  return new RolebarError(
    'rotate-failed',
    `Rotation of "${identity.name}" stopped at the ${step} step: ${why} ${state}`,
    {
      hint:
        step === 'delete' || step === 'deactivate'
          ? `Delete or deactivate the old key in the IAM console (Users → Security credentials) once you can.`
          : `Try again later with \`${rolebarCommand('identity', 'rotate', identity.name)}\`.`,
      cause,
    },
  );
}
