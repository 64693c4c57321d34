// The app's credentials endpoint: the same container-credentials endpoint as `rolebar exec --server`, run by the
// main process for the active role while the "serve credentials to programs" preference is on. The token stays
// in here: the window gets the two export lines with the token masked, and only `exportLines()` (the
// `endpoint:copy` handler, which puts them on the clipboard) ever sees it.
import type { RolebarCore } from '../core/index.js';
import {
  type CredentialsEndpoint,
  roleSessionFetcher,
  startCredentialsEndpoint,
} from '../core/features/outputs/credentials-endpoint.js';
import type { EndpointView } from '../ipc/contract.js';

/** What the endpoint should serve: the preference and the active role. */
export interface EndpointWanted {
  enabled: boolean;
  roleId?: string | undefined;
}

/** The endpoint the main process keeps. */
export interface AppEndpoint {
  /** Starts, stops or replaces the endpoint to match; resolves to true when it changed. */
  follow(wanted: EndpointWanted): Promise<boolean>;
  /** The window's view (token masked), while it runs. */
  view(): EndpointView | undefined;
  /** SECRET: the two export lines with the real token, for the clipboard only. */
  exportLines(): string | undefined;
  /** Stops it for good (quit). */
  close(): Promise<void>;
}

const MASK = '•'.repeat(12);

/** The two lines a shell exports (bash, zsh; the token is base64url and the URL plain, so nothing is quoted). */
function linesOf(url: string, token: string): string[] {
  return [
    `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${url}`,
    `export AWS_CONTAINER_AUTHORIZATION_TOKEN=${token}`,
  ];
}

/** Builds the app's endpoint over the core; nothing listens until `follow` asks for it. */
export function createAppEndpoint(core: Pick<RolebarCore, 'renew' | 'roles'>): AppEndpoint {
  let running: { roleId: string; endpoint: CredentialsEndpoint } | undefined;
  let closed = false;
  // One change at a time, in order: two quick switches never leave two endpoints listening.
  let queue: Promise<boolean> = Promise.resolve(false);

  async function apply(wanted: EndpointWanted): Promise<boolean> {
    const roleId = !closed && wanted.enabled ? wanted.roleId : undefined;
    if (running?.roleId === roleId) return false;
    // One endpoint never serves another role: a new role gets a new endpoint (new port, new token).
    const old = running;
    running = undefined;
    await old?.endpoint.close();
    const role = roleId === undefined ? undefined : core.roles.list().find((r) => r.id === roleId);
    if (role) {
      const endpoint = await startCredentialsEndpoint({ fetchSession: roleSessionFetcher(core, role) });
      if (closed) await endpoint.close();
      else running = { roleId: role.id, endpoint };
    }
    return true;
  }

  return {
    follow(wanted) {
      queue = queue.then(
        () => apply(wanted),
        () => apply(wanted),
      );
      return queue;
    },
    view() {
      if (!running) return undefined;
      const { url } = running.endpoint;
      return { roleId: running.roleId, url, maskedLines: linesOf(url, MASK) };
    },
    exportLines() {
      if (!running) return undefined;
      const { url, token } = running.endpoint;
      return `${linesOf(url, token).join('\n')}\n`;
    },
    async close() {
      closed = true;
      await queue.catch(() => false);
      await apply({ enabled: false });
    },
  };
}
