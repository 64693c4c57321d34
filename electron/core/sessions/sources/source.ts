// One credential source per identity kind, behind this interface (granted's Assumer, pkg/cfaws/assumers.go): how
// a kind makes its first credentials, how a new identity of it is checked, added and removed, and what it shows.
// The fold in assume.ts, the CLI, the service and the window ask a source (registry.ts finds it), never the kind.
import type { IdentityCapabilities, IdentityDetails } from '../../domain/identity-traits.js';
import type {
  Identity,
  IdentityCenterRole,
  IdentityDraft,
  IdentityKind,
  IdentityOf,
} from '../../domain/model.js';
import type { AwsCredentials, TemporaryCredentials } from '../../aws/sts/client.js';
import type { AssumeContext } from '../context.js';

/**
 * What an identity of one kind shows and allows: data and pure functions only, with nothing to load, so that the
 * small credential-process entry can ask them without bringing the sources (and the AWS SDK) into its bundle.
 */
export interface KindTraits<K extends IdentityKind> {
  readonly kind: K;
  readonly can: IdentityCapabilities;
  /** One line for lists (the CLI's KEY column): the key id, `profile NAME`, the credential source, `sso URL`. */
  summary(identity: IdentityOf<K>): string;
  details(identity: IdentityOf<K>): IdentityDetails;
  /** The access key id whose secret the identity keeps in the keychain; undefined when it keeps none. */
  accessKeyId(identity: IdentityOf<K>): string | undefined;
  /**
   * The kind's own rule on a whole record, beyond each field's: checked when one is added and on every change
   * (a rename, a setting turned on), inside the settings lock. Throws a RolebarError naming what to change.
   */
  checkRecord?(identity: IdentityOf<K>): void;
}

/** A new identity as its source builds it from what the user typed, every field checked. */
export interface Draft<K extends IdentityKind> {
  record: IdentityDraft<K>;
  /** SECRET: what it keeps in the keychain, if anything (IAM user keys: the secret access key). */
  secret?: string | undefined;
}

/** Who AWS says a new identity is, when its source could ask before saving it. */
export interface Checked {
  arn: string;
  account: string;
  /** The IAM user name, learnt here so that default session names need no later call. */
  userName: string | undefined;
}

/** The credential source of one identity kind. `New` is what the user types to add one. */
export interface CredentialSource<K extends IdentityKind, New extends { kind: K } = { kind: K }> {
  readonly traits: KindTraits<K>;
  /** Adding: the record (and the secret) of a new identity, every field checked; nothing is saved here. */
  draft(input: New): Draft<K>;
  /** Checking, before anything is saved: asks AWS who the new identity is. Absent: there is nothing to ask yet. */
  check?(draft: Draft<K>, ctx: AssumeContext): Promise<Checked>;
  /**
   * The first credentials: the identity's own, which sign its first AssumeRole (and answer whoAmI and the
   * identity session). A source with none of its own (Identity Center) says what to use instead.
   */
  ownCredentials(
    identity: IdentityOf<K>,
    ctx: AssumeContext,
    options?: { mfaCode?: string | undefined },
  ): Promise<AwsCredentials>;
  /**
   * For a source that signs in to an access portal: the credentials of a permission set (a role with `sso`),
   * which stand in for its own as the first hop. Absent: such a role cannot be assumed from this identity.
   */
  permissionSet?(
    identity: IdentityOf<K>,
    role: IdentityCenterRole,
    ctx: AssumeContext,
  ): Promise<TemporaryCredentials>;
  /**
   * Removing: `removeRecord` deletes the record and its keychain entries (refused while a role uses it); a source
   * that also wrote files of its own removes them around it. Absent: `removeRecord` alone.
   */
  remove?(identity: IdentityOf<K>, ctx: AssumeContext, removeRecord: () => Promise<void>): Promise<void>;
}

/** Whether `identity` is of the kind of `traits`: for code that serves one kind only (Identity Center sign-in). */
export function isOfKind<K extends IdentityKind>(
  identity: Identity | undefined,
  traits: KindTraits<K>,
): identity is IdentityOf<K> {
  return identity?.kind === traits.kind;
}
