import { type AwsLocationOptions } from '../../aws-files/index.js';
import { type KeyReplacement, replacePlaintextKeys } from '../../aws-files/replace-keys.js';
import { RolebarError } from '../../domain/errors.js';
import { OWNER_KEY, OWNER_VALUE } from '../../aws-files/sections.js';
import {
  type AwsProfile,
  keysOf,
  readAwsProfiles,
  type RoleProfile,
  roleProfile,
  rolebarProfileOf,
  settingsProblem,
} from './read.js';
import { ssoImportStep, ssoProfileOf } from './sso.js';
import type { Engine } from '../../sessions/engine.js';
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import {
  CREDENTIAL_SOURCES,
  type Identity,
  profileNameOf,
  type Role,
  type RoleSource,
} from '../../domain/model.js';
import {
  identityName as identityNameRule,
  label as labelRule,
  profileName as profileNameRule,
} from '../../domain/fields.js';

/** One thing an import would do, in words for the preview. */
export interface ImportItem {
  action: 'add-identity' | 'add-role' | 'skip';
  /** The `~/.aws` profile it comes from. */
  profile: string;
  detail: string;
}

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

/** Works out what importing would do without changing anything. */
export async function planImport(core: Engine, location: AwsLocationOptions): Promise<ImportPlan> {
  const { profiles, ssoSessions, paths } = await readAwsProfiles(location);
  return {
    credentialsFile: paths.credentials,
    configFile: paths.config,
    items: decide(core, profiles, ssoSessions).map((d) => d.item),
  };
}

/** Something one import run added, so that a failure later in the run can take it out again. */
interface Created {
  kind: 'identity' | 'role';
  id: string;
}

