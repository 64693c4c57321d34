/*
 * Keeps the keychain and settings in agreement. An identity's secret lives in the keychain, its other fields in
 * settings, and no transaction spans both. So every change that touches both first writes an intent into
 * settings (under the settings lock), then changes the keychain, then commits the settings side and drops the
 * intent in one locked update. A process killed part-way leaves an intent whose owner is dead; the next process
 * that opens identities finishes or undoes it (settleInterrupted). Entries no intent explains (left by older
 * versions, or deleted by hand) are found by findSecretOrphans and removed only on request.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { RolebarError } from '../domain/errors.js';
import { isProcessAlive } from '../platform/atomic.js';
import { deleteAll } from '../platform/keychain/batch.js';
import type { SecretStore } from '../platform/keychain/keychain.js';
import type { Settings, SettingsData, SettingsRecord } from './settings.js';

/** The keychain entry holding an IAM user identity's secret access key. */
export const secretAccount = (identityId: string) => `iam-user:${identityId}`;
/** The keychain entry holding an identity's current MFA session (GetSessionToken credentials, as JSON). */
export const mfaSessionAccount = (identityId: string) => `mfa-session:${identityId}`;
/** Where a rotation parks the new secret until settings name the new key (then it moves to secretAccount). */
export const stagedSecretAccount = (identityId: string) => `iam-user-next:${identityId}`;

/** The keychain entry holding an Identity Center identity's tokens and client registration (as JSON). */
export const ssoTokenAccount = (identityId: string) => `sso-token:${identityId}`;

/** The keychain entry holding the `user:token` of a catalog's source URL (settings keep the URL without it). */
export const catalogSourceAccount = (catalogName: string) => `catalog-source:${catalogName}`;

const ACCOUNT_KINDS = ['iam-user', 'mfa-session', 'iam-user-next', 'sso-token'] as const;

/** An intent older than this is abandoned even if its pid looks alive (pids get reused); keychain calls time out in 5 s. */
const INTENT_STALE_MS = 10 * 60_000;

/** One keychain change in flight. `committed` (rotations only): settings already name the new key. */
export interface SecretIntent {
  id: string;
  op: 'add' | 'rotate' | 'remove';
  identityId: string;
  phase: 'staged' | 'committed';
  pid: number;
  host: string;
  startedAt: string;
}

function parseIntent(record: SettingsRecord): SecretIntent | undefined {
  const { id, op, identityId, phase, pid, host, startedAt } = record;
  if (op !== 'add' && op !== 'rotate' && op !== 'remove') return undefined;
  if (phase !== 'staged' && phase !== 'committed') return undefined;
  if (typeof identityId !== 'string' || typeof pid !== 'number' || typeof host !== 'string') return undefined;
  if (typeof startedAt !== 'string') return undefined;
  return { id, op, identityId, phase, pid, host, startedAt };
}

/** The intents recorded in `data` (records that do not parse are not ours to act on, and are skipped). */
export function intentsOf(data: SettingsData): SecretIntent[] {
  return (data.keychainIntents ?? []).flatMap((record) => parseIntent(record) ?? []);
}

/** A new intent of this process. */
export function newIntent(op: SecretIntent['op'], identityId: string, now = Date.now()): SecretIntent {
  return {
    id: randomUUID(),
    op,
    identityId,
    phase: 'staged',
    pid: process.pid,
    host: os.hostname(),
    startedAt: new Date(now).toISOString(),
  };
}

/** Records `intent` in `data` (call inside Settings.update). */
export function recordIntent(data: SettingsData, intent: SecretIntent): void {
  data.keychainIntents = [...(data.keychainIntents ?? []), { ...intent }];
}

/** Records many intents in `data` at once (an import's keys: one settings write for all of them). */
export function recordIntents(data: SettingsData, intents: readonly SecretIntent[]): void {
  data.keychainIntents = [...(data.keychainIntents ?? []), ...intents.map((intent) => ({ ...intent }))];
}

/**
 * Refuses to commit when any of `intentIds` is no longer in `data`: another process took it for abandoned (a
 * change that outlived INTENT_STALE_MS, such as an import of thousands of keys) and took its secrets back, so the
 * records about to be saved would have none. Call inside the Settings.update that commits.
 */
export function assertIntentsStillOpen(data: SettingsData, intentIds: readonly string[]): void {
  const open = new Set((data.keychainIntents ?? []).map((record) => record.id));
  if (intentIds.every((id) => open.has(id))) return;
  throw new RolebarError(
    'keychain-change-abandoned',
    `Saving the keys took longer than ${INTENT_STALE_MS / 60_000} minutes, and another Rolebar process took them back as abandoned. Nothing was saved.`,
    { hint: 'Try again, with no other Rolebar command running meanwhile (or import fewer keys at a time).' },
  );
}

