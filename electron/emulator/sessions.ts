import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { PolicyDocument } from './types.js';
import type { Account, LongTermKey, Role, User } from './world.js';

/** How a set of temporary credentials was obtained. */
export type SessionKind = 'assumed-role' | 'session-token' | 'federated';

/** Temporary credentials issued by the emulator, with everything later calls need to know about them. */
export interface IssuedSession {
  kind: SessionKind;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  issuedAt: number;
  expiresAt: number;
  accountId: string;
  /** What GetCallerIdentity answers. */
  arn: string;
  userId: string;
  /** The role, for assumed-role sessions. */
  role?: Role;
  /** The IAM user behind session-token and federated sessions (absent for the root user). */
  user?: User;
  sessionName?: string;
  /** When MFA was verified for this session's lineage; undefined when never. */
  mfaAuthenticatedAt?: number;
  /** True for role sessions obtained with role-session credentials (role chaining). */
  chained: boolean;
  sourceIdentity?: string;
  /** Session tags (key case kept as given). */
  tags: Map<string, string>;
  /** Lower-cased keys of transitive tags. */
  transitiveTagKeys: Set<string>;
  /** Session policies (inline Policy and PolicyArns) that limit this session. */
  sessionPolicies: PolicyDocument[];
}

/** The authenticated caller of one request. */
export interface Caller {
  type: 'user' | 'root' | 'assumed-role' | 'federated-user';
  accountId: string;
  arn: string;
  userId: string;
  accessKeyId: string;
  /** Present for temporary credentials. */
  session?: IssuedSession;
  /** The long-term key, for long-term credentials. */
  key?: LongTermKey;
  /** The IAM user (long-term user keys, and session-token/federated sessions of a user). */
  user?: User;
  /** The root user's account (root keys and sessions). */
  rootAccount?: Account;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh temporary access key id: `ASIA` + 16 uppercase alphanumerics (20 characters). */
export function newTemporaryAccessKeyId(): string {
  let out = 'ASIA';
  for (let i = 0; i < 16; i++) out += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return out;
}

/** A fresh 40-character secret access key. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** A fresh session token: long random base64, like AWS's. */
export function newSessionToken(): string {
  return `FwoGZXIvYXdzE${randomBytes(300).toString('base64')}`;
}

/** Constant-time string equality (for secrets and tokens). */
export function secretEquals(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Everything needed to issue credentials except the generated secrets. */
export type SessionInit = Omit<IssuedSession, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;

/** The store of temporary credentials issued by one emulator. */
export class SessionStore {
  private readonly byKeyId = new Map<string, IssuedSession>();

  /** `maxSessionSeconds`: issue no session longer than this, below STS's 900 s minimum (tests of renewals). */
  constructor(private readonly maxSessionSeconds?: number) {}

  /** Issues new credentials for `init` (cut to `maxSessionSeconds` when set) and remembers them. */
  issue(init: SessionInit): IssuedSession {
    const cap = this.maxSessionSeconds;
    const expiresAt =
      cap === undefined ? init.expiresAt : Math.min(init.expiresAt, init.issuedAt + cap * 1000);
    let accessKeyId = newTemporaryAccessKeyId();
    while (this.byKeyId.has(accessKeyId)) accessKeyId = newTemporaryAccessKeyId();
    const session: IssuedSession = {
      ...init,
      expiresAt,
      accessKeyId,
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
    };
    this.byKeyId.set(accessKeyId, session);
    return session;
  }

  /**
   * Revokes one session at once: every later call with it is refused as InvalidClientTokenId. (Real STS has no
   * such call; AWSRevokeOlderSessions denies by policy, which GetCallerIdentity ignores.) False when unknown.
   */
  revoke(accessKeyId: string): boolean {
    return this.byKeyId.delete(accessKeyId);
  }

  /** The session with this access key id, if it was issued here. */
  get(accessKeyId: string): IssuedSession | undefined {
    return this.byKeyId.get(accessKeyId);
  }

  /** Number of sessions issued so far. */
  get size(): number {
    return this.byKeyId.size;
  }

  /** All issued sessions (tests use this to inspect lineage; never log the secrets it holds). */
  all(): IssuedSession[] {
    return [...this.byKeyId.values()];
  }
}

/** The caller identity behind a temporary session. */
export function callerFromSession(session: IssuedSession): Caller {
  const type: Caller['type'] =
    session.kind === 'assumed-role'
      ? 'assumed-role'
      : session.kind === 'federated'
        ? 'federated-user'
        : session.user
          ? 'user'
          : 'root';
  return {
    type,
    accountId: session.accountId,
    arn: session.arn,
    userId: session.userId,
    accessKeyId: session.accessKeyId,
    session,
    ...(session.user ? { user: session.user } : {}),
  };
}

/** The caller identity behind a long-term key. */
export function callerFromKey(key: LongTermKey): Caller {
  if (key.owner.kind === 'root') {
    const account = key.owner.account;
    return {
      type: 'root',
      accountId: account.id,
      arn: account.rootArn,
      userId: account.id,
      accessKeyId: key.accessKeyId,
      key,
      rootAccount: account,
    };
  }
  const user = key.owner.user;
  return {
    type: 'user',
    accountId: user.account.id,
    arn: user.arn,
    userId: user.userId,
    accessKeyId: key.accessKeyId,
    key,
    user,
  };
}
