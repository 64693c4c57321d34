import { randomBytes } from 'node:crypto';
import type { FederationResponse } from './federation.js';
import type { IdentityCenter } from './sso-world.js';

/** An answer of the Identity Center endpoints (same shape as the federation endpoint's). */
export type SsoAnswer = FederationResponse;

/** One HTTP request to the Identity Center endpoints. */
export interface SsoRequest {
  method: string;
  path: string;
  query: ReadonlyMap<string, string>;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  /** `http://127.0.0.1:PORT`, for the verification and authorize URLs. */
  endpoint: string;
}

/** A client registered by RegisterClient. */
export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
  expiresAt: number;
  grantTypes: string[];
  redirectUris: string[];
  scopes: string[];
}

/** A device authorization started by StartDeviceAuthorization. */
export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  expiresAt: number;
  intervalSeconds: number;
  lastPollAt: number | undefined;
  state: 'pending' | 'allowed' | 'denied' | 'used';
}

/** A browser authorization request waiting at the authorize page. */
export interface AuthorizeRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
}

/** An authorization code handed to the loopback redirect. */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  expiresAt: number;
}

/** A signed-in session: its refresh token lives until the session ends (Identity Center's session length). */
export interface SignIn {
  clientId: string;
  refreshToken: string;
  endsAt: number;
  ended: boolean;
}

/** An access token and the sign-in it belongs to. */
export interface AccessToken {
  signIn: SignIn;
  expiresAt: number;
}

/** How long a device code or an authorization code stays usable (AWS: 10 minutes; 5 for codes). */
export const DEVICE_CODE_SECONDS = 600;
export const AUTH_CODE_SECONDS = 300;
/** RegisterClient's registrations last 90 days. */
export const CLIENT_SECONDS = 90 * 86400;

/** A fresh opaque token with AWS's look (`aoa…`, `aor…`), base64url. */
export function opaqueToken(prefix: string, bytes = 48): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** All mutable Identity Center state of one emulator: registrations, pending authorizations, tokens. */
export class SsoState {
  readonly clients = new Map<string, RegisteredClient>();
  readonly devices = new Map<string, DeviceAuthorization>();
  readonly authorizeRequests = new Map<string, AuthorizeRequest>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly signIns = new Map<string, SignIn>();
  readonly accessTokens = new Map<string, AccessToken>();

  constructor(readonly center: IdentityCenter) {}

  /** Issues an access token for a sign-in. */
  issueAccessToken(signIn: SignIn, now: number): { accessToken: string; expiresIn: number } {
    const accessToken = opaqueToken('aoa');
    const expiresIn = this.center.accessTokenSeconds;
    this.accessTokens.set(accessToken, { signIn, expiresAt: now + expiresIn * 1000 });
    return { accessToken, expiresIn };
  }

  /** Starts a sign-in session for a client and returns its first tokens. */
  signIn(clientId: string, now: number): { accessToken: string; expiresIn: number; refreshToken: string } {
    const signIn: SignIn = {
      clientId,
      refreshToken: opaqueToken('aor'),
      endsAt: now + this.center.sessionSeconds * 1000,
      ended: false,
    };
    this.signIns.set(signIn.refreshToken, signIn);
    return { ...this.issueAccessToken(signIn, now), refreshToken: signIn.refreshToken };
  }

  /** The live access token's sign-in, or undefined when unknown, expired or logged out. */
  liveAccessToken(token: string | undefined, now: number): AccessToken | undefined {
    const found = token === undefined ? undefined : this.accessTokens.get(token);
    if (!found || found.signIn.ended || now >= found.expiresAt || now >= found.signIn.endsAt)
      return undefined;
    return found;
  }

  /** Ends a sign-in: its refresh token and every access token of it stop working (the portal's Logout). */
  endSignIn(signIn: SignIn): void {
    signIn.ended = true;
    this.signIns.delete(signIn.refreshToken);
    for (const [token, t] of this.accessTokens) if (t.signIn === signIn) this.accessTokens.delete(token);
  }

  /** Ends every sign-in at once (as an administrator's "revoke sessions" would): refresh then fails. */
  endAllSignIns(): void {
    for (const s of [...this.signIns.values()]) this.endSignIn(s);
  }
}

/** A JSON answer. */
export function jsonAnswer(status: number, value: unknown, code = 'OK'): SsoAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
    code,
  };
}

/** An HTML page (the authorize and device pages). */
export function htmlAnswer(status: number, html: string, code = 'OK'): SsoAnswer {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html, code };
}

/** A redirect (302). */
export function redirectAnswer(location: string, code = 'OK'): SsoAnswer {
  return { status: 302, headers: { location, 'content-type': 'text/plain' }, body: '', code };
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
