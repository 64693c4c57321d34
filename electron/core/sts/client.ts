import { createHash } from 'node:crypto';
import type {
  AssumeRoleCommandInput,
  GetCallerIdentityCommandOutput,
  GetSessionTokenCommandInput,
  STSClient,
  Credentials as StsCredentials,
} from '@aws-sdk/client-sts';
import type * as StsSdk from '@aws-sdk/client-sts';
import { RolebarError } from '../errors.js';
import type { StsTarget } from './endpoints.js';
import { type StsCallContext, toStsError } from './errors.js';

/** A set of AWS credentials as Rolebar holds them in memory. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  expiration?: Date | undefined;
}

/** Temporary credentials STS issued, with when they expire. */
export interface TemporaryCredentials extends AwsCredentials {
  sessionToken: string;
  expiration: Date;
}

/** What every STS answer also tells us: the server's clock, read from the HTTP `Date` header. */
export interface StsAnswer<T> {
  value: T;
  /** Server time minus local time when the answer arrived, in ms (±1 s: the header has whole seconds). */
  clockOffsetMs: number | undefined;
}

/** Beyond this, the local clock is called skewed and countdowns follow the server's clock. */
export const CLOCK_SKEW_WARNING_MS = 5 * 60_000;

export interface StsCallerOptions {
  /** Local clock; tests move it. */
  now?: () => number;
  /** Attempts per call, retries included (throttling, 5xx and dropped connections back off and retry). */
  maxAttempts?: number;
  /** Milliseconds before a silent connection or answer counts as a network failure. */
  requestTimeoutMs?: number;
}

/** Who GetCallerIdentity says the caller is. */
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** The three STS calls Rolebar makes, each mapped to StsError on failure and timed against the server clock. */
export interface StsCaller {
  assumeRole(
    target: StsTarget,
    credentials: AwsCredentials,
    input: AssumeRoleCommandInput,
    context: StsCallContext,
  ): Promise<StsAnswer<{ credentials: TemporaryCredentials; assumedRoleArn: string; assumedRoleId: string }>>;
  getSessionToken(
    target: StsTarget,
    credentials: AwsCredentials,
    input: GetSessionTokenCommandInput,
    context: StsCallContext,
  ): Promise<StsAnswer<TemporaryCredentials>>;
  getCallerIdentity(
    target: StsTarget,
    credentials: AwsCredentials,
    context: StsCallContext,
  ): Promise<StsAnswer<CallerIdentity>>;
  /** Closes kept connections (the CLI calls it before exiting; tests when they finish). */
  close(): void;
}

/** The SDK's deserialize-step middleware, reduced to what the clock reader touches. */
type ClockMiddleware = (
  next: (args: unknown) => Promise<{ response: unknown }>,
) => (args: unknown) => Promise<{ response: unknown }>;

/** A command's middleware stack, reduced to the one call we make on it. */
interface Watchable {
  middlewareStack: {
    add(middleware: ClockMiddleware, options: { step: 'deserialize'; priority: 'low'; name: string }): void;
  };
}

type StsModule = typeof StsSdk;
let stsModule: Promise<StsModule> | undefined;
/** The SDK is loaded on the first network call only: the CLI's cached paths never pay for it. */
function loadSts(): Promise<StsModule> {
  stsModule ??= import('@aws-sdk/client-sts');
  return stsModule;
}

