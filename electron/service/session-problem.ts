// What AWS last said is wrong with the active session (revoked, its key deleted, its account closed): found by
// asking AWS who the session is, and shown until the user switches to that role again or signs out of it.
import type { SessionProblemView } from '../ipc/contract.js';
import type { RolebarCore } from '../core/index.js';
import { AwsCallError } from '../core/domain/errors.js';
import { activeSessionOf } from '../core/domain/session-live.js';

/** Failures that mean the session itself no longer works (not the network, not throttling). */
const DEAD_SESSION = new Set(['unknown-key', 'wrong-secret', 'expired-token', 'access-denied']);

/** The active session's problem, the one owner of it. */
export interface SessionProblems {
  /** See RolebarService.verifyActive. */
  verifyActive(abandoned?: () => boolean): Promise<{ checked: boolean; ok: boolean }>;
  /** What the last check found wrong, if nothing cleared it since. */
  current(): SessionProblemView | undefined;
  /** The user switched to or signed out of `roleId`: a problem of its session is gone. */
  userActed(roleId: string): void;
}

/** Tracks the active session's problem; a new one is published at once. */
export function sessionProblems(deps: {
  core: RolebarCore;
  now: () => number;
  publish: () => Promise<void>;
}): SessionProblems {
  const { core, now } = deps;
  let problem: SessionProblemView | undefined;
  return {
    async verifyActive(abandoned = () => false) {
      const active = activeSessionOf(core.sessions.list(), now());
      if (!active) return { checked: false, ok: true };
      try {
        await core.whoAmI({ roleId: active.roleId });
        return { checked: true, ok: true };
      } catch (error) {
        if (abandoned() || !(error instanceof AwsCallError) || !DEAD_SESSION.has(error.failure)) {
          return { checked: false, ok: true };
        }
        problem = {
          roleId: active.roleId,
          message: `AWS no longer accepts this session: ${error.message}`,
          hint: 'It was revoked, its key deleted or its account closed. Switch to the role again.',
          at: new Date(now()).toISOString(),
        };
        await deps.publish();
        return { checked: true, ok: false };
      }
    },
    current: () => problem,
    userActed(roleId) {
      if (problem?.roleId === roleId) problem = undefined;
    },
  };
}
