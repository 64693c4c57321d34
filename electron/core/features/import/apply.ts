// Carrying out an import's plan: each step in dependency order (a role after the profile it starts from), all
// or nothing for Rolebar's own state (a failure takes out what the run added, newest first).
import type { Engine } from '../../sessions/engine.js';
import type { Identity, Role, RoleSource } from '../../domain/model.js';
import { type AwsProfile, roleProfile } from './read.js';
import type { Created, ImportStep, RoleBatch } from './steps.js';
import type { ImportItem } from './views.js';

/** What applying the steps added, and what it skipped. */
export interface Applied {
  identities: Identity[];
  roles: Role[];
  skipped: ImportItem[];
}

/**
 * Applies the steps in dependency order (a role after the step of the profile it starts from), the roles of
 * role_arn profiles saved together in one settings write at the end. On a failure, what this run added goes
 * again and the error is thrown.
 */
export async function applyInDependencyOrder(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  steps: ImportStep[],
): Promise<Applied> {
  const applied: Applied = { identities: [], roles: [], skipped: [] };
  const sources = new Map<string, RoleSource>();
  const created: Created[] = [];
  const batch: RoleBatch = [];
  applied.skipped.push(...steps.flatMap((step) => (step.apply ? [] : [step.item])));
  try {
    for (const step of dependencyOrder(profiles, steps)) {
      const made = await step.apply?.(sources, created, batch);
      if (!made) continue;
      if ('kind' in made) {
        applied.identities.push(made);
        sources.set(step.item.profile, { kind: 'identity', id: made.id });
      } else {
        applied.roles.push(made);
        sources.set(step.item.profile, { kind: 'role', id: made.id });
      }
    }
    // One settings write for every role, each checked as `role add` checks it (all or none are saved).
    const saved = new Map(core.roles.addAll(batch).map((role) => [role.id, role]));
    applied.roles = applied.roles.map((role) => saved.get(role.id) ?? role);
  } catch (error) {
    await undo(core, created);
    throw error;
  }
  return applied;
}

/**
 * The steps that apply, each after the steps of the profile it starts from (a profile's own identity first when
 * its role is self-sourced). The plan skips source_profile loops (plan.ts); a step met again on its own chain
 * is not waited for, so nothing here can recurse forever.
 */
function dependencyOrder(profiles: Map<string, AwsProfile>, steps: ImportStep[]): ImportStep[] {
  const byProfile = new Map<string, ImportStep[]>();
  for (const step of steps) {
    if (!step.apply) continue;
    byProfile.set(step.item.profile, [...(byProfile.get(step.item.profile) ?? []), step]);
  }
  const seen = new Set<ImportStep>();
  const ordered: ImportStep[] = [];
  const visit = (step: ImportStep): void => {
    if (seen.has(step)) return;
    seen.add(step);
    const profile = profiles.get(step.item.profile);
    const waitsFor =
      step.item.action === 'add-role' && profile ? roleProfile(profile)?.sourceProfile : undefined;
    for (const before of byProfile.get(waitsFor ?? '') ?? []) visit(before);
    ordered.push(step);
  };
  for (const step of steps) if (step.apply) visit(step);
  return ordered;
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
