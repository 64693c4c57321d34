// STS, the one AWS service every switch calls: AssumeRole, GetSessionToken, GetCallerIdentity over a pooled SDK
// client, each answer checked (answers.ts) and each failure put in the user's words (errors.ts).
import type {
  AssumeRoleCommandInput,
  GetCallerIdentityCommandOutput,
  GetSessionTokenCommandInput,
  STSClient,
} from '@aws-sdk/client-sts';
import type * as StsSdk from '@aws-sdk/client-sts';
import { printable } from '../../domain/printable.js';
import type { StsTarget } from '../../domain/endpoints.js';
import {
  type RawAnswer,
  checkAssumedRoleArn,
  checkCredentials,
  checkExpiration,
  foreignAnswerError,
  isAwsErrorDocument,
  isForeignAnswer,
  oversizedAnswer,
} from './answers.js';
import { StsError, type StsCallContext, toStsError } from './errors.js';
import { capAnswerBody, sdkClientConfig, sdkClientPool } from '../sdk-clients.js';
import { MAX_STS_ANSWER_BYTES } from '../../domain/limits.js';
import { refuseIrregularAwsFiles } from '../../aws-files/regular-files.js';

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
  /** Milliseconds before a silent connection or answer counts as a network failure (one attempt). */
  requestTimeoutMs?: number;
  /**
   * Bound on a whole call, retries included. Default: ROLEBAR_STS_TIMEOUT_SECONDS from `env` when it is a
   * positive number, else 15 s.
   */
  callTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The whole-call bound when nothing else is configured. */
export const DEFAULT_STS_CALL_TIMEOUT_MS = 15_000;

function configuredCallTimeout(options: StsCallerOptions): number {
  if (options.callTimeoutMs !== undefined) return options.callTimeoutMs;
  const seconds = Number((options.env ?? process.env).ROLEBAR_STS_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_STS_CALL_TIMEOUT_MS;
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

/**
 * Starts loading the SDK now, without waiting: a command that will call STS (a cold `rolebar assume`) loads it
 * while it waits for the keychain helper to start, instead of after. A failure shows at the real call.
 */
export function preloadSts(): void {
  loadSts().catch(() => undefined);
}

/** Makes the STS caller used by the core; one SDK client per (endpoint, region, key) call. */
export function createStsCaller(options: StsCallerOptions = {}): StsCaller {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 3;
  const callTimeoutMs = configuredCallTimeout(options);
  const requestTimeoutMs = Math.min(options.requestTimeoutMs ?? 10_000, callTimeoutMs);

  // A switch reuses the client (its connection and the SDK's set-up) of the credentials it assumes from.
  const clients = sdkClientPool<STSClient>(16);

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
    check?: (value: T, serverNow: number) => void,
  ): Promise<StsAnswer<T>> {
    // The SDK reads the AWS files this process's environment names; a FIFO there would hang it.
    refuseIrregularAwsFiles();
    const sts = await loadSts();
    const client = clients.get(
      target,
      credentials,
      () => new sts.STSClient(sdkClientConfig(target, credentials, { maxAttempts, requestTimeoutMs })),
    );
    let serverDate: number | undefined;
    let receivedAt = 0;
    let raw: RawAnswer | undefined;
    // One deadline for the whole call, retries included: a silent endpoint must not hang a switch.
    const abort = new AbortController();
    let timedOut = false;
    let oversized = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, callTimeoutMs);
    // Read the raw status and headers of every answer to this command, errors included, before the SDK
    // deserialises it: the Date header sets the clock, the rest tells an STS answer from something else.
    const clockReader: ClockMiddleware = (next) => async (args) => {
      const result = await next(args);
      const answer = rawAnswerOf(result.response);
      raw = answer;
      capAnswerBody(result.response, MAX_STS_ANSWER_BYTES, () => (oversized = true));
      receivedAt = now();
      const date = answer.date ? Date.parse(answer.date) : Number.NaN;
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
      check?.(value, serverDate ?? now());
      return { value, clockOffsetMs: serverDate === undefined ? undefined : serverDate - receivedAt };
    } catch (error) {
      if (oversized) throw oversizedAnswer(target, context, MAX_STS_ANSWER_BYTES);
      if (timedOut && !(error instanceof StsError))
        throw silentEndpoint(target, context, callTimeoutMs, error);
      // An answer that is not STS's (a web page, a redirect, a 404, garbage) is named for what it was; an AWS
      // error document is AWS's error whatever its content type (moto sends text/html), as botocore reads it.
      if (raw && !isAwsErrorDocument(error) && (isForeignAnswer(raw) || isUnreadableAnswer(error)))
        throw foreignAnswerError(raw, target, context, error);
      if (error instanceof StsError) throw error;
      throw toStsError(error, context);
    } finally {
      clearTimeout(deadline);
    }
  }

  return {
    assumeRole: (target, credentials, input, context) =>
      send(
        target,
        credentials,
        context,
        async (client, sts, watch, options) => {
          const out = await client.send(watch(new sts.AssumeRoleCommand(input)), options);
          return {
            credentials: checkCredentials(out.Credentials, target, context),
            assumedRoleArn: out.AssumedRoleUser?.Arn ?? '',
            assumedRoleId: out.AssumedRoleUser?.AssumedRoleId ?? '',
          };
        },
        (value, serverNow) => {
          checkAssumedRoleArn(value.assumedRoleArn, askedOf(input), target, context);
          checkExpiration(value.credentials.expiration, serverNow, target, context);
        },
      ),
    getSessionToken: (target, credentials, input, context) =>
      send(
        target,
        credentials,
        context,
        async (client, sts, watch, options) =>
          checkCredentials(
            (await client.send(watch(new sts.GetSessionTokenCommand(input)), options)).Credentials,
            target,
            context,
          ),
        (value, serverNow) => checkExpiration(value.expiration, serverNow, target, context),
      ),
    close: () => clients.close(),
    getCallerIdentity: (target, credentials, context) =>
      send(target, credentials, context, async (client, sts, watch, options) =>
        callerIdentity(await client.send(watch(new sts.GetCallerIdentityCommand({})), options)),
      ),
  };
}

