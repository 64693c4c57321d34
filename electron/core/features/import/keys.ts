// The plaintext keys an import may take out of ~/.aws (`--remove-plaintext-keys`): only those the keychain holds
// exactly (or this run imports), each replaced by a credential_process line serving the same identity, in one write
// per file. The edits are journaled in settings in the import's own commit write, so an import killed between the
// two files' writes is finished by the next import or CLI command (finishKeyMoves).
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { accessKeyIdOf } from '../../sessions/sources/registry.js';
import { type AwsLocationOptions, resolveAwsFilePaths } from '../../aws-files/index.js';
import { type KeyReplacement, replacePlaintextKeys } from '../../aws-files/replace-keys.js';
import type { Engine } from '../../sessions/engine.js';
import { dropIntent, intentIsLive } from '../../store/secret-journal.js';
import type { SettingsData, SettingsRecord } from '../../store/settings.js';
import { type AwsProfile, keysOf, roleProfile } from './read.js';

/** What moving the keys did. */
export interface KeysMoved {
  /** Profiles whose plaintext keys were removed. */
  keysRemovedFrom: string[];
  /** The copies of the files kept before keys were removed. */
  backups: string[];
  /** Profiles whose plaintext keys stay, each with why. */
  keysKept: Array<{ profile: string; detail: string }>;
}

/** The files' edits an import will make, decided before anything changes. */
export interface KeyMoves {
  credentials: KeyReplacement[];
  config: KeyReplacement[];
  /** Profiles whose plaintext keys stay, each with why. */
  keysKept: Array<{ profile: string; detail: string }>;
}

/**
 * Every profile whose keys Rolebar holds (imported by an earlier import, or by this run: `importing` names those
 * profiles) loses its plaintext copy, but only when the keychain has exactly the same key pair; `serve(name)` gives
 * the credential_process line that takes its place in the same write, so profiles built on it keep working.
 */
export async function planKeyMoves(
  core: Engine,
  profiles: Map<string, AwsProfile>,
  importing: ReadonlySet<string>,
  serve: (identityName: string) => string,
): Promise<KeyMoves> {
  const moves: KeyMoves = { credentials: [], config: [], keysKept: [] };
  for (const p of profiles.values()) {
    const keys = keysOf(p);
    if (!keys) continue;
    if (roleProfile(p)?.sourceProfile === p.name) {
      // botocore and the SDKs let a profile source itself only with keys in it (else "Infinite loop").
      moves.keysKept.push({
        profile: p.name,
        detail:
          'its role_arn sources its own keys, which the AWS tools allow only with the keys in the profile; point source_profile at another profile, then run this again',
      });
      continue;
    }
    if (p.configPairSame === false) {
      // The SDK v3 puts static keys from either file before credential_process: the other pair would answer.
      moves.keysKept.push({
        profile: p.name,
        detail: `its config file holds another key pair (${p.configKeyId ?? ''}) besides the credentials file's, which the AWS SDK for JavaScript would use instead of Rolebar's credential_process; remove one of the two pairs, then run this again`,
      });
      continue;
    }
    if (!importing.has(p.name)) {
      const identity = core.identities.find(p.name);
      if (!identity || accessKeyIdOf(identity) !== keys.keyId) continue;
      if ((await core.identities.secretOf(identity.id)) !== keys.secret) continue;
    }
    // The identity has the profile's name (identityStep), whether this run imports it or an earlier one did.
    const replacement = { profile: p.name, accessKeyId: keys.keyId, credentialProcess: serve(p.name) };
    // Every pair of the profile goes: the credentials file's, and the config file's when it holds one too.
    if (p.inCredentialsFile.has('aws_access_key_id')) moves.credentials.push(replacement);
    if (p.configKeyId !== undefined) moves.config.push(replacement);
  }
  return moves;
}

/** The journal record of key moves in flight (kept with the keychain intents: no secret, only names and lines). */
interface KeyMovesRecord extends SettingsRecord {
  op: 'move-keys';
  pid: number;
  host: string;
  startedAt: string;
  files: { credentials: string; config: string };
  credentials: KeyReplacement[];
  config: KeyReplacement[];
}

