// `rolebar keychain migrate --to file|os`: moves every secret of one keychain service between the OS keychain and
// the encrypted keychain file, all or nothing. Settings carry a journal (account names only) through three steps:
// copy into the new keychain ('copying': the old one is still in force), switch the stored choice ('copied': the
// new one is in force; this one settings write is the commit), then empty the old one. A run cut short (kill -9,
// a crash) is settled by the next migrate before anything else: undone before the switch, finished after it.
import path from 'node:path';
import { RolebarError } from '../domain/errors.js';
import { withFileLock } from '../platform/lock.js';
import type { KeychainBackend } from '../platform/keychain/backend.js';
import { KeychainUnavailableError, type SecretStore } from '../platform/keychain/keychain.js';
import type { KeychainMigrationRecord } from './settings-schema.js';
import type { Settings } from './settings.js';

export interface MigrationInput {
  settings: Settings;
  service: string;
  to: KeychainBackend;
  /** Opens the store of a backend (with the front end's passphrase prompt, for the file). */
  open(backend: KeychainBackend): SecretStore;
  now?: () => number;
}

export interface MigrationOutcome {
  from: KeychainBackend;
  to: KeychainBackend;
  moved: number;
  /** What else happened: an interrupted migration settled, an OS keychain that could not be reached. */
  notes: string[];
}

const NAMES: Record<KeychainBackend, string> = { os: 'the OS keychain', file: 'the keychain file' };

/** The stored choice of keychain (ROLEBAR_KEYCHAIN aside): what a migration moves away from. */
export function storedBackend(settings: Settings): KeychainBackend {
  return settings.read().keychainBackend ?? 'os';
}

/** Moves every secret of `service` to `to` and makes it the stored choice; settles an interrupted run first. */
export function migrateKeychain(input: MigrationInput): Promise<MigrationOutcome> {
  const { settings, service, to, open } = input;
  const now = input.now ?? Date.now;
  // Its own lock, not the keychain file's: the file store takes that one for each write it makes here.
  const lockTarget = path.join(path.dirname(settings.path), 'keychain-migration');
  return withFileLock(lockTarget, async () => {
    const notes: string[] = [];
    const pending = settings.read().keychainMigration;
    if (pending && pending.service !== service) {
      throw new RolebarError(
        'keychain-migrate-other',
        `A move of the keychain service "${pending.service}" was cut short in these settings.`,
        {
          hint: `Nothing was changed. Finish it first: ROLEBAR_KEYCHAIN_SERVICE=${pending.service} rolebar keychain migrate --to ${pending.to}.`,
        },
      );
    }
    if (pending) notes.push(await settle(settings, pending, open));
    const from = storedBackend(settings);
    if (from === to) return { from, to, moved: 0, notes };
    const source = open(from);
    const target = open(to);
    const secrets = await readAll(source, from, notes);
    const there = await target.list();
    if (there.length > 0) {
      throw new RolebarError(
        'keychain-target-not-empty',
        `${NAMES[to]} already holds ${there.length} Rolebar ${there.length === 1 ? 'entry' : 'entries'} (${there.slice(0, 3).join(', ')}${there.length > 3 ? ', …' : ''}).`,
        {
          hint: `Nothing was changed. Rolebar will not mix two sets of secrets: remove those entries (or move that keychain file aside), then try again.`,
        },
      );
    }
    const record: KeychainMigrationRecord = {
      from,
      to,
      phase: 'copying',
      accounts: [...secrets.keys()],
      service,
      pid: process.pid,
      startedAt: new Date(now()).toISOString(),
    };
    settings.update((data) => void (data.keychainMigration = record));
    for (const [account, secret] of secrets) await target.set(account, secret);
    for (const [account, secret] of secrets) {
      if ((await target.get(account)) !== secret) {
        throw new RolebarError(
          'keychain-migrate-failed',
          `${NAMES[to]} did not keep "${account}" as written.`,
          {
            hint: `Your secrets are still in ${NAMES[from]}, which stays in force. Run the command again to undo the partial copy and retry.`,
          },
        );
      }
    }
    settings.update((data) => {
      data.keychainBackend = to;
      data.keychainMigration = { ...record, phase: 'copied' };
    });
    for (const account of secrets.keys()) await source.delete(account);
    settings.update((data) => void delete data.keychainMigration);
    return { from, to, moved: secrets.size, notes };
  });
}

/** Every secret of `store`; an OS keychain that cannot be reached at all holds nothing to move (a note says so). */
async function readAll(
  store: SecretStore,
  backend: KeychainBackend,
  notes: string[],
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  let accounts: string[];
  try {
    accounts = await store.list();
  } catch (error) {
    const unreachable =
      backend === 'os' &&
      error instanceof KeychainUnavailableError &&
      (error.reason === 'no-session-bus' ||
        error.reason === 'no-secret-service' ||
        error.reason === 'not-installed');
    if (!unreachable) throw error;
    notes.push(`${NAMES.os} cannot be reached here (${error.message}), so nothing was moved from it.`);
    return secrets;
  }
  for (const account of accounts) {
    const secret = await store.get(account);
    if (secret !== null) secrets.set(account, secret);
  }
  return secrets;
}

/** Undoes a run cut short before its switch, or finishes one cut short after it. */
async function settle(
  settings: Settings,
  pending: KeychainMigrationRecord,
  open: (backend: KeychainBackend) => SecretStore,
): Promise<string> {
  const undo = pending.phase === 'copying';
  // Before the switch the copies in the new keychain go; after it, the originals in the old one.
  const store = open(undo ? pending.to : pending.from);
  for (const account of pending.accounts) await store.delete(account);
  settings.update((data) => void delete data.keychainMigration);
  return undo
    ? `An interrupted move to ${NAMES[pending.to]} was undone: its partial copy is gone.`
    : `An interrupted move to ${NAMES[pending.to]} was finished: ${NAMES[pending.from]} no longer holds the secrets.`;
}
