import { type AwsLocationOptions, removePlaintextKeys, resolveAwsFilePaths } from './aws-files/index.js';
import { readSharedFile } from './aws-files/file-update.js';
import { type IniDocument, sectionValues } from './aws-files/ini.js';
import {
  type AwsFileKind,
  OWNER_KEY,
  OWNER_VALUE,
  profileNameOf as profileOfHeader,
} from './aws-files/sections.js';
import type { RolebarCore } from './core.js';
import {
  CREDENTIAL_SOURCES,
  type CredentialSourceName,
  type Identity,
  type Role,
  type RoleSource,
} from './model.js';
import { profileName as profileNameRule } from './rules/fields.js';

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
}

export interface ImportOptions {
  /** After the keys are safely in the keychain, remove them from the credentials file (a backup is kept first). */
  removePlaintextKeys?: boolean;
}

interface AwsProfile {
  name: string;
  credentials: Map<string, string>;
  config: Map<string, string>;
}

/** Reads both files as the AWS CLI does (honouring AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE). */
async function readProfiles(
  location: AwsLocationOptions,
): Promise<{ profiles: Map<string, AwsProfile>; paths: { credentials: string; config: string } }> {
  const paths = resolveAwsFilePaths(location);
  const profiles = new Map<string, AwsProfile>();
  const collect = (doc: IniDocument, kind: AwsFileKind) => {
    for (const section of doc.sections) {
      const raw = profileOfHeader(kind, section.name);
      if (raw === undefined) continue;
      const name = utf8(raw);
      const entry = profiles.get(name) ?? { name, credentials: new Map(), config: new Map() };
      for (const [key, value] of sectionValues(doc, section)) entry[kind].set(key, utf8(value));
      profiles.set(name, entry);
    }
  };
  collect((await readSharedFile(paths.credentials)).doc, 'credentials');
  collect((await readSharedFile(paths.config)).doc, 'config');
  return { profiles, paths };
}

/** The files are read as byte strings (latin1); values are UTF-8. */
function utf8(byteString: string): string {
  return Buffer.from(byteString, 'latin1').toString('utf8');
}

/** A role profile's settings, as the AWS CLI names them. */
interface RoleProfile {
  roleArn: string;
  sourceProfile?: string | undefined;
  credentialSource?: string | undefined;
  mfaSerial?: string | undefined;
  externalId?: string | undefined;
  sessionName?: string | undefined;
  duration?: number | undefined;
  region?: string | undefined;
}

function roleProfile(p: AwsProfile): RoleProfile | undefined {
  const get = (key: string) => p.config.get(key) ?? p.credentials.get(key);
  const roleArn = get('role_arn');
  if (!roleArn) return undefined;
  const duration = get('duration_seconds');
  return {
    roleArn,
    sourceProfile: get('source_profile'),
    credentialSource: get('credential_source'),
    mfaSerial: get('mfa_serial'),
    externalId: get('external_id'),
    sessionName: get('role_session_name'),
    duration: duration ? Number.parseInt(duration, 10) : undefined,
    region: get('region'),
  };
}

/** Works out what importing would do without changing anything. */
export async function planImport(core: RolebarCore, location: AwsLocationOptions): Promise<ImportPlan> {
  const { profiles, paths } = await readProfiles(location);
  return {
    credentialsFile: paths.credentials,
    configFile: paths.config,
    items: decide(core, profiles).map((d) => d.item),
  };
}

interface Decision {
  item: ImportItem;
  apply?: (ids: Map<string, RoleSource>) => Promise<Identity | Role | undefined>;
}

