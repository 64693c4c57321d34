// One HTTP request to the emulator: read and logged, injected faults applied, then answered by Identity Center
// (its pages and APIs), the console federation endpoint, or the STS and IAM Query APIs (SigV4-authenticated).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ACTIONS } from './actions.js';
import { StsError, stsErrors } from './errors.js';
import type { FaultController, TakenFault } from './faults.js';
import type { FederationEndpoint } from './federation.js';
import { IAM_ACTIONS } from './iam.js';
import type { IdentityCenterEndpoint } from './sso.js';
import {
  type Caller,
  callerFromKey,
  callerFromSession,
  type SessionStore,
  secretEquals,
} from './sessions.js';
import {
  checkSigV4Envelope,
  parseQuery,
  parseSigV4,
  type RawHttpRequest,
  type SigV4Auth,
  verifySigV4Signature,
} from './sigv4.js';
import type { World } from './world.js';
import { errorXml, IAM_API_VERSION, IAM_XMLNS, STS_API_VERSION, STS_XMLNS, successXml } from './xml.js';

/** One handled request, as recorded in the log. Never contains a secret key, session token or signature. */
export interface RequestLogEntry {
  requestId: string;
  /** Emulator time when the request was handled (epoch ms). */
  at: number;
  method: string;
  path: string;
  /** `Action` parameter (STS action, or `getSigninToken`/`login` on /federation). */
  action: string | undefined;
  accessKeyId?: string;
  principalArn?: string;
  region?: string;
  /** HTTP status answered (0 when the connection was dropped). */
  status: number;
  /** `OK`, the AWS error code, or `ConnectionDropped`. */
  code: string;
}

/** What every request is handled with: the emulator's state and clock. */
export interface Served {
  world: World;
  sessions: SessionStore;
  federation: FederationEndpoint;
  faults: FaultController;
  identityCenter: IdentityCenterEndpoint;
  /** The request log, appended to. */
  log: RequestLogEntry[];
  maxBody: number;
  now(): number;
  /** Waits, on a timer the emulator cancels when it closes. */
  sleep(ms: number): Promise<void>;
  closed(): boolean;
  /** `http://127.0.0.1:PORT`, once listening. */
  endpoint(): string;
}

type Send = (status: number, headers: Record<string, string>, body: string) => void;

/** Handles one request: logs it, applies any injected fault, then routes it. */
export async function handleRequest(s: Served, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const url = req.url ?? '/';
  const path = url.split('?')[0] ?? '/';
  const entry: RequestLogEntry = {
    requestId,
    at: s.now(),
    method: req.method ?? 'GET',
    path,
    action: undefined,
    status: 0,
    code: '',
  };
  const send: Send = (status, headers, body) => {
    // A canned answer with a Transfer-Encoding header goes chunked: a body of no declared length.
    const chunked = Object.keys(headers).some((name) => name.toLowerCase() === 'transfer-encoding');
    res.writeHead(status, {
      ...headers,
      'x-amzn-RequestId': requestId,
      Date: new Date(s.now()).toUTCString(),
      ...(chunked ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }),
    });
    res.end(body);
  };
  const finish = (status: number, code: string): void => {
    entry.status = status;
    entry.code = code;
    s.log.push(entry);
  };
  const body = await readBody(req, s.maxBody);
  if (body === undefined) {
    finish(413, 'RequestEntityTooLarge');
    send(413, { 'Content-Type': 'text/plain' }, 'Request body too large\n');
    return;
  }
  const params = requestParams(url, req.headers['content-type'], body);
  const ssoAction = s.identityCenter.route(entry.method, path);
  const action = ssoAction ?? params.get('Action');
  entry.action = action;
  const service = path === '/federation' ? 'sts' : serviceOf(params);
  const xmlns = service === 'iam' ? IAM_XMLNS : STS_XMLNS;
  const delay = s.faults.takeDelay(action);
  if (delay > 0) await s.sleep(delay);
  if (s.closed()) return;
  entry.at = s.now();
  const sendError = (error: StsError): void => {
    finish(error.status, error.code);
    send(error.status, { 'Content-Type': 'text/xml' }, errorXml(error, requestId, xmlns));
  };
  if (applyFault(s.faults.take(action), req, { finish, send, sendError })) return;

  if (ssoAction !== undefined || path === '/federation') {
    const answer =
      ssoAction !== undefined
        ? s.identityCenter.handle(
            ssoAction,
            { method: entry.method, path, query: params, headers: req.headers, body, endpoint: s.endpoint() },
            entry.at,
          )
        : s.federation.handle(params, entry.at);
    if (answer.principalArn !== undefined) entry.principalArn = answer.principalArn;
    finish(answer.status, answer.code);
    send(answer.status, answer.headers, answer.body);
    return;
  }

  try {
    const raw: RawHttpRequest = { method: entry.method, url, headers: headerPairs(req.rawHeaders), body };
    const { name, result } = queryApiCall(s, raw, params, entry, service);
    finish(200, 'OK');
    send(200, { 'Content-Type': 'text/xml' }, successXml(name, result, requestId, xmlns));
  } catch (error) {
    sendError(error instanceof StsError ? error : stsErrors.internalFailure());
  }
}

/** The query string's parameters, and a form body's (which win). */
function requestParams(url: string, contentType: string | undefined, body: Buffer): Map<string, string> {
  const params = new Map(parseQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''));
  const type = (contentType ?? '').toLowerCase();
  if (body.length > 0 && (type === '' || type.includes('application/x-www-form-urlencoded'))) {
    for (const [k, v] of parseQuery(body.toString('utf8'))) params.set(k, v);
  }
  return params;
}

