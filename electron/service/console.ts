// Opening the AWS console as a role, from the tray: the sign-in URL is built by core/console-url.ts, and only a
// URL that passes isConsoleUrl ever reaches the OS browser (Fiddle's safelyOpenWebURL, narrowed to AWS sign-in).
import type { Result } from '../ipc/contract.js';
import { consoleSigninUrl } from '../core/features/outputs/console-url.js';
import type { RolebarCore } from '../core/index.js';
import { RolebarError, serializeError } from '../core/domain/errors.js';
import { partitionOfArn } from '../core/store/sessions.js';

/** The AWS sign-in hosts of the three partitions: the only places the app ever sends the user's browser. */
export const CONSOLE_SIGNIN_HOSTS: readonly string[] = Object.freeze([
  'signin.aws.amazon.com',
  'signin.amazonaws-us-gov.com',
  'signin.amazonaws.cn',
]);

/**
 * True only for a console sign-in URL of the kind we build: https, an AWS sign-in host (no port, no user info),
 * the /federation path. Everything else (http, look-alike hosts, javascript:, file:) is refused.
 */
export function isConsoleUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'https:' &&
    CONSOLE_SIGNIN_HOSTS.includes(parsed.hostname) &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.pathname === '/federation'
  );
}

/** What opening the console needs: the core (for the session's credentials) and the OS's URL opener. */
export interface ConsoleDeps {
  core: Pick<RolebarCore, 'credentialsOf' | 'sessions' | 'roles'>;
  env: NodeJS.ProcessEnv;
  /** Electron's shell.openExternal in the app. */
  openExternal(url: string): Promise<void>;
  fetch?: typeof fetch;
}

/** Signs in to the console as the role's live session and opens it; failures are values, never the URL. */
export async function openConsole(deps: ConsoleDeps, roleId: string): Promise<Result<null>> {
  try {
    const role = deps.core.roles.get(roleId);
    const session = deps.core.sessions.get(roleId);
    const credentials = await deps.core.credentialsOf(roleId);
    if (!session || !credentials) {
      throw new RolebarError('no-session', `"${role.label}" has no active session.`, {
        hint: 'Switch to it first.',
      });
    }
    const url = await consoleSigninUrl(credentials, {
      partition: partitionOfArn(session.principalArn),
      chained: session.via === 'chained' || session.via === 'mfa-session',
      region: session.region,
      env: deps.env,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    // The URL signs the browser in: it is opened, never logged, and only if it is the AWS sign-in page.
    if (!isConsoleUrl(url)) {
      throw new RolebarError('console-url-refused', 'The sign-in address is not an AWS sign-in page.', {
        hint: 'In demo mode the console is the local emulator, which is never opened in your browser.',
      });
    }
    await deps.openExternal(url);
    return { ok: true, value: null };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
