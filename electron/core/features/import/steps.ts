// What each planned import step does when applied: an IAM user's keys into the keychain, a role_arn profile
// into a role (its source found, or added when Rolebar does not hold it yet), each added to the run's one batch.
import { randomUUID } from 'node:crypto';
import type { Engine } from '../../sessions/engine.js';
import type { NewRole } from '../../store/roles.js';
import { CREDENTIAL_SOURCES, type RoleSource } from '../../domain/model.js';
import type { NewIdentity } from '../../sessions/sources/registry.js';
import { type AwsProfile, keptNameNote, type RoleProfile, rolebarProfileOf } from './read.js';
import type { ImportItem } from './views.js';

/** Roles an import adds together at the end, in one settings write, each with its id given beforehand. */
export type RoleBatch = Array<NewRole & { id: string }>;

/**
 * What an import adds, saved together once every step ran: identities (each with its id given beforehand, so
 * roles can start from it) and roles, all in one settings write after the secrets' one keychain batch.
 */
export interface ImportBatch {
  identities: Array<{ id: string; input: NewIdentity }>;
  roles: RoleBatch;
  /** Identities the run adds once for many roles (a credential_source's, an Identity Center's), by what they stand for. */
  shared: Map<string, string>;
}

/** One step of an import: what the preview says, and (unless it is a skip) how to carry it out. */
export interface ImportStep {
  item: ImportItem;
  /**
   * `sources`: what each profile imported so far became, for the roles built on it. Adds to `batch` (saved with
   * the rest once every step ran) and returns what the profile becomes.
   */
  apply?: (sources: Map<string, RoleSource>, batch: ImportBatch) => RoleSource | undefined;
}

/** The step that puts a profile's long-term keys into the keychain as an IAM user identity. */
export function identityStep(
  core: Engine,
  p: AwsProfile,
  keys: { keyId: string; secret: string },
): ImportStep {
  const region = p.values.get('region');
  const mfaSerial = p.values.get('mfa_serial');
  return {
    item: {
      action: 'add-identity',
      profile: p.name,
      detail: `IAM user keys ${keys.keyId} → keychain${mfaSerial ? `, MFA ${mfaSerial}` : ''}${region ? `, region ${region}` : ''}`,
    },
    apply: (_sources, batch) => {
      // Keys the user's own AWS tools use: saved as they are, offline too (no GetCallerIdentity).
      const id = randomUUID();
      batch.identities.push({
        id,
        input: {
          kind: 'iam-user',
          name: p.name,
          accessKeyId: keys.keyId,
          secretAccessKey: keys.secret,
          mfaSerial,
          region,
        },
      });
      return { kind: 'identity', id };
    },
  };
}

/** The step that makes a role_arn profile a role, its sessions written to `NAME-rolebar`. */
export function roleStep(core: Engine, p: AwsProfile, role: RoleProfile): ImportStep {
  const source = role.sourceProfile
    ? role.sourceProfile === p.name
      ? `its own keys (source_profile is itself: one hop)`
      : `profile ${role.sourceProfile}`
    : `credential_source ${role.credentialSource ?? ''}`;
  return {
    item: {
      action: 'add-role',
      profile: p.name,
      detail: `${role.roleArn} from ${source}${role.mfaSerial ? `, with MFA ${role.mfaSerial}` : ''}; ${keptNameNote(p.name)}`,
    },
    apply: (sources, batch) => {
      const from = resolveSource(core, role, sources, batch);
      if (!from) return undefined;
      const draft = {
        id: randomUUID(),
        label: p.name,
        roleArn: role.roleArn,
        source: from,
        mfa: !!role.mfaSerial,
        // The profile's own device, kept on the role: the identity and its other roles go on without MFA.
        mfaSerial: role.mfaSerial,
        sessionName: role.sessionName,
        externalId: role.externalId,
        durationSeconds: role.duration,
        region: role.region,
        profileName: rolebarProfileOf(p.name),
      };
      batch.roles.push(draft);
      return { kind: 'role', id: draft.id };
    },
  };
}

/**
 * What a role starts from: the identity or role its source profile became in this run or an earlier one, else a
 * new identity (an AWS profile for a source profile Rolebar does not import, or the credential_source's).
 */
function resolveSource(
  core: Engine,
  role: RoleProfile,
  sources: Map<string, RoleSource>,
  batch: ImportBatch,
): RoleSource | undefined {
  if (role.sourceProfile) {
    const known = sources.get(role.sourceProfile);
    if (known) return known;
    const identity = core.identities.find(role.sourceProfile);
    if (identity) return { kind: 'identity', id: identity.id };
    const existingRole = core.roles.find(role.sourceProfile);
    if (existingRole) return { kind: 'role', id: existingRole.id };
    // A source profile Rolebar does not import (SSO, a process): let the SDK resolve it.
    const id = randomUUID();
    batch.identities.push({
      id,
      input: { kind: 'aws-profile', name: `${role.sourceProfile} (profile)`, profile: role.sourceProfile },
    });
    sources.set(role.sourceProfile, { kind: 'identity', id });
    return { kind: 'identity', id };
  }
  const source = CREDENTIAL_SOURCES.find((s) => s === role.credentialSource);
  if (!source) return undefined; // refused in the preview already
  const name = `${source} credentials`;
  const existing = core.identities.find(name)?.id ?? batch.shared.get(name);
  if (existing) return { kind: 'identity', id: existing };
  const id = randomUUID();
  batch.identities.push({ id, input: { kind: 'credential-source', name, source } });
  batch.shared.set(name, id);
  return { kind: 'identity', id };
}
