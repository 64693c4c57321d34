// `rolebar import` and the window's Import: ~/.aws profiles into Rolebar, previewed first (plan.ts decides each
// profile's step, steps.ts what a step does, apply.ts the order and undo, keys.ts the plaintext keys' move).
import { type AwsLocationOptions } from '../../aws-files/index.js';
import { RolebarError } from '../../domain/errors.js';
import type { Engine } from '../../sessions/engine.js';
import type { Identity, Role } from '../../domain/model.js';
import { applyInDependencyOrder } from './apply.js';
import { carryOutKeyMoves, finishKeyMoves, journalKeyMoves, planKeyMoves } from './keys.js';
import { planProfiles } from './plan.js';
import { readAwsProfiles } from './read.js';
import type { ImportItem } from './views.js';

export type { ImportItem } from './views.js';

/** What importing `~/.aws` would change: shown before anything is changed. */
export interface ImportPlan {
  credentialsFile: string;
  configFile: string;
  items: ImportItem[];
}

/** What an import did. */
export interface ImportResult {
  identities: Identity[];
  roles: Role[];
  skipped: ImportItem[];
  /** Profiles whose plaintext keys were removed from the credentials file (only when asked). */
  keysRemovedFrom: string[];
  /** The copies of the credentials file kept before keys were removed. */
  backups: string[];
  /** Profiles whose plaintext keys were asked to go but stay, each with why. */
  keysKept: Array<{ profile: string; detail: string }>;
}

export interface ImportOptions {
  /** After the keys are safely in the keychain, remove them from the credentials file (a backup is kept first). */
  removePlaintextKeys?: boolean;
  /**
   * The credential_process line serving an identity from the keychain (`rolebar credential-process --identity`):
   * needed with `removePlaintextKeys`, since every removed key pair is replaced by it in the same write.
   */
  identityProcess?: (identityName: string) => string;
}

/** Works out what importing would do, changing nothing but what an import cut short left (settled first). */
export async function planImport(core: Engine, location: AwsLocationOptions): Promise<ImportPlan> {
  await settleInterruptedImport(core);
  const { profiles, ssoSessions, paths } = await readAwsProfiles(location);
  return {
    credentialsFile: paths.credentials,
    configFile: paths.config,
    items: planProfiles(core, profiles, ssoSessions).map((s) => s.item),
  };
}

/**
 * Imports `~/.aws`: static keys become keychain identities, role_arn profiles become roles (in dependency
 * order, so a role whose source is another role profile is chained to it). The files are not changed unless
 * `removePlaintextKeys` is asked for, and then only the imported keys' lines go, replaced by a credential_process
 * line serving the same identity, in one write after one backup.
 */
export async function applyImport(
  core: Engine,
  location: AwsLocationOptions,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const serve = options.removePlaintextKeys ? options.identityProcess : undefined;
  if (options.removePlaintextKeys && !serve) {
    // Refused before anything changes: keys taken out with nothing in their place break the user's profiles.
    throw new RolebarError(
      'import-keys-need-cli',
      'Removing plaintext keys needs the Rolebar command line, which puts a credential_process line in their place.',
      { hint: 'Run `rolebar import --remove-plaintext-keys` in a terminal.' },
    );
  }
  await settleInterruptedImport(core);
  const { profiles, ssoSessions } = await readAwsProfiles(location);
  const steps = planProfiles(core, profiles, ssoSessions);
  const importing = new Set(
    steps.flatMap((step) => (step.apply && step.item.action === 'add-identity' ? [step.item.profile] : [])),
  );
  // The files' edits are decided first and journaled in the commit, so a kill after it is finished next time.
  const moves = serve ? await planKeyMoves(core, profiles, importing, serve) : undefined;
  let journalId: string | undefined;
  const applied = await applyInDependencyOrder(core, profiles, steps, (data) => {
    if (moves) journalId = journalKeyMoves(data, moves, location);
  });
  const moved = moves
    ? await carryOutKeyMoves(core, moves, location, journalId)
    : { keysRemovedFrom: [], backups: [], keysKept: [] };
  return {
    identities: applied.identities,
    roles: applied.roles,
    skipped: applied.skipped,
    keysRemovedFrom: moved.keysRemovedFrom,
    backups: moved.backups,
    keysKept: moved.keysKept,
  };
}

/**
 * An import killed part-way is finished or undone (before the next one reads anything, and by any CLI command):
 * before its commit its secrets go again (the keychain journal), after it the files' edits it journaled are
 * made. Returns how many imports' file edits it finished.
 */
export async function settleInterruptedImport(core: Engine): Promise<number> {
  await core.identities.settle();
  return finishKeyMoves(core);
}
