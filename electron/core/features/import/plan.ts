// The plan of an import, decided before anything changes: for each ~/.aws profile, whether its keys become an
// identity, its role_arn (or SSO settings) a role, or why it stays as it is. The preview shows it; applyImport
// carries it out.
import type { Engine } from '../../sessions/engine.js';
import { OWNER_KEY, OWNER_VALUE } from '../../aws-files/sections.js';
import { CREDENTIAL_SOURCES, profileNameOf } from '../../domain/model.js';
import {
  identityName as identityNameRule,
  label as labelRule,
  profileName as profileNameRule,
} from '../../domain/fields.js';
import {
  type AwsProfile,
  keysOf,
  type RoleProfile,
  roleProfile,
  rolebarProfileOf,
  settingsProblem,
} from './read.js';
import { ssoImportStep, ssoProfileOf } from './sso.js';
import { type ImportStep, identityStep, roleStep } from './steps.js';

/** What planning has found so far. */
interface Planning {
  core: Engine;
  profiles: Map<string, AwsProfile>;
  roleLabels: Set<string>;
  /** The steps in the order the preview lists them. */
  steps: ImportStep[];
  /** Profiles skipped for a problem (not the ones left as they are on purpose): roles built on them go too. */
  broken: Map<string, string>;
}

function skip(plan: Planning, profile: string, detail: string, isBroken = false): void {
  plan.steps.push({ item: { action: 'skip', profile, detail } });
  if (isBroken) plan.broken.set(profile, detail);
}

/**
 * The steps of an import: each profile's own (skipped, an SSO role, or its keys as an identity), then the
 * role_arn profiles' roles, planned once every source is known so that a role on a skipped source is skipped too.
 */
export function planProfiles(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  ssoSessions: ReadonlyMap<string, ReadonlyMap<string, string>>,
): ImportStep[] {
  const plan: Planning = {
    core,
    profiles,
    roleLabels: new Set(core.roles.list().map((r) => r.label)),
    steps: [],
    broken: new Map(),
  };
  const identityNames = new Set(core.identities.list().map((i) => i.name));
  const roleProfiles: AwsProfile[] = [];
  for (const p of profiles.values())
    if (planProfile(plan, p, ssoSessions, identityNames)) roleProfiles.push(p);
  skipRolesOnBrokenSources(plan, roleProfiles);
  for (const p of roleProfiles) planRole(plan, p);
  return plan.steps;
}

/** Why a profile Rolebar does not take stays as it is, or undefined for a profile Rolebar may import. */
function leftAsItIs(p: AwsProfile): string | undefined {
  const v = p.values;
  if (v.get('web_identity_token_file'))
    return 'a web identity profile (role_arn + web_identity_token_file): the AWS tools read its token file themselves; it stays as it is';
  if (v.get('credential_process') && !v.get('role_arn'))
    return 'a credential_process profile: the AWS tools run its command themselves; it stays as it is';
  if (v.get('aws_access_key_id') && v.get('aws_session_token'))
    return 'temporary credentials (they expire; import the keys they came from instead); it stays as it is';
  return undefined;
}

/**
 * Plans one profile's own step. True when it has a role_arn too, whose step waits until every profile's own step
 * is known.
 */
function planProfile(
  plan: Planning,
  p: AwsProfile,
  ssoSessions: ReadonlyMap<string, ReadonlyMap<string, string>>,
  identityNames: ReadonlySet<string>,
): boolean {
  if (p.values.get(OWNER_KEY) === OWNER_VALUE) {
    skip(plan, p.name, 'written by Rolebar');
    return false;
  }
  const sso = ssoProfileOf(p, ssoSessions);
  if (sso && 'problem' in sso) {
    skip(plan, p.name, sso.problem);
    return false;
  }
  if (sso) {
    const step = ssoImportStep(plan.core, p.name, sso, plan.roleLabels);
    if ('skip' in step) skip(plan, p.name, step.skip);
    else
      plan.steps.push({
        item: { action: 'add-role', profile: p.name, detail: step.detail },
        apply: (_sources, batch) => step.apply(batch),
      });
    return false;
  }
  const left = leftAsItIs(p);
  if (left) {
    skip(plan, p.name, left);
    return false;
  }
  const problem = settingsProblem(p);
  if (problem) {
    skip(plan, p.name, problem, true);
    return false;
  }
  const role = roleProfile(p);
  const keys = keysOf(p);
  // A profile whose role starts from its own keys (source_profile = itself) is ONE hop, as in botocore:
  // its keys become an identity and its role is assumed from that identity.
  const selfSourced = role?.sourceProfile === p.name;
  if (keys && (!role || selfSourced)) planIdentity(plan, p, keys, identityNames);
  else if (!role)
    skip(
      plan,
      p.name,
      'no keys and no role_arn: only settings (region, output…), nothing to import; it stays as it is',
    );
  return role !== undefined;
}

/** Plans a profile's keys as an IAM user identity, unless its name cannot be one or is taken. */
function planIdentity(
  plan: Planning,
  p: AwsProfile,
  keys: { keyId: string; secret: string },
  identityNames: ReadonlySet<string>,
): void {
  const badName = identityNameRule.problem(p.name);
  if (badName)
    skip(
      plan,
      p.name,
      `its name cannot be an identity's: ${badName.message} Rename the profile, then import again`,
      true,
    );
  else if (identityNames.has(p.name)) skip(plan, p.name, 'an identity with this name already exists');
  else plan.steps.push(identityStep(plan.core, p, keys));
}