/**
 * Journals `moves` in `data` (inside the import's commit write): if this process dies before both files are
 * written, the next import or CLI command finishes the edits. Returns the record's id, or undefined when there is nothing to move.
 */
export function journalKeyMoves(
  data: SettingsData,
  moves: KeyMoves,
  location: AwsLocationOptions,
): string | undefined {
  if (moves.credentials.length + moves.config.length === 0) return undefined;
  const record: KeyMovesRecord = {
    id: randomUUID(),
    op: 'move-keys',
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date().toISOString(),
    files: resolveAwsFilePaths(location),
    credentials: moves.credentials,
    config: moves.config,
  };
  data.keychainIntents = [...(data.keychainIntents ?? []), record];
  return record.id;
}

/** Carries out `moves` (after the import's commit), then drops their journal record `journalId`. */
export async function carryOutKeyMoves(
  core: Engine,
  moves: KeyMoves,
  location: AwsLocationOptions,
  journalId: string | undefined,
): Promise<KeysMoved> {
  const moved: KeysMoved = { keysRemovedFrom: [], backups: [], keysKept: [...moves.keysKept] };
  const replacedIn = { credentials: [] as string[], config: [] as string[] };
  for (const file of ['credentials', 'config'] as const) {
    if (moves[file].length === 0) continue;
    const replaced = await replacePlaintextKeys(moves[file], location, file);
    replacedIn[file] = replaced.replaced;
    if (replaced.backup) moved.backups.push(replaced.backup);
    for (const r of moves[file].filter((x) => !replaced.replaced.includes(x.profile)))
      moved.keysKept.push({
        profile: r.profile,
        detail: `its keys were not found as read in the ${file} file (changed meanwhile?); import again`,
      });
  }
  if (journalId) core.settings.update((data) => dropIntent(data, journalId));
  const kept = new Set(moved.keysKept.map((k) => k.profile));
  moved.keysRemovedFrom.push(
    ...new Set([...replacedIn.credentials, ...replacedIn.config].filter((name) => !kept.has(name))),
  );
  return moved;
}

/**
 * Finishes the key moves of an import that was killed after its commit (its identities are saved, one or both
 * files not yet edited): each file's edit again, which replaces only keys still there. Returns how many it finished.
 */
export async function finishKeyMoves(core: Engine): Promise<number> {
  const dead = (core.settings.read().keychainIntents ?? [])
    .flatMap((record) => parseKeyMoves(record) ?? [])
    .filter((record) => !intentIsLive(record));
  for (const record of dead) {
    const location = {
      env: { AWS_SHARED_CREDENTIALS_FILE: record.files.credentials, AWS_CONFIG_FILE: record.files.config },
    };
    for (const file of ['credentials', 'config'] as const)
      if (record[file].length > 0) await replacePlaintextKeys(record[file], location, file);
    core.settings.update((data) => dropIntent(data, record.id));
  }
  return dead.length;
}

const isString = (value: unknown): value is string => typeof value === 'string';

function parseReplacements(value: unknown): KeyReplacement[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const parsed = value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { profile, accessKeyId, credentialProcess } = item as Record<string, unknown>;
    return isString(profile) && isString(accessKeyId) && isString(credentialProcess)
      ? [{ profile, accessKeyId, credentialProcess }]
      : [];
  });
  return parsed.length === value.length ? parsed : undefined;
}

/** A key-moves record as read back from settings, or undefined when `record` is not a whole one. */
function parseKeyMoves(record: SettingsRecord): KeyMovesRecord | undefined {
  const { id, op, pid, host, startedAt, files } = record;
  if (op !== 'move-keys' || typeof pid !== 'number' || !isString(host) || !isString(startedAt))
    return undefined;
  const paths = typeof files === 'object' && files !== null ? (files as Record<string, unknown>) : {};
  const credentials = parseReplacements(record.credentials);
  const config = parseReplacements(record.config);
  if (!isString(paths.credentials) || !isString(paths.config) || !credentials || !config) return undefined;
  return {
    id,
    op,
    pid,
    host,
    startedAt,
    files: { credentials: paths.credentials, config: paths.config },
    credentials,
    config,
  };
}