/** The role and session name an AssumeRole asked for, which its answer must name. */
function askedOf(input: AssumeRoleCommandInput): { roleArn: string; sessionName: string | undefined } {
  return { roleArn: input.RoleArn ?? '', sessionName: input.RoleSessionName };
}

function callerIdentity(out: GetCallerIdentityCommandOutput): CallerIdentity {
  // Printed by whoami and the window as they came: without anything that could rewrite a terminal.
  return {
    account: printable(out.Account ?? ''),
    arn: printable(out.Arn ?? ''),
    userId: printable(out.UserId ?? ''),
  };
}

/** The status and the headers that matter of a raw HTTP answer (the SDK hands it over untyped here). */
function rawAnswerOf(response: unknown): RawAnswer & { date: string | undefined } {
  const r = typeof response === 'object' && response !== null ? response : {};
  const status = 'statusCode' in r && typeof r.statusCode === 'number' ? r.statusCode : 0;
  const headers: Record<string, unknown> =
    'headers' in r && typeof r.headers === 'object' && r.headers !== null ? { ...r.headers } : {};
  const header = (name: string): string | undefined => {
    const value = headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    status,
    contentType: header('content-type') ?? '',
    contentLength: header('content-length'),
    location: header('location'),
    date: header('date'),
  };
}

/**
 * True for an SDK error raised because the answer could not be read as STS's: the SDK attaches the raw
 * response, but no service fault with a code of AWS's (those have `$fault` and a name such as AccessDenied).
 */
function isUnreadableAnswer(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$response' in error)) return false;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : '';
  return !('$fault' in error) || name === 'Unknown' || name === 'UnknownError';
}

/** The error for a call that got no answer within the whole-call bound. */
function silentEndpoint(target: StsTarget, context: StsCallContext, ms: number, cause: unknown): StsError {
  return new StsError(
    'offline',
    `${target.endpoint} did not answer ${context.action} within ${Math.round(ms / 1000)} s.`,
    'Check your network connection, VPN or proxy and the STS endpoint (AWS_ENDPOINT_URL_STS), then try again. ROLEBAR_STS_TIMEOUT_SECONDS sets this bound. Nothing was changed.',
    { cause, context: { action: context.action, endpoint: target.endpoint } },
  );
}
