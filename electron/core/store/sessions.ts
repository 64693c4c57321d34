/*
 * The session records: `sessions.json` beside settings.json, this file its one owner. A switch records its session
 * here, so the file has a lock of its own (platform/lock.ts's async withFileLock) and is written asynchronously
 * (platform/atomic.ts): the app's main process never waits on the disk to record a switch (issue 25), and a
 * settings update in the same process never waits on it (settings.json's lock is taken synchronously).
 *
 * An older Rolebar kept the records in settings.json's `sessions`: they are read beside this file's (its own
 * win), and the first write here moves them over and empties that list.
 */
import path from 'node:path';
import { RolebarError } from '../domain/errors.js';
import type { SessionRecord } from '../domain/model.js';
import { atomicWriteFile, cleanStaleTempFiles, PRIVATE_FILE_MODE } from '../platform/atomic.js';
import { withFileLock } from '../platform/lock.js';
import { parseRecordList, parseSessionRecord } from './records.js';
import { assertNoSecrets } from './secret-guard.js';
import { readSettingsText, watchSettingsFile } from './settings-file.js';
import type { Settings } from './settings.js';

/** The session registry: read back after a restart, so countdowns and alerts resume. */
export interface SessionRegistry {
  list(): SessionRecord[];
  get(roleId: string): SessionRecord | undefined;
  /** Records (or replaces) the role's session; the disk is written off the event loop. */
  save(record: SessionRecord): Promise<void>;
  /** Forgets the role's session; false when there was none. */
  remove(roleId: string): Promise<boolean>;
  /** Calls `onChange` soon after another process changed the records. Returns the function that stops watching. */
  watch(onChange: () => void): () => void;
}

/** The records' file name, in the settings folder. */
export const SESSIONS_FILE_NAME = 'sessions.json';

/** The records' file beside the settings file at `settingsPath`. */
export function sessionsFileOf(settingsPath: string): string {
  return path.join(path.dirname(settingsPath), SESSIONS_FILE_NAME);
}

/** The last text read of each file and its records: a state built for 5,000 roles asks for them often. */
const lastRead = new Map<string, { text: string; records: readonly SessionRecord[] }>();
/** Records files whose temp files a killed writer left were looked for by this process. */
const cleaned = new Set<string>();
/** The file's text just after this process last wrote it: a watch reports other processes' changes only. */
const ownTexts = new Map<string, string>();

function damaged(file: string, cause?: unknown): RolebarError {
  return new RolebarError('sessions-corrupt', `The session records in ${file} are damaged.`, {
    hint: 'It holds only which roles have a session and until when. Move it away (your profiles stay as they are), then switch again.',
    ...(cause === undefined ? {} : { cause }),
    context: { file },
  });
}

function readFileRecords(file: string): readonly SessionRecord[] {
  const text = readSettingsText(file, 'session records file');
  if (text === undefined) return [];
  const last = lastRead.get(file);
  if (last?.text === text) return last.records;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged(file, error);
  }
  if (typeof parsed !== 'object' || parsed === null || !('sessions' in parsed)) throw damaged(file);
  const records = parseRecordList(parsed.sessions, file, 'sessions', parseSessionRecord).map((r) =>
    Object.freeze(r),
  );
  lastRead.set(file, { text, records });
  return records;
}

/**
 * Every stored session record: the records file's, then those an older Rolebar left in settings.json (`legacy`,
 * its `sessions` as read from the file at `settingsPath`) for roles the file does not name.
 */
export function storedSessions(settingsPath: string, legacy: unknown): SessionRecord[] {
  const own = readFileRecords(sessionsFileOf(settingsPath));
  if (legacy === undefined || (Array.isArray(legacy) && legacy.length === 0)) return [...own];
  const older = parseRecordList(legacy, settingsPath, 'sessions', parseSessionRecord);
  const named = new Set(own.map((s) => s.roleId));
  return [...own, ...older.filter((s) => !named.has(s.roleId))];
}

/** Opens the registry beside `settings`. */
export function sessionRegistry(settings: Settings): SessionRegistry {
  const file = sessionsFileOf(settings.path);
  const all = () => storedSessions(settings.path, settings.read().sessions);

  /** Under the records' lock: re-reads, applies `edit` and writes the file whole, off the event loop. */
  async function change(edit: (list: SessionRecord[]) => SessionRecord[]): Promise<void> {
    await withFileLock(file, async () => {
      // Once per process, as settings.json's are at open: a listing of the folder on every switch costs more.
      if (!cleaned.has(file)) await cleanStaleTempFiles(file);
      cleaned.add(file);
      const data = settings.read();
      const list = edit(storedSessions(settings.path, data.sessions));
      assertNoSecrets(list, 'sessions');
      // A record `edit` dropped leaves the older file first, or it would come back from there after a crash.
      const kept = new Set(list.map((s) => s.roleId));
      if (data.sessions.some((s) => !kept.has(String(s.roleId)))) {
        settings.update((d) => {
          d.sessions = d.sessions.filter((s) => kept.has(String(s.roleId)));
        });
      }
      const text = `${JSON.stringify({ sessions: list }, null, '\t')}\n`;
      await atomicWriteFile(file, [Buffer.from(text)], PRIVATE_FILE_MODE);
      ownTexts.set(file, text);
      // Moved: an older file's records are now all in ours.
      if (data.sessions.length > 0) {
        settings.update((d) => {
          d.sessions = [];
        });
      }
    });
  }

  return {
    list: all,
    get: (roleId) => all().find((s) => s.roleId === roleId),
    save: (record) =>
      change((list) => {
        const index = list.findIndex((s) => s.roleId === record.roleId);
        if (index >= 0) list[index] = record;
        else list.push(record);
        return list;
      }),
    async remove(roleId) {
      if (!all().some((s) => s.roleId === roleId)) return false;
      await change((list) => list.filter((s) => s.roleId !== roleId));
      return true;
    },
    watch: (onChange) => watchSettingsFile(file, onChange, (text) => text === ownTexts.get(file)),
  };
}

// What an ARN says, and the stored session record, are the domain's (browser-safe); re-exported for callers.
export {
  accountOfArn,
  partitionOfArn,
  type PrincipalKind,
  principalKind,
  userNameOfArn,
} from '../domain/principal.js';
export type { SessionRecord, SessionVia } from '../domain/model.js';

/** The session clock's view of a stored session (one definition, in session-live.ts; re-exported for callers). */
export { clockSessionOf } from '../domain/session-live.js';
