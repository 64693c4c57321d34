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
 * role_arn profiles saved together in one settings write at the end. A step whose source_profile chain leads
 * back to itself is skipped, named. On a failure, what this run added goes again and the error is thrown.
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
  const { ordered, looped } = dependencyOrder(profiles, steps);
  applied.skipped.push(
    ...steps.flatMap((step) => (step.apply ? [] : [step.item])),
    ...looped.map((step) => ({
      ...step.item,
      action: 'skip' as const,
      detail: 'its source_profile chain leads back to itself; break the loop, then import again',
    })),
  );
  try {
    for (const step of ordered) {
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
 * its role is self-sourced); `looped`: those whose chain of source profiles leads back to itself.
 */
function dependencyOrder(
  profiles: Map<string, AwsProfile>,
  steps: ImportStep[],
): { ordered: ImportStep[]; looped: ImportStep[] } {
  const byProfile = new Map<string, ImportStep[]>();
  for (const step of steps) {
    if (!step.apply) continue;
    byProfile.set(step.item.profile, [...(byProfile.get(step.item.profile) ?? []), step]);
  }
  const state = new Map<ImportStep, 'visiting' | 'ok' | 'looped'>();
  const ordered: ImportStep[] = [];
  const looped: ImportStep[] = [];
  const visit = (step: ImportStep): boolean => {
    const seen = state.get(step);
    if (seen !== undefined) return seen === 'ok';
    state.set(step, 'visiting');
    const profile = profiles.get(step.item.profile);
    const waitsFor =
      step.item.action === 'add-role' && profile ? roleProfile(profile)?.sourceProfile : undefined;
    let ok = true;
    for (const before of byProfile.get(waitsFor ?? '') ?? [])
      if (before !== step && !visit(before)) ok = false;
    state.set(step, ok ? 'ok' : 'looped');
    (ok ? ordered : looped).push(step);
    return ok;
  };
  for (const step of steps) if (step.apply) visit(step);
  return { ordered, looped };
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
