// Carrying out an import's plan: each step in dependency order (a role after the profile it starts from), all
// or nothing for Rolebar's own state (a failure takes out what the run added, newest first).
import type { Engine } from '../../sessions/engine.js';
import type { Identity, Role, RoleSource } from '../../domain/model.js';
import { type AwsProfile, roleProfile } from './read.js';
import type { Created, ImportStep } from './steps.js';
import type { ImportItem } from './views.js';

/** What applying the steps added, and what it skipped. */
export interface Applied {
  identities: Identity[];
  roles: Role[];
  skipped: ImportItem[];
}

/**
 * Applies the steps in dependency order: a role waits while the step of the profile it starts from is pending,
 * in rounds until nothing is left. On a failure, what this run added goes again and the error is thrown.
 */
export async function applyInDependencyOrder(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  steps: ImportStep[],
): Promise<Applied> {
  const applied: Applied = { identities: [], roles: [], skipped: [] };
  const sources = new Map<string, RoleSource>();
  const pending = [...steps];
  const created: Created[] = [];
  try {
    for (let round = 0; round <= steps.length && pending.length > 0; round++) {
      for (const step of [...pending]) {
        if (!step.apply) {
          applied.skipped.push(step.item);
          pending.splice(pending.indexOf(step), 1);
          continue;
        }
        const profile = profiles.get(step.item.profile);
        const role = step.item.action === 'add-role' && profile ? roleProfile(profile) : undefined;
        const waitsFor = role?.sourceProfile;
        if (waitsFor && pending.some((s) => s !== step && s.item.profile === waitsFor)) continue;
        const made = await step.apply(sources, created);
        pending.splice(pending.indexOf(step), 1);
        if (!made) continue;
        if ('kind' in made) {
          applied.identities.push(made);
          sources.set(step.item.profile, { kind: 'identity', id: made.id });
        } else {
          applied.roles.push(made);
          sources.set(step.item.profile, { kind: 'role', id: made.id });
        }
      }
    }
  } catch (error) {
    await undo(core, created);
    throw error;
  }
  return applied;
}

/** Removes what this run added, newest first (roles before the identities they start from). */
async function undo(core: Engine, created: Created[]): Promise<void> {
  for (const c of [...created].reverse()) {
    try {
      if (c.kind === 'role') core.roles.remove(c.id);
      else await core.removeIdentity(c.id);
    } catch {
      // Best effort: the first error is the one the user needs to see.
    }
  }
}
