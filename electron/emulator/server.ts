import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACTIONS } from './actions.js';
import { type Clock, systemClock } from './clock.js';
import { StsError, stsErrors } from './errors.js';
import { FaultController } from './faults.js';
import { FederationEndpoint } from './federation.js';
import { IAM_ACTIONS } from './iam.js';
import { IdentityCenterEndpoint } from './sso.js';
import { type Caller, callerFromKey, callerFromSession, SessionStore, secretEquals } from './sessions.js';
import {
  checkSigV4Envelope,
  parseQuery,
  parseSigV4,
  type RawHttpRequest,
  type SigV4Auth,
  verifySigV4Signature,
} from './sigv4.js';
import { totp } from './totp.js';
import type { WorldSpec } from './types.js';
import { buildWorld, World } from './world.js';
import { errorXml, IAM_API_VERSION, IAM_XMLNS, STS_API_VERSION, STS_XMLNS, successXml } from './xml.js';

/** Options of {@link startStsEmulator}. */
export interface StsEmulatorOptions {
  /** The world to serve: a spec (copied and validated) or an already built {@link World}. Required. */
  world: WorldSpec | World;
  /** Time source (default: the system clock). `setClockOffset` shifts it further. */
  clock?: Clock;
  /** TCP port on 127.0.0.1 (default 0: a free port). */
  port?: number;
  /** Largest accepted request body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /**
   * Issue no session longer than this many seconds, whatever was asked: far below STS's 900 s minimum, so a test
   * sees clients live through renewals in a minute. Real STS never does this; leave it unset elsewhere.
   */
  maxSessionSeconds?: number;
}

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

