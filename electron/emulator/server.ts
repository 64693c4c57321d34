// The emulator's HTTP server on 127.0.0.1: its state (world, sessions, faults, clock offset, request log) and its
// life (listen, close); each request is handled by handler.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from './clock.js';
import { FaultController } from './faults.js';
import { FederationEndpoint } from './federation.js';
import { handleRequest, type RequestLogEntry, type Served } from './handler.js';
import { IdentityCenterEndpoint } from './sso.js';
import { SessionStore } from './sessions.js';
import { totp } from './totp.js';
import type { WorldSpec } from './types.js';
import { buildWorld, World } from './world.js';

export type { EmulatedService, RequestLogEntry } from './handler.js';

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

  const served: Served = {
    world,
    sessions,
    federation,
    faults,
    identityCenter,
    log,
    maxBody,
    now,
    sleep,
    closed: () => closed,
    endpoint: () => endpoint,
  };

  const server = createServer((req, res) => {
    handleRequest(served, req, res).catch(() => {
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
