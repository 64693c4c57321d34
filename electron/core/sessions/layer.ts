// The session layer: the one owner of switching, renewing, signing out and removing a role. The service, the
// tray, the scheduler, the window, the CLI and credential-process all come through here, so a role is renewed at
// most once at a time: callers in this process share the renewal in flight (a map of promises per role, as
// Electron Fiddle does for downloads), and processes take turns through a per-role lock file in the settings
// folder (as aws-vault's session_lock.go). Whoever gets the lock first looks again: when another process renewed
// the session meanwhile, that session is reused instead of asking AWS a second time.
import { createHash } from 'node:crypto';
import path from 'node:path';
import {
  type AssumeContext,
  type AssumeOptions,
  type AssumeOutcome,
  assumeRole,
  location,
} from './assume.js';
import { readProfileCredentials, removeProfile } from '../aws-files/index.js';
import { withFileLock } from '../platform/lock.js';
import { type IdentitySessionOptions, identitySession } from './identity-session.js';
import { RolebarError } from '../domain/errors.js';
import { parseRoleArn, type RoleArnParts } from '../domain/model.js';
import { isLive, timeLeftMs } from '../domain/session-live.js';
import type { SessionRecord } from '../store/sessions.js';
import type { TemporaryCredentials } from '../aws/sts/client.js';

/** How a renewal may run; `marginMs` is how long a session must still have left to be kept as it is. */
export interface RenewOptions extends AssumeOptions {
  marginMs: number;
}

/** A live session as a renewal hands it out: the record, its credentials (main process/CLI only), and whether it is new. */
export interface LiveOutcome {
  session: SessionRecord;
  /** SECRET: never sent to the renderer, never logged. */
  credentials: TemporaryCredentials;
  notices: string[];
  /** False when a session that was still live (perhaps renewed by another process) was reused. */
  renewed: boolean;
}

/** Switch, renew, sign out and remove: every change to a role's session goes through one of these. */
export interface SessionLayer {
  /** Assumes the role now (a new session), taking turns with any other switch or renewal of it. */
  switchRole(roleId: string, options?: AssumeOptions): Promise<AssumeOutcome>;
  /** The role's session if it has more than `marginMs` left on AWS's clock, else a new one; one flight per role. */
  renew(roleId: string, options: RenewOptions): Promise<LiveOutcome>;
  /** Removes the role's profile (only what Rolebar wrote) and forgets its session. */
  signOut(roleId: string): Promise<{ removed: boolean }>;
  /** Refuses (changing nothing, naming them) while other roles are assumed from it; else signs out and deletes it. */
  removeRole(roleId: string): Promise<void>;
  /** A live session's credentials: the latest of memory and the profile Rolebar wrote. Undefined when none. */
  credentialsOf(roleId: string): Promise<TemporaryCredentials | undefined>;
  /**
   * After a revoke of the IAM role `roleArn`: forgets (memory, record, the profile Rolebar wrote) every session of
   * it that started before `before`, so the next use assumes a fresh one. Returns the ids of the roles forgotten.
   */
  forgetRevoked(roleArn: string, before: Date): Promise<string[]>;
  /** An identity's cached GetSessionToken session, or a new one: one flight per identity, across processes. */
  identitySession(identityId: string, options: IdentitySessionOptions): Promise<TemporaryCredentials>;
}

/** How long to wait for another process's renewal, and when its lock counts as abandoned (pids are checked first). */
const ROLE_LOCK = { timeoutMs: 90_000, staleMs: 75_000 } as const;

/** Builds the session layer over the engine's context; `lockDir` is the settings folder. */
export function createSessionLayer(ctx: AssumeContext, lockDir: string): SessionLayer {
  const switches = new Map<string, Promise<AssumeOutcome>>();
  const renewals = new Map<string, Promise<LiveOutcome>>();
  const identityFlights = new Map<string, Promise<TemporaryCredentials>>();

  const withRoleLock = <T>(roleId: string, fn: () => Promise<T>) => roleLocked(ctx, lockDir, roleId, fn);

  function switchRole(roleId: string, options: AssumeOptions = {}): Promise<AssumeOutcome> {
    const run = () => withRoleLock(roleId, () => assumeRole(ctx, roleId, options));
    // A caller with a code or a --force asked for something the flight in progress may not do: it takes its turn.
    return options.mfaCode !== undefined || options.force ? run() : once(switches, roleId, run);
  }

  async function renew(roleId: string, options: RenewOptions): Promise<LiveOutcome> {
    const run = () =>
      withRoleLock(roleId, async () => {
        // Looked at again under the lock: the process that held it before may have renewed it already.
        const live = await liveOutcome(ctx, roleId, options.marginMs);
        if (live) return live;
        const outcome = await assumeRole(ctx, roleId, options);
        return { ...outcome, renewed: true };
      });
    if (options.mfaCode !== undefined || options.force) return run();
    const shared = await once(renewals, roleId, run);
    // A flight that reused a session under a shorter margin may hand back less time than this caller needs; a
    // fresh one is as long as AWS gives, so asking again would only cost another call.
    if (shared.renewed) return shared;
    const left = timeLeftMs(
      { expiration: shared.credentials.expiration, clockOffsetMs: shared.session.clockOffsetMs },
      ctx.now(),
    );
    return left > options.marginMs ? shared : run();
  }

  async function signOutUnlocked(roleId: string): Promise<{ removed: boolean }> {
    const role = ctx.roles.get(roleId);
    const session = ctx.sessions.get(roleId);
    const profile = session?.profileName ?? role.profileName ?? role.label;
    const result = await removeProfile(profile, location(ctx));
    ctx.memory.delete(roleId);
    await ctx.sessions.remove(roleId);
    return { removed: result.removedFromCredentials || result.removedFromConfig };
  }

  return {
    switchRole,
    renew,
    signOut: (roleId) => withRoleLock(roleId, () => signOutUnlocked(roleId)),
    async removeRole(roleId) {
      // Refused before anything changes: a role others chain from keeps its session and its profile.
      ctx.roles.assertRemovable(roleId);
      await withRoleLock(roleId, async () => {
        ctx.roles.assertRemovable(roleId); // again: another process may have chained a role to it meanwhile
        if (ctx.sessions.get(roleId)) await signOutUnlocked(roleId);
        ctx.roles.remove(roleId);
      });
    },
    credentialsOf: (roleId) => credentialsOf(ctx, roleId),
    async forgetRevoked(roleArn, before) {
      const target = parseRoleArn(roleArn);
      const revoked = (session: SessionRecord | undefined): boolean =>
        session !== undefined &&
        sameRole(session.principalArn, target) &&
        Date.parse(session.startedAt) < before.getTime();
      const forgotten: string[] = [];
      // Every role configured for that IAM role, whether saved by ARN or by name: the session's principal says.
      for (const roleId of ctx.sessions
        .list()
        .filter(revoked)
        .map((s) => s.roleId)) {
        await withRoleLock(roleId, async () => {
          // Looked at again under the lock: another process may have started a fresh session meanwhile.
          if (!revoked(ctx.sessions.get(roleId))) return;
          await signOutUnlocked(roleId);
          forgotten.push(roleId);
        });
      }
      return forgotten;
    },
    identitySession(identityId, options) {
      const target = path.join(lockDir, `identity-${lockName(identityId)}`);
      // Looked at again under the lock, inside identitySession: another process may have renewed it meanwhile.
      const run = () => withFileLock(target, () => identitySession(ctx, identityId, options), ROLE_LOCK);
      return options.mfaCode !== undefined ? run() : once(identityFlights, identityId, run);
    },
  };
}

