// The AWS console sign-in URL for a role session (the federation endpoint's getSigninToken, then login), in
// every partition. Shared by the CLI (`rolebar console`) and the tray. The URL signs the browser in: treat it
// as a secret (open it, or print it only when the user asks).
import { RolebarError } from '../../domain/errors.js';
import { durationSeconds, inRange } from '../../domain/limits.js';
import type { TemporaryCredentials } from '../../aws/sts/client.js';
import type { Partition } from '../../domain/endpoints.js';

/** Where each partition signs in and what it opens. */
export const CONSOLE_PARTITIONS: Readonly<Record<Partition, { signin: string; console: string }>> =
  Object.freeze({
    aws: { signin: 'https://signin.aws.amazon.com/federation', console: 'https://console.aws.amazon.com/' },
    'aws-us-gov': {
      signin: 'https://signin.amazonaws-us-gov.com/federation',
      console: 'https://console.amazonaws-us-gov.com/',
    },
    'aws-cn': { signin: 'https://signin.amazonaws.cn/federation', console: 'https://console.amazonaws.cn/' },
  });

/** Console sessions from role chaining must be shorter than 1 hour. */
export const CHAINED_CONSOLE_MAX_SECONDS = 3599;

/** How to build the sign-in URL. */
export interface ConsoleUrlOptions {
  partition: Partition;
  /** True for sessions assumed with temporary credentials (chains): SessionDuration is then at most 3599. */
  chained: boolean;
  /** Console session length in seconds (900–43200); omitted: AWS's default. */
  sessionDurationSeconds?: number | undefined;
  /** The page to open; default the partition's console home (a region's console when `region` is given). */
  destination?: string | undefined;
  region?: string | undefined;
  /** Shown by AWS as where the sign-in came from. */
  issuer?: string | undefined;
  /** ROLEBAR_FEDERATION_ENDPOINT replaces the partition's endpoint (a local stand-in for tests). */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The federation endpoint for a partition, or the override from ROLEBAR_FEDERATION_ENDPOINT. */
export function federationEndpoint(partition: Partition, env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLEBAR_FEDERATION_ENDPOINT || CONSOLE_PARTITIONS[partition].signin;
}

/** The SessionDuration to ask for: capped below 1 hour for chains, undefined to let AWS choose. */
export function consoleSessionDuration(
  requested: number | undefined,
  chained: boolean,
): { seconds: number | undefined; capped: boolean } {
  if (requested === undefined) return { seconds: undefined, capped: false };
  if (!inRange(durationSeconds, requested)) {
    throw new RolebarError(
      'invalid-input',
      `A console session lasts ${durationSeconds.min}–${durationSeconds.max} seconds; ${requested} is outside that.`,
      { hint: 'Choose a duration in that range.' },
    );
  }
  if (chained && requested > CHAINED_CONSOLE_MAX_SECONDS)
    return { seconds: CHAINED_CONSOLE_MAX_SECONDS, capped: true };
  return { seconds: requested, capped: false };
}

/**
 * Exchanges a role session for a sign-in token and returns the console login URL. Long-term keys are refused
 * (AWS refuses them too). Errors never quote the credentials.
 */
export async function consoleSigninUrl(
  credentials: TemporaryCredentials,
  options: ConsoleUrlOptions,
): Promise<string> {
  if (!credentials.sessionToken) {
    throw new RolebarError(
      'console-needs-session',
      'The console sign-in needs a role session, not long-term keys.',
      {
        hint: 'Assume a role first.',
      },
    );
  }
  const endpoint = federationEndpoint(options.partition, options.env);
  const { seconds } = consoleSessionDuration(options.sessionDurationSeconds, options.chained);
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  const tokenUrl = new URL(endpoint);
  tokenUrl.searchParams.set('Action', 'getSigninToken');
  if (seconds !== undefined) tokenUrl.searchParams.set('SessionDuration', String(seconds));
  tokenUrl.searchParams.set('Session', session);
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(tokenUrl, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (error) {
    throw new RolebarError(
      'console-offline',
      `The AWS sign-in endpoint ${new URL(endpoint).host} could not be reached.`,
      {
        hint: 'Check your network connection and try again.',
        cause: error,
      },
    );
  }
  const body = await response.text();
  let token: string | undefined;
  let failure: string | undefined;
  try {
    const parsed = JSON.parse(body) as {
      SigninToken?: unknown;
      Error?: { Code?: unknown; Message?: unknown };
    };
    if (typeof parsed.SigninToken === 'string') token = parsed.SigninToken;
    if (parsed.Error) failure = `${String(parsed.Error.Code ?? '')}: ${String(parsed.Error.Message ?? '')}`;
  } catch {
    failure = `HTTP ${response.status}`;
  }
  if (!response.ok || !token) {
    throw new RolebarError(
      'console-refused',
      `AWS refused the console sign-in (${failure ?? `HTTP ${response.status}`}).`,
      {
        hint: options.chained
          ? 'Sessions from role chaining allow console sessions under 1 hour; an expired session needs renewing first.'
          : 'Renew the session and try again.',
      },
    );
  }
  const partition = CONSOLE_PARTITIONS[options.partition];
  const destination =
    options.destination ??
    (options.region
      ? `${partition.console}console/home?region=${encodeURIComponent(options.region)}`
      : partition.console);
  const login = new URL(endpoint);
  login.searchParams.set('Action', 'login');
  login.searchParams.set('Issuer', options.issuer ?? 'Rolebar');
  login.searchParams.set('Destination', destination);
  login.searchParams.set('SigninToken', token);
  return login.toString();
}