interface Decision {
  item: ImportItem;
  apply?: (ids: Map<string, RoleSource>, created: Created[]) => Promise<Identity | Role | undefined>;
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

function decide(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  ssoSessions: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Decision[] {
  const identityNames = new Set(core.identities.list().map((i) => i.name));
  const roleLabels = new Set(core.roles.list().map((r) => r.label));
  const decisions: Decision[] = [];
  /** Profiles skipped for a problem (not the ones left as they are on purpose): roles built on them go too. */
  const broken = new Map<string, string>();
  const skip = (profile: string, detail: string, isBroken = false) => {
    decisions.push({ item: { action: 'skip', profile, detail } });
    if (isBroken) broken.set(profile, detail);
  };
  const roleProfiles: AwsProfile[] = [];

  for (const p of profiles.values()) {
    if (p.values.get(OWNER_KEY) === OWNER_VALUE) {
      skip(p.name, 'written by Rolebar');
      continue;
    }
    const sso = ssoProfileOf(p, ssoSessions);
    if (sso && 'problem' in sso) {
      skip(p.name, sso.problem);
      continue;
    }
    if (sso) {
      const step = ssoImportStep(core, p.name, sso, roleLabels);
      if ('skip' in step) skip(p.name, step.skip);
      else
        decisions.push({
          item: { action: 'add-role', profile: p.name, detail: step.detail },
          apply: async (_sources, created) => step.apply(created),
        });
      continue;
    }
    const left = leftAsItIs(p);
    if (left) {
      skip(p.name, left);
      continue;
    }
    const problem = settingsProblem(p);
    if (problem) {
      skip(p.name, problem, true);
      continue;
    }
    const role = roleProfile(p);
    const keys = keysOf(p);
    // A profile whose role starts from its own keys (source_profile = itself) is ONE hop, as in botocore:
    // its keys become an identity and its role is assumed from that identity.
    const selfSourced = role?.sourceProfile === p.name;
    if (role) roleProfiles.push(p);
    if (keys && (!role || selfSourced)) {
      const badName = identityNameRule.problem(p.name);
      if (badName) {
        skip(
          p.name,
          `its name cannot be an identity's: ${badName.message} Rename the profile, then import again`,
          true,
        );
        continue;
      }
      if (identityNames.has(p.name)) {
        skip(p.name, 'an identity with this name already exists');
        continue;
      }
      const region = p.values.get('region');
      const mfaSerial = p.values.get('mfa_serial');
      decisions.push({
        item: {
          action: 'add-identity',
          profile: p.name,
          detail: `IAM user keys ${keys.keyId} → keychain${mfaSerial ? `, MFA ${mfaSerial}` : ''}${region ? `, region ${region}` : ''}`,
        },
        apply: async (_sources, created) => {
          // Keys the user's own AWS tools use: saved as they are, offline too (no GetCallerIdentity).
          const { identity: added } = await core.addIdentity(
            {
              kind: 'iam-user',
              name: p.name,
              accessKeyId: keys.keyId,
              secretAccessKey: keys.secret,
              mfaSerial,
              region,
            },
            { verify: false },
          );
          created.push({ kind: 'identity', id: added.id });
          return added;
        },
      });
    } else if (!role) {
      skip(
        p.name,
        'no keys and no role_arn: only settings (region, output…), nothing to import; it stays as it is',
      );
    }
  }

  // Each role's sessions go to a profile named after it (`quoted name` → `quoted-name-rolebar`); the first
  // profile in the files to claim a name keeps it, and an existing role's profile is never taken.
  const profileOwners = new Map<string, string>(
    core.roles.list().map((r) => [profileNameOf(r), `role "${r.label}"`]),
  );
  for (const p of roleProfiles) {
    const profile = rolebarProfileOf(p.name);
    if (!profileOwners.has(profile)) profileOwners.set(profile, p.name);
  }
  // Roles come second, once their sources are known; a role on a broken source is skipped in turn.
  const roleProblem = (p: AwsProfile, role: RoleProfile): string | undefined => {
    if (roleLabels.has(p.name)) return 'a role with this label already exists';
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
    const owner = profileOwners.get(profile);
    if (owner !== p.name)
      return `its Rolebar profile "${profile}" would be the same as ${owner ?? 'another'}'s`;
    if (role.credentialSource && !CREDENTIAL_SOURCES.some((c) => c === role.credentialSource))
      return `unknown credential_source ${role.credentialSource} (the AWS CLI knows ${CREDENTIAL_SOURCES.join(', ')})`;
    const source = role.sourceProfile;
    if (source === undefined || source === p.name) return undefined;
    if (!profiles.has(source) && !core.identities.find(source) && !core.roles.find(source))
      return `source_profile ${source} is not a profile in either file; add it or fix the name, then import again`;
    const why = broken.get(source);
    if (why !== undefined) return `its source profile ${source} is skipped (${why})`;
    return undefined;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const p of roleProfiles) {
      if (broken.has(p.name)) continue;
      const role = roleProfile(p);
      const problem = role && roleProblem(p, role);
      if (problem) {
        broken.set(p.name, problem);
        changed = true;
      }
    }
  }
  for (const p of roleProfiles) {
    const role = roleProfile(p);
    if (!role) continue;
    const problem = broken.get(p.name);
    if (problem !== undefined) {
      skip(p.name, problem);
      // A self-sourced profile's identity goes with its role: half of one hop is not what the user had.
      const own = decisions.findIndex((d) => d.item.profile === p.name && d.item.action === 'add-identity');
      if (own !== -1) decisions.splice(own, 1);
      continue;
    }
    const source = role.sourceProfile
      ? role.sourceProfile === p.name
        ? `its own keys (source_profile is itself: one hop)`
        : `profile ${role.sourceProfile}`
      : `credential_source ${role.credentialSource ?? ''}`;
    decisions.push({
      item: {
        action: 'add-role',
        profile: p.name,
        detail: `${role.roleArn} from ${source}${role.mfaSerial ? ', with MFA' : ''}; sessions written as profile "${rolebarProfileOf(p.name)}" (the role_arn profile "${p.name}" stays as it is)`,
      },
      apply: async (sources, created) => {
        const from = await resolveSource(core, role, sources, created);
        if (!from) return undefined;
        const added = core.roles.add({
          label: p.name,
          roleArn: role.roleArn,
          source: from,
          mfa: !!role.mfaSerial,
          sessionName: role.sessionName,
          externalId: role.externalId,
          durationSeconds: role.duration,
          region: role.region,
          profileName: rolebarProfileOf(p.name),
        });
        created.push({ kind: 'role', id: added.id });
        // The profile's mfa_serial is the device of the identity the chain starts from.
        const { identity } = core.roles.chain(added.id);
        if (role.mfaSerial && !identity.mfaSerial)
          core.identities.update(identity.id, { mfaSerial: role.mfaSerial });
        return added;
      },
    });
  }
  return decisions;

  async function resolveSource(
    c: Engine,
    role: RoleProfile,
    sources: Map<string, RoleSource>,
    created: Created[],
  ): Promise<RoleSource | undefined> {
    if (role.sourceProfile) {
      const known = sources.get(role.sourceProfile);
      if (known) return known;
      const identity = c.identities.find(role.sourceProfile);
      if (identity) return { kind: 'identity', id: identity.id };
      const existingRole = c.roles.find(role.sourceProfile);
      if (existingRole) return { kind: 'role', id: existingRole.id };
      // A source profile Rolebar does not import (SSO, a process): let the SDK resolve it.
      const { identity: added } = await c.addIdentity({
        kind: 'aws-profile',
        name: `${role.sourceProfile} (profile)`,
        profile: role.sourceProfile,
      });
      created.push({ kind: 'identity', id: added.id });
      sources.set(role.sourceProfile, { kind: 'identity', id: added.id });
      return { kind: 'identity', id: added.id };
    }
    const source = CREDENTIAL_SOURCES.find((s) => s === role.credentialSource);
    if (!source) return undefined; // refused in the preview already
    const name = `${source} credentials`;
    const existing = c.identities.find(name);
    if (existing) return { kind: 'identity', id: existing.id };
    const { identity } = await c.addIdentity({ kind: 'credential-source', name, source });
    created.push({ kind: 'identity', id: identity.id });
    return { kind: 'identity', id: identity.id };
  }
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
  const { profiles, ssoSessions } = await readAwsProfiles(location);
  const decisions = decide(core, profiles, ssoSessions);
  const result: ImportResult = {
    identities: [],
    roles: [],
    skipped: [],
    keysRemovedFrom: [],
    backups: [],
    keysKept: [],
  };
  const sources = new Map<string, RoleSource>();
  const pending = [...decisions];
  const created: Created[] = [];
  try {
    // Roles may depend on roles: apply in rounds until nothing more can be resolved.
    for (let round = 0; round <= decisions.length && pending.length > 0; round++) {
      for (const decision of [...pending]) {
        if (!decision.apply) {
          result.skipped.push(decision.item);
          pending.splice(pending.indexOf(decision), 1);
          continue;
        }
        const profile = profiles.get(decision.item.profile);
        const role = decision.item.action === 'add-role' && profile ? roleProfile(profile) : undefined;
        const waitsFor = role?.sourceProfile;
        if (waitsFor && pending.some((d) => d !== decision && d.item.profile === waitsFor)) continue;
        const made = await decision.apply(sources, created);
        pending.splice(pending.indexOf(decision), 1);
        if (!made) continue;
        if ('kind' in made) {
          result.identities.push(made);
          sources.set(decision.item.profile, { kind: 'identity', id: made.id });
        } else {
          result.roles.push(made);
          sources.set(decision.item.profile, { kind: 'role', id: made.id });
        }
      }
    }
  } catch (error) {
    // All or nothing for Rolebar's own state: what this run added goes again, newest first.
    await undo(core, created);
    throw error;
  }
  // Identities may have gained an MFA serial from the roles imported after them.
  result.identities = result.identities.map((i) => core.identities.get(i.id));
  if (serve) {
    // Every profile whose keys Rolebar now holds — imported just now or by an earlier import — loses its
    // plaintext copy, but only when the keychain has exactly the same key pair; a credential_process line
    // serving that identity takes its place in the same write, so profiles built on it keep working.
    // Keys live where botocore found them: the credentials file's copy wins, else the config file's.
    const replacements = { credentials: [] as KeyReplacement[], config: [] as KeyReplacement[] };
    for (const p of profiles.values()) {
      const keys = keysOf(p);
      if (!keys) continue;
      if (roleProfile(p)?.sourceProfile === p.name) {
        // botocore and the SDKs let a profile source itself only with keys in it (else "Infinite loop").
        result.keysKept.push({
          profile: p.name,
          detail:
            'its role_arn sources its own keys, which the AWS tools allow only with the keys in the profile; point source_profile at another profile, then run this again',
        });
        continue;
      }
      const identity = core.identities.find(p.name);
      if (!identity || accessKeyIdOf(identity) !== keys.keyId) continue;
      if ((await core.identities.secretOf(identity.id)) !== keys.secret) continue;
      const file = p.inCredentialsFile.has('aws_access_key_id') ? 'credentials' : 'config';
      replacements[file].push({
        profile: p.name,
        accessKeyId: keys.keyId,
        credentialProcess: serve(identity.name),
      });
    }
    for (const file of ['credentials', 'config'] as const) {
      if (replacements[file].length === 0) continue;
      const replaced = await replacePlaintextKeys(replacements[file], location, file);
      result.keysRemovedFrom.push(...replaced.replaced);
      if (replaced.backup) result.backups.push(replaced.backup);
      for (const r of replacements[file].filter((x) => !replaced.replaced.includes(x.profile)))
        result.keysKept.push({
          profile: r.profile,
          detail: `its keys were not found as read in the ${file} file (changed meanwhile?); import again`,
        });
    }
  }
  return result;
}