/** Runs `fn` holding the role's lock: one process at a time changes a role's session. */
async function roleLocked<T>(
  ctx: AssumeContext,
  lockDir: string,
  roleId: string,
  fn: () => Promise<T>,
): Promise<T> {
  const target = path.join(lockDir, lockName(roleId));
  try {
    return await withFileLock(target, fn, ROLE_LOCK);
  } catch (error) {
    // Only our own lock's timeout; a locked credentials file inside `fn` keeps its own message.
    if (!(error instanceof RolebarError) || error.code !== 'locked' || error.context.file !== target)
      throw error;
    const label = ctx.roles.find(roleId)?.label ?? roleId;
    throw new RolebarError(
      'session-busy',
      `Another Rolebar process (pid ${String(error.context.holder)}) is still renewing "${label}".`,
      { hint: 'Try again in a moment; nothing was changed.', cause: error },
    );
  }
}

/** A live session's credentials: the latest of memory and the profile Rolebar wrote. Undefined when none. */
async function credentialsOf(ctx: AssumeContext, roleId: string): Promise<TemporaryCredentials | undefined> {
  const session = ctx.sessions.get(roleId);
  const offset = { clockOffsetMs: session?.clockOffsetMs ?? 0 };
  const candidates: TemporaryCredentials[] = [];
  const inMemory = ctx.memory.get(roleId);
  if (inMemory) candidates.push(inMemory);
  if (session) {
    const stored = await readProfileCredentials(session.profileName, location(ctx));
    if (stored?.sessionToken && stored.expiresAt !== undefined) {
      candidates.push({
        accessKeyId: stored.accessKeyId,
        secretAccessKey: stored.secretAccessKey,
        sessionToken: stored.sessionToken,
        expiration: new Date(stored.expiresAt),
      });
    }
  }
  // Another process may have renewed the profile since this one remembered its own credentials: the later
  // wins, and the profile (listed last, the copy every process shares) wins a tie.
  const latest = candidates.reduce<TemporaryCredentials | undefined>(
    (best, c) => (!best || c.expiration.getTime() >= best.expiration.getTime() ? c : best),
    undefined,
  );
  return latest && isLive({ expiration: latest.expiration, ...offset }, ctx.now()) ? latest : undefined;
}

/** The role's current session, when it has more than `marginMs` left. */
async function liveOutcome(
  ctx: AssumeContext,
  roleId: string,
  marginMs: number,
): Promise<LiveOutcome | undefined> {
  const session = ctx.sessions.get(roleId);
  if (!session) return undefined;
  const credentials = await credentialsOf(ctx, roleId);
  if (!credentials) return undefined;
  const live = { expiration: credentials.expiration, clockOffsetMs: session.clockOffsetMs };
  return isLive(live, ctx.now(), marginMs)
    ? { session, credentials, notices: [], renewed: false }
    : undefined;
}

/** True when `principalArn` (arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION) is a session of the role `target`. */
function sameRole(principalArn: string, target: RoleArnParts): boolean {
  const match = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(principalArn);
  // A role's path is not in its session's ARN: account and name identify it.
  return match?.[1] === target.partition && match[2] === target.accountId && match[3] === target.name;
}

/** Shares a run in flight for `key`: later callers get the same promise until it settles. */
function once<T>(flights: Map<string, Promise<T>>, key: string, run: () => Promise<T>): Promise<T> {
  const current = flights.get(key);
  if (current) return current;
  const started = run().finally(() => flights.delete(key));
  flights.set(key, started);
  return started;
}

/** The lock file's name for a role: its id when that is a plain token (ids are UUIDs), else a digest of it. */
function lockName(roleId: string): string {
  const token = /^[\w-]{1,64}$/.test(roleId) ? roleId : createHash('sha256').update(roleId).digest('hex');
  return `session-${token}`;
}
