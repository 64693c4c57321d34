// What team catalogs hand to a front end as plain data: what a sync changed, and which catalog roles a profile
// name collision left out (the IPC contract derives its types from here). Types only, browser-safe.

/** What changed between two copies of a catalog. */
export interface CatalogDiff {
  added: string[];
  removed: string[];
  changed: Array<{ id: string; what: 'ARN' | 'external ID'; from: string; to: string; held: boolean }>;
}

/** What the last sync that changed something changed, when, and how many entries the cut lists left out. */
export type CatalogChanges = CatalogDiff & { at: string; more: number };

/** A catalog role left out because one of the user's roles (or an earlier catalog's) has its profile name. */
export interface Collision {
  catalog: string;
  role: string;
  profile: string;
  keptRole: string;
}
