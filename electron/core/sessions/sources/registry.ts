// The credential sources, one per identity kind, in the order lists show the kinds. Adding a kind: its file in this
// folder, and a line in each of the two tables below (the traits alone, too, so the small credential-process
// entry can ask them without bundling the sources). Everything else asks through the functions here.
import type { IdentityCapabilities, IdentityDetails } from '../../domain/identity-traits.js';
import type { Identity, IdentityKind } from '../../domain/model.js';
import { awsProfileSource, awsProfileTraits } from './aws-profile.js';
import { configCredentialSource, configCredentialTraits } from './credential-source.js';
import { iamUserSource, iamUserTraits } from './iam-user.js';
import { identityCenterSource, identityCenterTraits } from './identity-center.js';
import type { CredentialSource, KindTraits } from './source.js';

const SOURCES = {
  'iam-user': iamUserSource,
  'aws-profile': awsProfileSource,
  'credential-source': configCredentialSource,
  'identity-center': identityCenterSource,
} satisfies { [K in IdentityKind]: CredentialSource<K> };

const TRAITS: { [K in IdentityKind]: KindTraits<K> } = {
  'iam-user': iamUserTraits,
  'aws-profile': awsProfileTraits,
  'credential-source': configCredentialTraits,
  'identity-center': identityCenterTraits,
};

/** What the user types to add an identity of any kind (`kind` picks the source). */
export type NewIdentity = {
  [K in IdentityKind]: Parameters<(typeof SOURCES)[K]['draft']>[0];
}[IdentityKind];

/** The credential source of an identity. */
export function sourceOf<I extends Identity>(identity: I): CredentialSource<I['kind']> {
  // Looked up by the identity's own kind, so the source takes this identity (TypeScript cannot follow that).
  return SOURCES[identity.kind] as unknown as CredentialSource<I['kind']>;
}

/** The credential source that adds identities from `input` (its `kind`). */
export function sourceFor(input: NewIdentity): CredentialSource<IdentityKind, NewIdentity> {
  return SOURCES[input.kind] as unknown as CredentialSource<IdentityKind, NewIdentity>;
}

/** What an identity shows and allows, from its kind's traits. */
export interface IdentityDescription {
  can: IdentityCapabilities;
  /** One line for lists: the key id, `profile NAME`, the credential source, `sso URL`. */
  summary: string;
  details: IdentityDetails;
  /** The access key id whose secret it keeps in the keychain; undefined when it keeps none. */
  accessKeyId: string | undefined;
}

/** Describes an identity through its kind's traits (light: no source is loaded for this). */
export function describeIdentity(identity: Identity): IdentityDescription {
  const traits = TRAITS[identity.kind] as KindTraits<IdentityKind>;
  return {
    can: traits.can,
    summary: traits.summary(identity),
    details: traits.details(identity),
    accessKeyId: traits.accessKeyId(identity),
  };
}

/** The access key id whose secret the identity keeps in the keychain; undefined when it keeps none. */
export function accessKeyIdOf(identity: Identity): string | undefined {
  return (TRAITS[identity.kind] as KindTraits<IdentityKind>).accessKeyId(identity);
}

/** Throws when the identity's kind refuses the record as a whole (see KindTraits.checkRecord). */
export function checkIdentityRecord(identity: Identity): void {
  (TRAITS[identity.kind] as KindTraits<IdentityKind>).checkRecord?.(identity);
}

/** Every identity kind, in the registry's order. */
export function identityKinds(): IdentityKind[] {
  return Object.keys(TRAITS) as IdentityKind[];
}