/** Makes the STS caller used by the core; one SDK client per (endpoint, region, key) call. */
export function createStsCaller(options: StsCallerOptions = {}): StsCaller {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;

  // Clients are kept per (endpoint, region, credentials), so a switch reuses the connection and the SDK's setup.
  const clients = new Map<string, STSClient>();
  const MAX_CLIENTS = 16;

  function clientFor(sts: StsModule, target: StsTarget, credentials: AwsCredentials): STSClient {
    // A digest of everything the client signs with: a corrected secret must never reuse the old client.
    const key = createHash('sha256')
      .update(
        [
          target.endpoint,
          target.region,
          credentials.accessKeyId,
          credentials.secretAccessKey,
          credentials.sessionToken ?? '',
        ].join('\n'),
      )
      .digest('hex');
    const cached = clients.get(key);
    if (cached) {
      clients.delete(key);
      clients.set(key, cached);
      return cached;
    }
    const client = new sts.STSClient({
      region: target.region,
      endpoint: target.endpoint,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
      maxAttempts,
      requestHandler: {
        requestTimeout: requestTimeoutMs,
        connectionTimeout: requestTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    clients.set(key, client);
    if (clients.size > MAX_CLIENTS) {
      const [oldestKey, oldest] = clients.entries().next().value as [string, STSClient];
      clients.delete(oldestKey);
      oldest.destroy();
    }
    return client;
  }

  async function send<T>(
    target: StsTarget,
    credentials: AwsCredentials,
    context: StsCallContext,
    run: (
      client: STSClient,
      sts: StsModule,
      watch: <C extends object>(command: C) => C,
      options: { abortSignal: AbortSignal },
    ) => Promise<T>,
  ): Promise<StsAnswer<T>> {
    const sts = await loadSts();
    const client = clientFor(sts, target, credentials);
    let serverDate: number | undefined;
    let receivedAt = 0;
    // One deadline for the whole call, retries included: a silent endpoint must not hang a switch.
    const abort = new AbortController();
    const deadline = setTimeout(() => abort.abort(), requestTimeoutMs * maxAttempts);
    // Read the raw Date header of every answer to this command, errors included, before the SDK deserialises it.
    const clockReader: ClockMiddleware = (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> }).headers;
      receivedAt = now();
      const date = headers?.date ? Date.parse(headers.date) : Number.NaN;
      if (!Number.isNaN(date)) serverDate = date;
      return result;
    };
    const watch = <C extends object>(command: C): C => {
      (command as unknown as Watchable).middlewareStack.add(clockReader, {
        step: 'deserialize',
        priority: 'low',
        name: 'rolebarServerClock',
      });
      return command;
    };
    try {
      const value = await run(client, sts, watch, { abortSignal: abort.signal });
      return { value, clockOffsetMs: serverDate === undefined ? undefined : serverDate - receivedAt };
    } catch (error) {
      throw toStsError(error, context);
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    assumeRole: (target, credentials, input, context) =>
      send(target, credentials, context, async (client, sts, watch, options) => {
        const out = await client.send(watch(new sts.AssumeRoleCommand(input)), options);
        return {
          credentials: temporary(out.Credentials, 'AssumeRole'),
          assumedRoleArn: out.AssumedRoleUser?.Arn ?? '',
          assumedRoleId: out.AssumedRoleUser?.AssumedRoleId ?? '',
        };
      }),
    getSessionToken: (target, credentials, input, context) =>
      send(target, credentials, context, async (client, sts, watch, options) =>
        temporary(
          (await client.send(watch(new sts.GetSessionTokenCommand(input)), options)).Credentials,
          'GetSessionToken',
        ),
      ),
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
    getCallerIdentity: (target, credentials, context) =>
      send(target, credentials, context, async (client, sts, watch, options) =>
        callerIdentity(await client.send(watch(new sts.GetCallerIdentityCommand({})), options)),
      ),
  };
}

function temporary(credentials: StsCredentials | undefined, action: string): TemporaryCredentials {
  if (
    !credentials?.AccessKeyId ||
    !credentials.SecretAccessKey ||
    !credentials.SessionToken ||
    !credentials.Expiration
  ) {
    throw new RolebarError('sts-incomplete-answer', `STS answered ${action} without complete credentials.`, {
      hint: 'Try again; if it keeps happening, check the STS endpoint setting.',
    });
  }
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
  };
}

function callerIdentity(out: GetCallerIdentityCommandOutput): CallerIdentity {
  return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
}
