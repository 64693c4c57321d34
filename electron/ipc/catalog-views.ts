/** What the window sees of a team catalog. Part of the IPC contract (re-exported by contract.ts): never a secret. */
import type { CatalogChanges, Collision } from '../core/features/catalog/views.js';

/** A subscribed team catalog as the window sees it: its source with any token redacted, never a secret. */
export interface CatalogView {
  name: string;
  source: string;
  /** Roles in the last good copy. */
  roles: number;
  /** When the last sync succeeded (ISO 8601); absent before the first. */
  lastSyncAt?: string;
  /** Why the last sync failed (the last good copy stays in use); absent when it worked. */
  lastError?: string;
  /** What the last sync that changed something changed (lists cut short, the rest counted in `more`). */
  lastChanges?: CatalogChanges;
  /** Catalog roles left out because one of the user's roles has their profile name (the user's wins). */
  collisions: Array<Omit<Collision, 'catalog'>>;
  /** Roles with no identity to assume them from (their account is not mapped). */
  unmapped: number;
  /** The identity every account of the catalog maps to, when one does ('rolebar catalog map NAME --identity'). */
  identityId?: string;
}
