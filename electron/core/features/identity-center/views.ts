// What Identity Center's features hand to a front end as plain data (the IPC contract derives its types from
// here). Types only, and browser-safe: nothing here imports Node.

import type { CliCacheRemoval } from '../../domain/model.js';

export type { CliCacheRemoval } from '../../domain/model.js';

/** What turning the AWS CLI token cache on or off did. */
export interface CliCacheChange {
  on: boolean;
  /** The cache file, ~/.aws/sso/cache/SHA1(NAME).json (its name is not a secret; its content is). */
  file: string;
  /**
   * On: `written` (signed in: written at once) or `at-sign-in` (written at the next sign-in). Off: `removed`,
   * `absent`, or `not-rolebar` (a file the AWS CLI wrote for its own sign-in, left as it is).
   */
  cache: 'written' | 'at-sign-in' | CliCacheRemoval;
}
