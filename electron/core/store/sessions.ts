import { parseRecordList, parseSessionRecord } from './records.js';
import type { Settings } from './settings.js';

/** How a role's session was obtained: what the user needs to know to renew it. */
export type SessionVia = 'direct' | 'mfa-session' | 'mfa-direct' | 'chained';

/**
 * What Rolebar remembers of an active role session, in settings: when it ends, who it is, where it was written.
 * Never the credentials themselves (those are in the credentials file the user asked for, and in memory).
 */
export interface SessionRecord {
  /** The role's id: one session per role. */
  id: string;
  roleId: string;
  profileName: string;
  principalArn: string;
  accountId: string;
  /** ISO 8601, as STS gave it. */
  expiration: string;
  /** When the MFA session this one came from ends (ISO 8601): renewing before then needs no new code. */
  mfaExpiration?: string | undefined;
  /** Server time minus local time, from the STS Date header. Countdowns add it to the local clock. */
  clockOffsetMs: number;
  startedAt: string;
  via: SessionVia;
  /** Renewing needs an MFA-authenticated caller: a live MFA session or a fresh code. */
  requiresMfa: boolean;
  region?: string | undefined;
}

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

/** The kind of principal an ARN names, in the user's words. */
export type PrincipalKind = 'iam-user' | 'assumed-role' | 'root' | 'federated-user' | 'unknown';

/** Reads the principal kind from an ARN returned by GetCallerIdentity. */
export function principalKind(arn: string): PrincipalKind {
  if (/^arn:[\w-]+:iam::\d{12}:root$/.test(arn)) return 'root';
  if (/^arn:[\w-]+:iam::\d{12}:user\//.test(arn)) return 'iam-user';
  if (/^arn:[\w-]+:sts::\d{12}:assumed-role\//.test(arn)) return 'assumed-role';
  if (/^arn:[\w-]+:sts::\d{12}:federated-user\//.test(arn)) return 'federated-user';
  return 'unknown';
}

/** The account id in an ARN, or '' when it has none. */
export function accountOfArn(arn: string): string {
  return /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? '';
}

/** The partition in an ARN (one definition, in domain/endpoints.ts; re-exported for callers). */
export { partitionOfArn } from '../domain/endpoints.js';

/** The last part of a user's or session's ARN: `alice` for `…:user/team/alice`. */
export function userNameOfArn(arn: string): string | undefined {
  return /[:/]([^/:]+)$/.exec(arn)?.[1];
}

/** The session clock's view of a stored session (one definition, in session-live.ts; re-exported for callers). */
export { clockSessionOf } from '../domain/session-live.js';
