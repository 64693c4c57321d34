// The stores over one settings file and keychain: identities (their kinds' rules from the source registry),
// roles (with read-only ones beside them, such as the team catalogs') and session records. The engine works on
// them; the CLI's listing view (core/view.ts) opens them alone, without the engine's STS and session code.
import type { SecretStore } from '../platform/keychain/keychain.js';
import { identityStore, type IdentityStore } from '../store/identities.js';
import { type ReadOnlyRoles, type RoleStore, roleStore } from '../store/roles.js';
import { sessionRegistry, type SessionRegistry } from '../store/sessions.js';
import type { Settings } from '../store/settings.js';
import { accessKeyIdOf, checkIdentityRecord } from './sources/registry.js';

/** Identities, roles and session records over `settings`. */
export interface Stores {
  identities: IdentityStore;
  roles: RoleStore;
  sessions: SessionRegistry;
}

/** Opens the stores; `readOnlyRoles` are listed beside the user's own roles. */
export function openStores(settings: Settings, secrets: SecretStore, readOnlyRoles: ReadOnlyRoles): Stores {
  const identities = identityStore(settings, secrets, { accessKeyIdOf, checkRecord: checkIdentityRecord });
  return {
    identities,
    roles: roleStore(settings, identities, readOnlyRoles),
    sessions: sessionRegistry(settings),
  };
}