/** Answers with the injected fault, if one was taken: true when the request is done with. */
function applyFault(
  fault: TakenFault | undefined,
  req: IncomingMessage,
  reply: { finish(status: number, code: string): void; send: Send; sendError(error: StsError): void },
): boolean {
  if (fault?.kind === 'drop-connection') {
    reply.finish(0, 'ConnectionDropped');
    req.socket.destroy();
    return true;
  }
  if (fault?.kind === 'silence') {
    reply.finish(0, 'Silence'); // the socket is destroyed when the client gives up or the emulator closes
    return true;
  }
  if (fault?.canned) {
    const { status, headers = {}, body = '' } = fault.canned;
    reply.finish(status, 'Canned');
    reply.send(status, headers, body);
    return true;
  }
  if (fault?.kind === 'throttle') {
    reply.sendError(stsErrors.throttling());
    return true;
  }
  if (fault?.kind === 'internal-error') {
    reply.sendError(stsErrors.internalFailure());
    return true;
  }
  return false;
}

/** A signed STS or IAM Query API call: the caller authenticated, then the action run. Throws StsError. */
function queryApiCall(
  s: Served,
  raw: RawHttpRequest,
  params: ReadonlyMap<string, string>,
  entry: RequestLogEntry,
  service: EmulatedService,
) {
  const auth = parseSigV4(raw);
  if (auth === undefined) throw stsErrors.missingAuthenticationToken();
  entry.accessKeyId = auth.accessKeyId;
  entry.region = auth.region;
  const caller = authenticate(s.world, s.sessions, auth, raw, entry.at, service);
  entry.principalArn = caller.arn;
  const action = entry.action;
  if (action === undefined) throw stsErrors.missingAction();
  refuseWeakSession(caller, service, action);
  const version = params.get('Version');
  const handler = service === 'iam' ? IAM_ACTIONS.get(action) : ACTIONS.get(action);
  if (!handler || version !== (service === 'iam' ? IAM_API_VERSION : STS_API_VERSION))
    throw stsErrors.invalidAction(action, version ?? 'NO_VERSION_SPECIFIED');
  const result = handler({
    world: s.world,
    sessions: s.sessions,
    now: entry.at,
    caller,
    params,
    region: auth.region,
  });
  return { name: action, result };
}

/** What STS still lets a GetSessionToken session call (AWS: "cannot call any STS API except …"). */
const SESSION_TOKEN_STS_ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity']);

/**
 * AWS's limits on GetSessionToken credentials: no IAM API unless the session was made with MFA (IAM answers
 * InvalidClientTokenId), and no STS API but AssumeRole and GetCallerIdentity, with or without MFA.
 */
function refuseWeakSession(caller: Caller, service: EmulatedService, action: string): void {
  const session = caller.session;
  if (session?.kind !== 'session-token') return;
  if (service === 'iam' && session.mfaAuthenticatedAt === undefined) throw stsErrors.invalidClientTokenId();
  if (service === 'sts' && !SESSION_TOKEN_STS_ACTIONS.has(action))
    throw stsErrors.accessDenied(`Cannot call ${action} with session credentials`);
}

/** The service a request is for: IAM when it names IAM's API version (or, without one, an IAM action). */
export type EmulatedService = 'sts' | 'iam';

function serviceOf(params: ReadonlyMap<string, string>): EmulatedService {
  const version = params.get('Version');
  if (version === IAM_API_VERSION) return 'iam';
  return version === undefined && IAM_ACTIONS.has(params.get('Action') ?? '') ? 'iam' : 'sts';
}

function authenticate(
  world: World,
  sessions: SessionStore,
  auth: SigV4Auth,
  raw: RawHttpRequest,
  now: number,
  service: EmulatedService,
): Caller {
  checkSigV4Envelope(auth, now, service);
  // IAM is global: its requests are signed for us-east-1 in the aws partition.
  if (service === 'iam' && auth.region !== 'us-east-1') {
    throw stsErrors.signatureDoesNotMatch(
      `Credential should be scoped to a valid region, not '${auth.region}'. `,
    );
  }
  let caller: Caller;
  let secret: string;
  if (auth.accessKeyId.startsWith('ASIA')) {
    const session = sessions.get(auth.accessKeyId);
    if (!session) throw stsErrors.invalidClientTokenId();
    if (auth.securityToken === undefined || !secretEquals(auth.securityToken, session.sessionToken)) {
      throw stsErrors.invalidClientTokenId();
    }
    caller = callerFromSession(session);
    secret = session.secretAccessKey;
  } else {
    const key = world.keys.get(auth.accessKeyId);
    if (!key || key.status !== 'Active' || auth.securityToken !== undefined)
      throw stsErrors.invalidClientTokenId();
    // A key CreateAccessKey just made is refused until it has propagated, as in AWS.
    if (key.usableFrom !== undefined && now < key.usableFrom) throw stsErrors.invalidClientTokenId();
    caller = callerFromKey(key);
    secret = key.secretAccessKey;
  }
  verifySigV4Signature(raw, auth, secret);
  const used = world.keys.get(auth.accessKeyId);
  if (used) used.lastUsed = { date: new Date(now).toISOString(), service, region: auth.region };
  if (caller.session && now >= caller.session.expiresAt) throw stsErrors.expiredToken();
  if (service === 'sts' && world.disabledRegions.has(auth.region))
    throw stsErrors.regionDisabled(caller.accountId);
  return caller;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) return undefined;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
}