function decide(core: RolebarCore, profiles: Map<string, AwsProfile>): Decision[] {
  const identityNames = new Set(core.identities.list().map((i) => i.name));
  const roleLabels = new Set(core.roles.list().map((r) => r.label));
  const decisions: Decision[] = [];
  const skip = (profile: string, detail: string) =>
    decisions.push({ item: { action: 'skip', profile, detail } });

  for (const p of profiles.values()) {
    const owned = p.credentials.get(OWNER_KEY) === OWNER_VALUE || p.config.get(OWNER_KEY) === OWNER_VALUE;
    if (owned) {
      skip(p.name, 'written by Rolebar');
      continue;
    }
    const role = roleProfile(p);
    if (role) continue; // roles come second, once their sources are known
    const keyId = p.credentials.get('aws_access_key_id');
    const secret = p.credentials.get('aws_secret_access_key');
    if (keyId && secret && !p.credentials.get('aws_session_token')) {
      if (identityNames.has(p.name)) {
        skip(p.name, 'an identity with this name already exists');
        continue;
      }
      const region = p.config.get('region');
      const mfaSerial = p.config.get('mfa_serial');
      decisions.push({
        item: {
          action: 'add-identity',
          profile: p.name,
          detail: `IAM user keys ${keyId} → keychain${mfaSerial ? `, MFA ${mfaSerial}` : ''}${region ? `, region ${region}` : ''}`,
        },
        apply: () =>
          core.identities.addIamUser({
            name: p.name,
            accessKeyId: keyId,
            secretAccessKey: secret,
            mfaSerial,
            region,
          }),
      });
    } else if (p.config.get('sso_start_url') || p.config.get('sso_session')) {
      skip(p.name, 'IAM Identity Center (SSO) profiles are not supported yet');
    } else if (p.config.get('credential_process')) {
      skip(p.name, 'credential_process profiles stay with the AWS CLI');
    } else if (keyId && p.credentials.get('aws_session_token')) {
      skip(p.name, 'temporary credentials (they expire; import the keys they came from instead)');
    }
  }

  for (const p of profiles.values()) {
    const role = roleProfile(p);
    if (!role || decisions.some((d) => d.item.profile === p.name)) continue;
    if (roleLabels.has(p.name)) {
      skip(p.name, 'a role with this label already exists');
      continue;
    }
    const source = role.sourceProfile
      ? `profile ${role.sourceProfile}`
      : role.credentialSource
        ? `credential_source ${role.credentialSource}`
        : undefined;
    if (!source) {
      skip(p.name, 'role_arn without source_profile or credential_source');
      continue;
    }
    // Refused in the preview, not halfway through applying: the profile its sessions would be written under.
    if (profileNameRule.problem(`${p.name}-rolebar`)) {
      skip(
        p.name,
        'its name cannot be used for a Rolebar profile (letters, digits and - _ . @ + / : , only)',
      );
      continue;
    }
    if (
      role.credentialSource &&
      !CREDENTIAL_SOURCES.includes(role.credentialSource as CredentialSourceName)
    ) {
      skip(p.name, `unknown credential_source ${role.credentialSource}`);
      continue;
    }
    decisions.push({
      item: {
        action: 'add-role',
        profile: p.name,
        detail: `${role.roleArn} from ${source}${role.mfaSerial ? ', with MFA' : ''}; sessions written as profile "${p.name}-rolebar" (the role_arn profile "${p.name}" stays as it is)`,
      },
      apply: async (sources) => {
        const from = await resolveSource(core, role, sources);
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
          profileName: `${p.name}-rolebar`,
        });
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
    c: RolebarCore,
    role: RoleProfile,
    sources: Map<string, RoleSource>,
  ): Promise<RoleSource | undefined> {
    if (role.sourceProfile) {
      const known = sources.get(role.sourceProfile);
      if (known) return known;
      const identity = c.identities.find(role.sourceProfile);
      if (identity) return { kind: 'identity', id: identity.id };
      const existingRole = c.roles.find(role.sourceProfile);
      if (existingRole) return { kind: 'role', id: existingRole.id };
      // A source profile Rolebar does not import (SSO, a process): let the SDK resolve it.
      const added = c.identities.addProfileSource({
        name: `${role.sourceProfile} (profile)`,
        profile: role.sourceProfile,
      });
      sources.set(role.sourceProfile, { kind: 'identity', id: added.id });
      return { kind: 'identity', id: added.id };
    }
    const name = `${role.credentialSource} credentials`;
    const existing = c.identities.find(name);
    const identity =
      existing ??
      c.identities.addCredentialSource({ name, source: role.credentialSource as CredentialSourceName });
    return { kind: 'identity', id: identity.id };
  }
}

/**
 * Imports `~/.aws`: static keys become keychain identities, role_arn profiles become roles (in dependency
 * order, so a role whose source is another role profile is chained to it). The files are not changed unless
 * `removePlaintextKeys` is asked for, and then only the imported keys' lines go, after a backup.
 */
export async function applyImport(
  core: RolebarCore,
  location: AwsLocationOptions,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { profiles } = await readProfiles(location);
  const decisions = decide(core, profiles);
  const result: ImportResult = { identities: [], roles: [], skipped: [], keysRemovedFrom: [], backups: [] };
  const sources = new Map<string, RoleSource>();
  const pending = [...decisions];
  // Roles may depend on roles: apply in rounds until nothing more can be resolved.
  for (let round = 0; round <= decisions.length && pending.length > 0; round++) {
    for (const decision of [...pending]) {
      if (!decision.apply) {
        result.skipped.push(decision.item);
        pending.splice(pending.indexOf(decision), 1);
        continue;
      }
      const role =
        decision.item.action === 'add-role'
          ? roleProfile(profiles.get(decision.item.profile) as AwsProfile)
          : undefined;
      const waitsForRole =
        role?.sourceProfile && pending.some((d) => d !== decision && d.item.profile === role.sourceProfile);
      if (waitsForRole) continue;
      const made = await decision.apply(sources);
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
  // Identities may have gained an MFA serial from the roles imported after them.
  result.identities = result.identities.map((i) => core.identities.get(i.id));
  if (options.removePlaintextKeys) {
    // Every profile whose keys Rolebar now holds — imported just now or by an earlier import — loses its
    // plaintext copy, but only when the keychain has exactly the same key pair.
    for (const p of profiles.values()) {
      const keyId = p.credentials.get('aws_access_key_id');
      const secret = p.credentials.get('aws_secret_access_key');
      if (!keyId || !secret || p.credentials.get('aws_session_token')) continue;
      const identity = core.identities.find(p.name);
      if (identity?.kind !== 'iam-user' || identity.accessKeyId !== keyId) continue;
      if ((await core.identities.secretOf(identity.id)) !== secret) continue;
      const removed = await removePlaintextKeys(p.name, location);
      if (removed.removed) result.keysRemovedFrom.push(p.name);
      if (removed.backup) result.backups.push(removed.backup);
    }
  }
  return result;
}
