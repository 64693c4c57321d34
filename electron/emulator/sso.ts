import type { SessionStore } from './sessions.js';
import {
  authorizeAnswer,
  authorizePage,
  createToken,
  devicePage,
  registerClient,
  startDeviceAuthorization,
} from './sso-oidc.js';
import { portal } from './sso-portal.js';
import { jsonAnswer, type SsoAnswer, type SsoRequest, SsoState } from './sso-state.js';
import type { IdentityCenter } from './sso-world.js';

const ROUTES: ReadonlyMap<string, string> = new Map([
  ['POST /client/register', 'RegisterClient'],
  ['POST /device_authorization', 'StartDeviceAuthorization'],
  ['POST /token', 'CreateToken'],
  ['GET /authorize', 'Authorize'],
  ['GET /authorize/allow', 'AuthorizeAllow'],
  ['GET /authorize/deny', 'AuthorizeDeny'],
  ['GET /device', 'DevicePage'],
  ['GET /device/allow', 'DeviceAllow'],
  ['GET /device/deny', 'DeviceDeny'],
  ['GET /assignment/accounts', 'ListAccounts'],
  ['GET /assignment/roles', 'ListAccountRoles'],
  ['GET /federation/credentials', 'GetRoleCredentials'],
  ['POST /logout', 'Logout'],
]);

/**
 * IAM Identity Center on the emulator's port: the SSO OIDC API (restJson, as `@aws-sdk/client-sso-oidc` sends it),
 * the authorize and device pages a browser visits, and the access portal API (`@aws-sdk/client-sso`).
 */
export class IdentityCenterEndpoint {
  /** Registrations, pending authorizations and tokens (tests inspect them; never log them). */
  readonly state: SsoState | undefined;

  constructor(
    center: IdentityCenter | undefined,
    private readonly sessions: SessionStore,
  ) {
    this.state = center && new SsoState(center);
  }

  /** The operation a request is for (the request log's action), or undefined when it is not an Identity Center one. */
  route(method: string, path: string): string | undefined {
    return ROUTES.get(`${method} ${path}`);
  }

  /** Answers one Identity Center request. */
  handle(action: string, req: SsoRequest, now: number): SsoAnswer {
    const state = this.state;
    if (!state) return jsonAnswer(404, { message: 'No Identity Center instance in this world' }, 'NotFound');
    switch (action) {
      case 'RegisterClient':
        return registerClient(state, req, now);
      case 'StartDeviceAuthorization':
        return startDeviceAuthorization(state, req, now);
      case 'CreateToken':
        return createToken(state, req, now);
      case 'Authorize':
        return authorizePage(state, req, now);
      case 'AuthorizeAllow':
      case 'AuthorizeDeny':
        return authorizeAnswer(state, req, now, action === 'AuthorizeAllow');
      case 'DevicePage':
        return devicePage(state, req, now);
      case 'DeviceAllow':
      case 'DeviceDeny':
        return devicePage(state, req, now, action === 'DeviceAllow');
      default:
        return portal(state, this.sessions, req, action, now);
    }
  }
}