/** A running emulator. */
export interface StsEmulator {
  /** `http://127.0.0.1:PORT`: give it to the SDK (`endpoint`) or the CLI (`--endpoint-url`). */
  readonly endpoint: string;
  /** `http://127.0.0.1:PORT/federation`: the console federation endpoint. */
  readonly federationEndpoint: string;
  readonly port: number;
  /** The live world (users, roles, keys, MFA state). */
  readonly world: World;
  /** Credentials issued so far. */
  readonly sessions: SessionStore;
  /** Console sign-in tokens and the federation handler. */
  readonly federation: FederationEndpoint;
  /** Fault injection. */
  readonly faults: FaultController;
  /** IAM Identity Center (SSO OIDC, authorize pages, portal), when the world has an `identityCenter`. */
  readonly identityCenter: IdentityCenterEndpoint;
  /** Emulator time: the clock plus the offset. */
  now(): number;
  /** Skews the emulator clock by `ms` relative to its clock (0 resets). */
  setClockOffset(ms: number): void;
  /** The current clock offset in ms. */
  clockOffset(): number;
  /** The request log, oldest first (a copy). */
  requests(): RequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Number of logged requests of `action` (optionally only those answered with `code`). */
  countRequests(action: string, code?: string): number;
  /** Current (or `atMs`) TOTP code of an MFA device of the world, by serial number. */
  totp(serial: string, atMs?: number): string;
  /** Stops listening, drops open connections and cancels pending delayed answers. */
  close(): Promise<void>;
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

/** Starts an STS emulator on 127.0.0.1. */
export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const world = options.world instanceof World ? options.world : buildWorld(options.world);
  const clock = options.clock ?? systemClock;
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const sessions = new SessionStore(options.maxSessionSeconds);
  const federation = new FederationEndpoint(sessions);
  const faults = new FaultController();
  const identityCenter = new IdentityCenterEndpoint(world.identityCenter, sessions);
  let endpoint = '';
  const log: RequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let offset = 0;
  let closed = false;
  const now = (): number => clock.now() + offset;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string,
    requestId: string,
  ): void => {
    res.writeHead(status, {
      ...headers,
      'x-amzn-RequestId': requestId,
      Date: new Date(now()).toUTCString(),
      'Content-Length': String(Buffer.byteLength(body)),
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const entry: RequestLogEntry = {
      requestId,
      at: now(),
      method: req.method ?? 'GET',
      path,
      action: undefined,
      status: 0,
      code: '',
    };
    const body = await readBody(req, maxBody);
    if (body === undefined) {
      entry.status = 413;
      entry.code = 'RequestEntityTooLarge';
      log.push(entry);
      send(res, 413, { 'Content-Type': 'text/plain' }, 'Request body too large\n', requestId);
      return;
    }
    const params = new Map(parseQuery(url.includes('?') ? url.slice(url.indexOf('?') + 1) : ''));
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    if (
      body.length > 0 &&
      (contentType === '' || contentType.includes('application/x-www-form-urlencoded'))
    ) {
      for (const [k, v] of parseQuery(body.toString('utf8'))) params.set(k, v);
    }
    const ssoAction = identityCenter.route(entry.method, path);
    const action = ssoAction ?? params.get('Action');
    entry.action = action;
    const service = path === '/federation' ? 'sts' : serviceOf(params);
    const xmlns = service === 'iam' ? IAM_XMLNS : STS_XMLNS;
    const delay = faults.takeDelay(action);
    if (delay > 0) await sleep(delay);
    if (closed) return;
    entry.at = now();
    const fault = faults.take(action);
    const finish = (status: number, code: string): void => {
      entry.status = status;
      entry.code = code;
      log.push(entry);
    };
    if (fault?.kind === 'drop-connection') {
      finish(0, 'ConnectionDropped');
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'silence') {
      finish(0, 'Silence'); // the socket is destroyed when the client gives up or the emulator closes
      return;
    }
    if (fault?.canned) {
      const { status, headers = {}, body = '' } = fault.canned;
      finish(status, 'Canned');
      send(res, status, headers, body, requestId);
      return;
    }
    const sendError = (error: StsError): void => {
      finish(error.status, error.code);
      send(res, error.status, { 'Content-Type': 'text/xml' }, errorXml(error, requestId, xmlns), requestId);
    };
    if (fault?.kind === 'throttle') return sendError(stsErrors.throttling());
    if (fault?.kind === 'internal-error') return sendError(stsErrors.internalFailure());

    if (ssoAction !== undefined) {
      const answer = identityCenter.handle(
        ssoAction,
        { method: entry.method, path, query: params, headers: req.headers, body, endpoint },
        entry.at,
      );
      if (answer.principalArn !== undefined) entry.principalArn = answer.principalArn;
      finish(answer.status, answer.code);
      send(res, answer.status, answer.headers, answer.body, requestId);
      return;
    }

    if (path === '/federation') {
      const answer = federation.handle(params, entry.at);
      if (answer.principalArn !== undefined) entry.principalArn = answer.principalArn;
      finish(answer.status, answer.code);
      send(res, answer.status, answer.headers, answer.body, requestId);
      return;
    }

    try {
      const raw: RawHttpRequest = {
        method: req.method ?? 'GET',
        url,
        headers: headerPairs(req.rawHeaders),
        body,
      };
      const auth = parseSigV4(raw);
      if (auth === undefined) throw stsErrors.missingAuthenticationToken();
      entry.accessKeyId = auth.accessKeyId;
      entry.region = auth.region;
      const caller = authenticate(world, sessions, auth, raw, entry.at, service);
      entry.principalArn = caller.arn;
      if (action === undefined) throw stsErrors.missingAction();
      const version = params.get('Version');
      const handler = service === 'iam' ? IAM_ACTIONS.get(action) : ACTIONS.get(action);
      if (!handler || version !== (service === 'iam' ? IAM_API_VERSION : STS_API_VERSION))
        throw stsErrors.invalidAction(action, version ?? 'NO_VERSION_SPECIFIED');
      const result = handler({ world, sessions, now: entry.at, caller, params, region: auth.region });
      finish(200, 'OK');
      const answer = successXml(action, result, requestId, xmlns);
      send(res, 200, { 'Content-Type': 'text/xml' }, answer, requestId);
    } catch (error) {
      sendError(error instanceof StsError ? error : stsErrors.internalFailure());
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    federationEndpoint: `${endpoint}/federation`,
    port,
    world,
    sessions,
    federation,
    faults,
    identityCenter,
    now,
    setClockOffset: (ms: number) => {
      offset = ms;
    },
    clockOffset: () => offset,
    requests: () => log.map((e) => ({ ...e })),
    clearRequests: () => {
      log.length = 0;
    },
    countRequests: (a: string, code?: string) =>
      log.filter((e) => e.action === a && (code === undefined || e.code === code)).length,
    totp: (serial: string, atMs?: number) => {
      const device = world.mfaDevices.get(serial);
      if (!device) throw new Error(`no MFA device ${serial}`);
      return totp(device.secretBase32, atMs ?? now());
    },
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return out;
}
