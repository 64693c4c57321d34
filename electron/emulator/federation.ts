import { randomBytes } from 'node:crypto';
import { type IssuedSession, type SessionStore, secretEquals } from './sessions.js';

/** How long a sign-in token can be exchanged at `Action=login` (AWS: 15 minutes). */
export const SIGNIN_TOKEN_TTL_MS = 15 * 60 * 1000;

/** A console sign-in token issued by `getSigninToken`. */
export interface SigninTokenRecord {
  token: string;
  issuedAt: number;
  accountId: string;
  principalArn: string;
  /** Console session length requested (seconds). */
  consoleSessionSeconds: number;
}

/** The answer of the federation endpoint (JSON or a redirect). */
export interface FederationResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the request log. */
  code: string;
  principalArn?: string;
}

function fail(status: number, code: string, message: string, principalArn?: string): FederationResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: `${JSON.stringify({ Error: { Code: code, Message: message } })}\n`,
    code,
    ...(principalArn === undefined ? {} : { principalArn }),
  };
}

/** The console federation endpoint (`/federation`): `getSigninToken` and `login`. */
export class FederationEndpoint {
  private readonly tokens = new Map<string, SigninTokenRecord>();

  constructor(private readonly sessions: SessionStore) {}

  /** Issued sign-in tokens (tests inspect them). */
  get issued(): SigninTokenRecord[] {
    return [...this.tokens.values()];
  }

  /** Handles one request given its query parameters and the emulator time. */
  handle(params: ReadonlyMap<string, string>, now: number): FederationResponse {
    const action = params.get('Action');
    if (action === 'getSigninToken') return this.getSigninToken(params, now);
    if (action === 'login') return this.login(params, now);
    return fail(400, 'InvalidAction', `Unsupported federation Action: ${action ?? '(none)'}`);
  }

  private getSigninToken(params: ReadonlyMap<string, string>, now: number): FederationResponse {
    const raw = params.get('Session');
    if (raw === undefined) return fail(400, 'MissingParameter', 'The Session parameter is required.');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return fail(400, 'MalformedSession', 'The Session parameter is not valid JSON.');
    }
    const s = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
    const { sessionId, sessionKey, sessionToken } = s;
    if (typeof sessionId === 'string' && sessionId.startsWith('AKIA')) {
      return fail(
        403,
        'InvalidCredentials',
        'Long-term access keys cannot be used for console federation; use temporary credentials.',
      );
    }
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
      return fail(400, 'MalformedSession', 'Session must contain sessionId, sessionKey and sessionToken.');
    }
    const session: IssuedSession | undefined = this.sessions.get(sessionId);
    if (
      !session ||
      !secretEquals(session.secretAccessKey, sessionKey) ||
      !secretEquals(session.sessionToken, sessionToken)
    ) {
      return fail(403, 'InvalidCredentials', 'The security token included in the request is invalid.');
    }
    if (now >= session.expiresAt) {
      return fail(403, 'ExpiredToken', 'The security token included in the request is expired', session.arn);
    }
    if (session.kind === 'session-token') {
      return fail(
        403,
        'InvalidCredentials',
        'Credentials from GetSessionToken cannot be used for console federation.',
        session.arn,
      );
    }
    const durationRaw = params.get('SessionDuration');
    let consoleSessionSeconds = 3600;
    if (durationRaw !== undefined) {
      const n = /^\d+$/.test(durationRaw) ? Number(durationRaw) : Number.NaN;
      if (Number.isNaN(n) || n < 900 || n > 43200) {
        return fail(
          400,
          'InvalidParameter',
          'SessionDuration must be an integer between 900 and 43200 seconds.',
          session.arn,
        );
      }
      if (session.kind === 'federated') {
        return fail(
          400,
          'InvalidParameter',
          'SessionDuration cannot be used with credentials from GetFederationToken.',
          session.arn,
        );
      }
      if (session.chained && n > 3599) {
        return fail(
          400,
          'InvalidParameter',
          'SessionDuration is limited to less than 1 hour for credentials obtained by role chaining.',
          session.arn,
        );
      }
      consoleSessionSeconds = n;
    }
    const token = randomBytes(384).toString('base64url');
    this.tokens.set(token, {
      token,
      issuedAt: now,
      accountId: session.accountId,
      principalArn: session.arn,
      consoleSessionSeconds,
    });
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: `${JSON.stringify({ SigninToken: token })}\n`,
      code: 'OK',
      principalArn: session.arn,
    };
  }

  private login(params: ReadonlyMap<string, string>, now: number): FederationResponse {
    const destination = params.get('Destination');
    let url: URL | undefined;
    try {
      url = destination === undefined ? undefined : new URL(destination);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      return fail(400, 'InvalidParameter', 'Destination must be an absolute http(s) URL.');
    }
    const record = this.tokens.get(params.get('SigninToken') ?? '');
    if (!record || now - record.issuedAt > SIGNIN_TOKEN_TTL_MS || now < record.issuedAt) {
      return fail(400, 'InvalidSigninToken', 'The sign-in token is invalid or has expired.');
    }
    return {
      status: 302,
      headers: { location: url.toString() },
      body: '',
      code: 'OK',
      principalArn: record.principalArn,
    };
  }
}