/** Removes an intent from `data` (call inside Settings.update); the key goes when the list empties. */
export function dropIntent(data: SettingsData, intentId: string): void {
  dropIntents(data, [intentId]);
}

/** Removes many intents from `data` at once (call inside Settings.update). */
export function dropIntents(data: SettingsData, intentIds: readonly string[]): void {
  const ids = new Set(intentIds);
  const rest = (data.keychainIntents ?? []).filter((record) => !ids.has(record.id));
  if (rest.length > 0) data.keychainIntents = rest;
  else delete data.keychainIntents;
}

/** Marks a rotation committed: settings now name the new key, whose secret waits in stagedSecretAccount. */
export function commitIntent(data: SettingsData, intentId: string): void {
  data.keychainIntents = (data.keychainIntents ?? []).map((record) =>
    record.id === intentId ? { ...record, phase: 'committed' } : record,
  );
}

/** True while the process that wrote `intent` (or any journal record with its owner's pid, host and start) may still be working on it. */
export function intentIsLive(
  intent: Pick<SecretIntent, 'pid' | 'host' | 'startedAt'>,
  now = Date.now(),
): boolean {
  if (now - Date.parse(intent.startedAt) > INTENT_STALE_MS) return false;
  return intent.host !== os.hostname() || isProcessAlive(intent.pid);
}

/**
 * Finishes or undoes each change whose process died part-way (kill -9, a crash, a power cut): an interrupted add
 * loses its secret, a remove loses its leftovers, a rotation completes once committed and is undone before.
 * Safe to run from several processes at once: every step is idempotent. Returns how many it settled.
 */
export async function settleInterrupted(settings: Settings, secrets: SecretStore, now = Date.now()) {
  const data = settings.read();
  const dead = intentsOf(data).filter((intent) => !intentIsLive(intent, now));
  if (dead.length === 0) return 0;
  const known = new Set(data.identities.map((identity) => identity.id));
  for (const intent of dead) {
    if (intent.op !== 'rotate' || intent.phase !== 'committed') continue;
    const id = intent.identityId;
    const staged = await secrets.get(stagedSecretAccount(id));
    if (staged) await secrets.set(secretAccount(id), staged);
    await secrets.delete(mfaSessionAccount(id));
  }
  // What is left to delete, all at once (an import killed part-way leaves a thousand adds to take back).
  // An add only ever wrote the secret; a rotation its staged copy; a remove may have left any entry.
  const leftovers = dead.flatMap(({ op, identityId: id }) => {
    if (op === 'add') return known.has(id) ? [] : [secretAccount(id)];
    const gone = known.has(id) ? [] : [secretAccount(id), mfaSessionAccount(id), ssoTokenAccount(id)];
    return [...gone, stagedSecretAccount(id)];
  });
  await deleteAll(secrets, [...new Set(leftovers)]);
  settings.update((current) =>
    dropIntents(
      current,
      dead.map((intent) => intent.id),
    ),
  );
  return dead.length;
}

/** Keychain entries that belong to no identity, and identities that keep keys whose secret is missing. */
export interface SecretOrphans {
  /** Entry names only: the secrets are never read. */
  accounts: string[];
  /** Ids of identities that keep keys with no secret in the keychain. */
  identitiesWithoutSecret: string[];
}

/**
 * Finds what settings and the keychain disagree on, leaving alone identities with a change in flight.
 * `keyHolders`: the ids of the identities that keep a secret (their credential sources say which).
 */
export async function findSecretOrphans(
  settings: Settings,
  secrets: SecretStore,
  keyHolders: ReadonlySet<string>,
): Promise<SecretOrphans> {
  const accounts = await secrets.list();
  const data = settings.read();
  const known = new Set(data.identities.map((identity) => identity.id));
  const busy = new Set(intentsOf(data).map((intent) => intent.identityId));
  const catalogs = new Set((data.catalogs ?? []).map((record) => record.name));
  const orphans = accounts.filter((account) => {
    const colon = account.indexOf(':');
    const kind = account.slice(0, colon);
    const id = account.slice(colon + 1);
    // A catalog's credential belongs to its catalog (written after it is added, removed with `catalog rm`).
    if (kind === 'catalog-source') return !catalogs.has(id);
    if (colon === -1 || !ACCOUNT_KINDS.some((k) => k === kind) || busy.has(id)) return false;
    return !known.has(id) || kind === 'iam-user-next';
  });
  const present = new Set(accounts);
  const identitiesWithoutSecret = data.identities
    .filter((identity) => keyHolders.has(identity.id) && !busy.has(identity.id))
    .filter((identity) => !present.has(secretAccount(identity.id)))
    .map((identity) => identity.id);
  return { accounts: orphans, identitiesWithoutSecret };
}
