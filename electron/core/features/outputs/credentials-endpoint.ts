// A local credentials endpoint in the container-credentials format that every AWS SDK and the AWS CLI poll
// (`AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN`): a program started once keeps
// working through any number of renewals, because clients fetch again before the Expiration they were given.
// One endpoint serves exactly one role: the caller binds `fetchSession` to it. Renewals go through the session
// layer (single flight per role, across processes); this file only caches the answer and guards the door.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MfaRequiredError } from '../../sessions/assume.js';
import type { Engine } from '../../sessions/engine.js';
import { RolebarError } from '../../domain/errors.js';
import { profileNameOf, type Role } from '../../domain/model.js';
import { clockOffsetOf, isLive, timeLeftMs } from '../../domain/session-live.js';
import type { TemporaryCredentials } from '../../aws/sts/client.js';

/** A session as the endpoint serves it: its credentials and AWS's clock offset. */
export interface EndpointSession {
  /** SECRET: served only to a request carrying the token. */
  credentials: TemporaryCredentials;
  clockOffsetMs?: number | undefined;
}

/** How an endpoint gets its one role's session: the role's live session, renewed when less than `marginMs` is left. */
export type SessionFetcher = (marginMs: number) => Promise<EndpointSession>;

/** A running endpoint. */
export interface CredentialsEndpoint {
  /** `http://127.0.0.1:PORT/role-credentials`: the value of AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  readonly url: string;
  /** SECRET: the value of AWS_CONTAINER_AUTHORIZATION_TOKEN; random for each endpoint. Never log it. */
  readonly token: string;
  /** The session now, renewed first when it is due (the CLI calls this ahead of the end, to ask for a code). */
  refresh(): Promise<EndpointSession>;
  /** Milliseconds until the cached session is due for renewal (undefined before the first fetch). */
  dueInMs(now?: number): number | undefined;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Options of {@link startCredentialsEndpoint}. */
export interface EndpointOptions {
  fetchSession: SessionFetcher;
  /** Local time (default Date.now): passed in so that tests can move it. */
  now?: () => number;
}

/** The path served; anything else is 404 (after the token check). */
export const ENDPOINT_PATH = '/role-credentials';

/** At most this long before the end, a session is renewed (SDKs fetch again 5 to 15 minutes before Expiration). */
const MAX_MARGIN_MS = 10 * 60_000;

/**
 * How long before its end a session is renewed: 10 minutes, or half the time it had left when fetched if that is
 * shorter (the emulator issues sessions of seconds in tests), so a served session always has time left to be used.
 */
export function renewalMarginMs(leftMs: number): number {
  return Math.max(0, Math.min(MAX_MARGIN_MS, Math.floor(leftMs / 2)));
}

/**
 * The source of `rolebar exec --server` and of the app's endpoint for one role: its live session through the
 * session layer, never a prompt. A renewal that needs an MFA code fails with a clear error, never old keys.
 */
export function roleSessionFetcher(core: Pick<Engine, 'renew'>, role: Role): SessionFetcher {
  return async (marginMs) => {
    try {
      const live = await core.renew(role.id, { marginMs });
      return { credentials: live.credentials, clockOffsetMs: live.session.clockOffsetMs };
    } catch (error) {
      if (!(error instanceof MfaRequiredError)) throw error;
      throw new RolebarError(
        'mfa-required',
        `"${role.label}" needs a new MFA code (${error.serial}) to renew its session; no expired keys are served.`,
        {
          hint: `Run \`rolebar assume ${profileNameOf(role)} --mfa-code CODE\` (or switch to it in the Rolebar window): the endpoint serves the new session at once.`,
        },
      );
    }
  };
}

/** The container-credentials answer: the field names botocore's ContainerProvider and the JS SDK's fromHttp read. */
export function containerCredentialsBody(session: EndpointSession): string {
  const { credentials } = session;
  // Clients compare Expiration with their own clock: convert from AWS's clock to this computer's.
  const localEnd = credentials.expiration.getTime() - clockOffsetOf(session);
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: new Date(localEnd).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

/** The body of a refusal: a code and a message a person can act on, never a key. */
function errorBody(error: unknown): string {
  if (error instanceof RolebarError) {
    return JSON.stringify({
      code: error.code,
      message: `${error.message}${error.hint ? ` ${error.hint}` : ''}`,
    });
  }
  return JSON.stringify({
    code: 'renewal-failed',
    message: 'Rolebar could not renew the session. Run `rolebar status` to see why.',
  });
}

/** True when `given` is the token, compared in constant time. */
function tokenMatches(given: string | undefined, token: Buffer): boolean {
  if (given === undefined) return false;
  const bytes = Buffer.from(given, 'utf8');
  return bytes.length === token.length && timingSafeEqual(bytes, token);
}

/** Starts an endpoint on 127.0.0.1 (a free port) for the one role `fetchSession` is bound to. */
export async function startCredentialsEndpoint(options: EndpointOptions): Promise<CredentialsEndpoint> {
  const now = options.now ?? Date.now;
  const token = randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token, 'utf8');
  let cached: { session: EndpointSession; marginMs: number } | undefined;
  let inFlight: Promise<EndpointSession> | undefined;

  function fresh(): EndpointSession | undefined {
    if (!cached) return undefined;
    const { session, marginMs } = cached;
    const live = { expiration: session.credentials.expiration, clockOffsetMs: session.clockOffsetMs };
    return isLive(live, now(), marginMs) ? session : undefined;
  }

  /** The cached session while it is not due, else one renewal shared by every request waiting for it. */
  function current(): Promise<EndpointSession> {
    const hit = fresh();
    if (hit) return Promise.resolve(hit);
    inFlight ??= (async () => {
      try {
        // The first time, any live session will do (the one the caller just started); later, one with time left.
        const session = await options.fetchSession(cached?.marginMs ?? 0);
        const left = timeLeftMs(
          { expiration: session.credentials.expiration, clockOffsetMs: session.clockOffsetMs },
          now(),
        );
        // Never hand out a session that has already ended (an MFA role whose renewal needs a code fails above).
        if (!(left > 0)) {
          throw new RolebarError('session-expired', 'The session has ended and could not be renewed.', {
            hint: 'Switch to the role again in Rolebar.',
          });
        }
        cached = { session, marginMs: renewalMarginMs(left) };
        return session;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(body);
    };
    // Checked before anything else: without the token, nothing is served, not even whether the path exists.
    if (!tokenMatches(req.headers.authorization, tokenBytes)) {
      send(403, JSON.stringify({ code: 'forbidden', message: 'Missing or wrong authorization token.' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== ENDPOINT_PATH) {
      send(404, JSON.stringify({ code: 'not-found', message: `Only GET ${ENDPOINT_PATH} is served.` }));
      return;
    }
    try {
      send(200, containerCredentialsBody(await current()));
    } catch (error) {
      send(503, errorBody(error));
    }
  }

  const server = createServer((req, res) => {
    void answer(req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the endpoint has no TCP port');
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}${ENDPOINT_PATH}`,
    token,
    refresh: current,
    dueInMs(at = now()) {
      if (!cached) return undefined;
      const { session, marginMs } = cached;
      return (
        timeLeftMs({ expiration: session.credentials.expiration, clockOffsetMs: session.clockOffsetMs }, at) -
        marginMs
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
