// `rolebar exec ROLE --server`: the command gets a local credentials endpoint instead of static keys, so a
// long-running program keeps working through renewals. The endpoint lives exactly as long as the command.
import type { RolebarCore } from '../core/index.js';
import {
  type CredentialsEndpoint,
  roleSessionFetcher,
  startCredentialsEndpoint,
} from '../core/features/outputs/credentials-endpoint.js';
import type { Role } from '../core/domain/model.js';
import { liveSession, type MfaChoice } from './context.js';
import type { Io } from './output.js';

/** The variables that would make a client skip the endpoint (static keys, profiles, other container settings). */
const SHADOWING = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/** A margin no session has: asks for a new session. */
const ALWAYS_RENEW_MS = 48 * 3_600_000;

/** The child's environment: the endpoint's two variables, and none of the static keys. */
export function endpointEnv(
  base: NodeJS.ProcessEnv,
  endpoint: Pick<CredentialsEndpoint, 'url' | 'token'>,
  region: string | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of SHADOWING) delete env[name];
  env.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.url;
  env.AWS_CONTAINER_AUTHORIZATION_TOKEN = endpoint.token;
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  return env;
}

/**
 * Starts the role's endpoint and runs `run` with the child's environment; the endpoint stops when `run` ends.
 * On a terminal, a renewal that needs a code is asked for before the session ends, not when a client next asks.
 */
export async function withEndpoint(
  core: RolebarCore,
  io: Io,
  role: Role,
  choice: MfaChoice,
  region: string | undefined,
  run: (env: NodeJS.ProcessEnv) => Promise<number>,
): Promise<number> {
  const endpoint = await startCredentialsEndpoint({ fetchSession: roleSessionFetcher(core, role) });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    const due = endpoint.dueInMs();
    if (stopped || due === undefined || !io.interactive) return;
    timer = setTimeout(
      () => {
        // Due now: a new session (a code given on the command line is spent, so ask on the terminal).
        void liveSession(core, io, role, { force: choice.force }, ALWAYS_RENEW_MS)
          .then(() => endpoint.refresh())
          .catch((error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            io.err(`rolebar: the session of "${role.label}" was not renewed: ${message}`);
          })
          .finally(schedule);
      },
      Math.max(1_000, due),
    );
    timer.unref();
  };
  try {
    await endpoint.refresh();
    schedule();
    return await run(endpointEnv(io.env, endpoint, region));
  } finally {
    stopped = true;
    if (timer) clearTimeout(timer);
    await endpoint.close();
  }
}
