// Adding and removing identities, whatever their kind: the credential source builds and checks a new identity
// before the store saves it, and removes what it wrote of its own around the store's removal.
import { AwsCallError, RolebarError } from '../domain/errors.js';
import type { Identity } from '../domain/model.js';
import type { SettingsData } from '../store/settings.js';
import type { AssumeContext } from './context.js';
import { type NewIdentity, sourceFor, sourceOf } from './sources/registry.js';
import type { Checked } from './sources/source.js';

/** How an identity is added. */
export interface AddIdentityOptions {
  /**
   * Ask AWS who the new identity is before saving it, when its source can (IAM user keys: GetCallerIdentity).
   * Default true: a wrong secret is refused here, not at the first switch. Off for offline adds and imports.
   */
  verify?: boolean | undefined;
}

/** What to do about a new key that AWS refused, by failure; other failures keep their own hint. */
const NEW_KEY_HINTS: Record<string, string> = {
  'wrong-secret':
    'Paste the secret access key again, exactly as AWS showed it when the key was created (AWS shows it only once).',
  'unknown-key':
    'Check the access key ID: copy it again from the IAM console (Users → Security credentials).',
};

/** A new identity, and who AWS said it is when it was checked. */
export interface AddedIdentity {
  identity: Identity;
  checked: Checked | undefined;
}

/**
 * Adds an identity: its source checks every field, then (unless told not to) asks AWS about it, and only then
 * does the store save it, with its secret in the keychain. A failed check saves nothing and says so.
 */
export async function addIdentity(
  ctx: AssumeContext,
  input: NewIdentity,
  options: AddIdentityOptions = {},
): Promise<AddedIdentity> {
  const source = sourceFor(input);
  const draft = source.draft(input);
  // A taken name is refused before any call to AWS (and again when saving: another process may take it meanwhile).
  ctx.identities.assertNameFree(draft.record.name);
  let checked: Checked | undefined;
  if (options.verify !== false && source.check) {
    try {
      checked = await source.check(draft, ctx);
    } catch (error) {
      if (!(error instanceof RolebarError)) throw error;
      // Nothing was saved, so there is no key to rotate or set yet: the fix is in the form (or command) at hand.
      const hint = NEW_KEY_HINTS[error instanceof AwsCallError ? String(error.failure) : ''] ?? error.hint;
      throw new RolebarError(error.code, `${error.message} Nothing was saved.`, {
        ...(hint ? { hint } : {}),
        context: { ...error.context, saved: false },
        cause: error,
      });
    }
  }
  const record = checked?.userName ? { ...draft.record, userName: checked.userName } : draft.record;
  const identity = await ctx.identities.add(record, draft.secret);
  return { identity, checked };
}

/**
 * Adds many identities at once with the ids given, all or none, without asking AWS (an import): each checked by
 * its source, the secrets in one keychain batch, the records (and what `alongside` adds) in one settings write.
 */
export function addIdentities(
  ctx: AssumeContext,
  inputs: ReadonlyArray<{ id: string; input: NewIdentity }>,
  alongside?: (data: SettingsData) => void,
): Promise<Identity[]> {
  const entries = inputs.map(({ id, input }) => {
    const draft = sourceFor(input).draft(input);
    return { id, draft: draft.record, secret: draft.secret };
  });
  return ctx.identities.addAll(entries, alongside);
}

/**
 * Deletes an identity and its keychain entries, refused while a role uses it; its source removes what else it
 * wrote (Identity Center: the AWS CLI token cache file, when Rolebar wrote it).
 */
export async function removeIdentity(ctx: AssumeContext, identityId: string): Promise<void> {
  const identity = ctx.identities.get(identityId);
  const source = sourceOf(identity);
  const removeRecord = () => ctx.identities.remove(identity.id);
  await (source.remove ? source.remove(identity, ctx, removeRecord) : removeRecord());
}
