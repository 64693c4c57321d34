// Carrying out an import's plan: each step in dependency order (a role after the profile it starts from) adds to
// one batch, then the batch is saved all or nothing: the secrets in one keychain batch under the keychain
// journal's intents, every identity and role in ONE settings write (the commit). A failure or a kill before the
// commit leaves nothing (the next process takes the secrets back); after it, everything.
import type { Engine } from '../../sessions/engine.js';
import type { Identity, Role, RoleSource } from '../../domain/model.js';
import type { SettingsData } from '../../store/settings.js';
import { type AwsProfile, roleProfile } from './read.js';
import type { ImportBatch, ImportStep } from './steps.js';
import type { ImportItem } from './views.js';

/** What applying the steps added, and what it skipped. */
export interface Applied {
  identities: Identity[];
  roles: Role[];
  skipped: ImportItem[];
}

/**
 * Applies the steps in dependency order (a role after the step of the profile it starts from), then saves what
 * they added in one commit, with what `alongside` adds to the same settings write (the files' edits to come).
 */
export async function applyInDependencyOrder(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  steps: ImportStep[],
  alongside?: (data: SettingsData) => void,
): Promise<Applied> {
  const sources = new Map<string, RoleSource>();
  const batch: ImportBatch = { identities: [], roles: [], shared: new Map() };
  const fromKeys = new Set<string>();
  for (const step of dependencyOrder(profiles, steps)) {
    const made = step.apply?.(sources, batch);
    if (!made) continue;
    sources.set(step.item.profile, made);
    if (step.item.action === 'add-identity') fromKeys.add(made.id);
  }
  let roles: Role[] = [];
  // Every role checked as `role add` checks it, in the write that adds its identities (all or none are saved).
  const identities = await core.addIdentities(batch.identities, (data) => {
    roles = core.roles.addAllIn(data, batch.roles);
    alongside?.(data);
  });
  return {
    identities: identities.filter((identity) => fromKeys.has(identity.id)),
    roles,
    skipped: steps.flatMap((step) => (step.apply ? [] : [step.item])),
  };
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
