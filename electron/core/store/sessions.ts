import type { SessionRecord } from '../domain/model.js';
import { parseRecordList, parseSessionRecord } from './records.js';
import type { Settings } from './settings.js';

/** The session registry: read back after a restart, so countdowns and alerts resume. */
export interface SessionRegistry {
  list(): SessionRecord[];
  get(roleId: string): SessionRecord | undefined;
  save(record: SessionRecord): void;
  remove(roleId: string): boolean;
}

/** Opens the registry over settings. */
export function sessionRegistry(settings: Settings): SessionRegistry {
  const parse = (raw: unknown) => parseRecordList(raw, settings.path, 'sessions', parseSessionRecord);
  const all = () => parse(settings.read().sessions);
  return {
    list: all,
    get: (roleId) => all().find((s) => s.roleId === roleId),
    save(record) {
      settings.update((data) => {
        const list = parse(data.sessions);
        const index = list.findIndex((s) => s.roleId === record.roleId);
        if (index >= 0) list[index] = record;
        else list.push(record);
        data.sessions = list.map((session) => ({ ...session }));
      });
    },
    remove(roleId) {
      if (!all().some((s) => s.roleId === roleId)) return false;
      settings.update((data) => {
        data.sessions = data.sessions.filter((s) => s.roleId !== roleId);
      });
      return true;
    },
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
