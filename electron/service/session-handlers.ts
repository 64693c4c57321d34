// The window's session requests: switching to a role, renewing (the scheduler's refresh), signing out, asking
// AWS who a session is, and copying credentials (an export snippet, the unset lines, the endpoint's lines)
// to the clipboard, which clears them again.
import type { RequestHandlers, Result, SwitchOutcome } from '../ipc/contract.js';
import type { RolebarCore } from '../core/index.js';
import { RolebarError } from '../core/domain/errors.js';
import type { Arg, Attempt } from './attempt.js';
import type { createSecretClipboard } from './clipboard.js';
import { sessionView } from './views.js';

type SessionChannel =
  | 'role:switch'
  | 'session:sign-out'
  | 'session:whoami'
  | 'snippet:copy'
  | 'snippet:copy-unset'
  | 'endpoint:copy';

/** The session handlers, and the renewal the scheduler calls. */
export interface SessionHandlers {
  handlers: Pick<RequestHandlers, SessionChannel>;
  /** See RolebarService.renew. */
  renew(roleId: string, marginMs: number): Promise<Result<SwitchOutcome>>;
}

/** Builds the session handlers; `userActed` clears the problem a check found with that role's session. */
export function sessionHandlers(deps: {
  core: RolebarCore;
  clipboard: ReturnType<typeof createSecretClipboard>;
  /** The seconds after which copied credentials are cleared (the user's preference). */
  clearSeconds: () => number;
  endpoint: { exportLines(): string | undefined };
  attempt: Attempt;
  userActed: (roleId: string) => void;
}): SessionHandlers {
  const { core, clipboard, clearSeconds, endpoint, attempt, userActed } = deps;
  return {
    renew: (roleId, marginMs) =>
      attempt(async () => {
        const outcome = await core.renew(roleId, { marginMs });
        if (outcome.renewed) userActed(roleId);
        return { session: sessionView(outcome.session), notices: outcome.notices };
      }, true),
    handlers: {
      'role:switch': ({ roleId, mfaCode, force }: Arg<'role:switch'>) =>
        attempt(async () => {
          const outcome = await core.assumeRole(roleId, { mfaCode, force });
          userActed(roleId);
          return { session: sessionView(outcome.session), notices: outcome.notices };
        }, true),
      'session:sign-out': ({ roleId }: Arg<'session:sign-out'>) =>
        attempt(async () => {
          await core.signOut(roleId);
          userActed(roleId);
          return null;
        }, true),
      'session:whoami': ({ roleId }: Arg<'session:whoami'>) => attempt(() => core.whoAmI({ roleId }), false),
      'snippet:copy': ({ roleId, format }: Arg<'snippet:copy'>) =>
        attempt(
          async () => ({
            clearsInSeconds: await clipboard.copy(await core.exportSnippet(roleId, format), clearSeconds()),
          }),
          false,
        ),
      'snippet:copy-unset': ({ format }: Arg<'snippet:copy-unset'>) =>
        attempt(
          async () => ({ clearsInSeconds: await clipboard.copy(core.unsetSnippet(format), clearSeconds()) }),
          false,
        ),
      'endpoint:copy': () =>
        attempt(async () => {
          const lines = endpoint.exportLines();
          if (lines === undefined) {
            throw new RolebarError('endpoint-off', 'The credentials endpoint is not running.', {
              hint: 'Turn on "Serve credentials to programs" in Settings, then switch to a role.',
            });
          }
          return { clearsInSeconds: await clipboard.copy(lines, clearSeconds()) };
        }, false),
    },
  };
}