/**
 * Who claims each Rolebar profile (`quoted name` → `quoted-name-rolebar`): an existing role's is never taken, and
 * the first role_arn profile in the files to claim a name keeps it.
 */
function profileOwners(core: Engine, roleProfiles: AwsProfile[]): Map<string, string> {
  const owners = new Map<string, string>(
    core.roles.list().map((r) => [profileNameOf(r), `role "${r.label}"`]),
  );
  for (const p of roleProfiles) {
    const profile = rolebarProfileOf(p.name);
    if (!owners.has(profile)) owners.set(profile, p.name);
  }
  return owners;
}

/** Why a role_arn profile cannot become a role (itself, or the source it starts from), or undefined. */
function roleProblem(
  plan: Planning,
  owners: Map<string, string>,
  p: AwsProfile,
  role: RoleProfile,
): string | undefined {
  if (plan.roleLabels.has(p.name)) return 'a role with this label already exists';
  const badLabel = labelRule.problem(p.name);
  if (badLabel)
    return `its name cannot be a role's label: ${badLabel.message} Rename the profile, then import again`;
  if (role.sourceProfile && role.credentialSource)
    return 'has both source_profile and credential_source, which the AWS CLI refuses; keep one of them';
  if (!role.sourceProfile && !role.credentialSource)
    return 'role_arn without source_profile or credential_source: nothing to assume it from';
  const profile = rolebarProfileOf(p.name);
  if (profileNameRule.problem(profile))
    return `its name gives no usable Rolebar profile name ("${profile}": letters, digits and - _ . @ + / : , only)`;
  const owner = owners.get(profile);
  if (owner !== p.name)
    return `its Rolebar profile "${profile}" would be the same as ${owner ?? 'another'}'s`;
  if (role.credentialSource && !CREDENTIAL_SOURCES.some((c) => c === role.credentialSource))
    return `unknown credential_source ${role.credentialSource} (the AWS CLI knows ${CREDENTIAL_SOURCES.join(', ')})`;
  const source = role.sourceProfile;
  if (source === undefined || source === p.name) return undefined;
  const loop = sourceLoop(plan.profiles, p.name);
  if (loop)
    return `source_profile loop (${loop.join(' → ')}): the AWS CLI stops at it too ("Infinite loop in credential configuration"); point one of them at keys, then import again`;
  if (!plan.profiles.has(source) && !plan.core.identities.find(source) && !plan.core.roles.find(source))
    return `source_profile ${source} is not a profile in either file; add it or fix the name, then import again`;
  const why = plan.broken.get(source);
  if (why !== undefined) return `its source profile ${source} is skipped (${why})`;
  return undefined;
}

// Each profile map's loops, found once for all its profiles (a 1,000-profile chain walked from every profile
// was quadratic and more).
const loopsByProfiles = new WeakMap<Map<string, AwsProfile>, Map<string, string[]>>();

/** The source_profile chain from `start` when it comes back to `start` (a profile sourcing itself ends it). */
function sourceLoop(profiles: Map<string, AwsProfile>, start: string): string[] | undefined {
  let loops = loopsByProfiles.get(profiles);
  if (!loops) {
    loops = sourceLoops(profiles);
    loopsByProfiles.set(profiles, loops);
  }
  return loops.get(start);
}

/**
 * Every profile on a source_profile loop, with the loop from it back to it. Linear: each profile is walked once;
 * a walk that meets a profile of its own path has found a loop, one that meets an earlier walk's has not.
 */
function sourceLoops(profiles: Map<string, AwsProfile>): Map<string, string[]> {
  const loops = new Map<string, string[]>();
  const walked = new Set<string>();
  for (const start of profiles.keys()) {
    const path = new Map<string, number>();
    let at: string | undefined = start;
    while (at !== undefined && !walked.has(at) && !path.has(at)) {
      path.set(at, path.size);
      const profile = profiles.get(at);
      const next: string | undefined = profile && roleProfile(profile)?.sourceProfile;
      at = next === at ? undefined : next;
    }
    if (at !== undefined && path.has(at)) {
      const names = [...path.keys()];
      const loop = names.slice(path.get(at));
      loop.forEach((name, i) => loops.set(name, [...loop.slice(i), ...loop.slice(0, i), name]));
    }
    for (const name of path.keys()) walked.add(name);
  }
  return loops;
}

/**
 * Marks each role with a problem as broken, again until nothing changes: a role on a broken role is broken in
 * turn, wherever the two stand in the files.
 */
function skipRolesOnBrokenSources(plan: Planning, roleProfiles: AwsProfile[]): void {
  const owners = profileOwners(plan.core, roleProfiles);
  for (let changed = true; changed;) {
    changed = false;
    for (const p of roleProfiles) {
      if (plan.broken.has(p.name)) continue;
      const role = roleProfile(p);
      const problem = role && roleProblem(plan, owners, p, role);
      if (problem) {
        plan.broken.set(p.name, problem);
        changed = true;
      }
    }
  }
}

/** Plans a role_arn profile's role, or its skip (with a self-sourced profile's identity). */
function planRole(plan: Planning, p: AwsProfile): void {
  const role = roleProfile(p);
  if (!role) return;
  const problem = plan.broken.get(p.name);
  if (problem === undefined) {
    plan.steps.push(roleStep(plan.core, p, role));
    return;
  }
  skip(plan, p.name, problem);
  // A self-sourced profile's identity goes with its role: half of one hop is not what the user had.
  const own = plan.steps.findIndex((s) => s.item.profile === p.name && s.item.action === 'add-identity');
  if (own !== -1) plan.steps.splice(own, 1);
}
