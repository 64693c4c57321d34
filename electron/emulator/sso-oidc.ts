import { createHash, randomInt, randomUUID } from 'node:crypto';
import { secretEquals } from './sessions.js';
import {
  AUTH_CODE_SECONDS,
  CLIENT_SECONDS,
  DEVICE_CODE_SECONDS,
  escapeHtml,
  htmlAnswer,
  jsonAnswer,
  opaqueToken,
  type RegisteredClient,
  redirectAnswer,
  type SsoAnswer,
  type SsoRequest,
  type SsoState,
} from './sso-state.js';

/** The grant types SSO OIDC knows. */
export const GRANT = {
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
} as const;

/** An OIDC error answer: AWS's `x-amzn-errortype` header and `{ error, error_description }` body. */
function oidcError(type: string, status: number, error: string, description: string): SsoAnswer {
  const answer = jsonAnswer(status, { error, error_description: description }, type);
  return { ...answer, headers: { ...answer.headers, 'x-amzn-errortype': type } };
}

const errors = {
  invalidRequest: (d: string) => oidcError('InvalidRequestException', 400, 'invalid_request', d),
  invalidClient: () => oidcError('InvalidClientException', 401, 'invalid_client', 'Invalid client provided'),
  invalidGrant: (d: string) => oidcError('InvalidGrantException', 400, 'invalid_grant', d),
  pending: () =>
    oidcError(
      'AuthorizationPendingException',
      400,
      'authorization_pending',
      'Authorization is still pending',
    ),
  slowDown: () => oidcError('SlowDownException', 400, 'slow_down', 'Client is polling too fast'),
  expired: () => oidcError('ExpiredTokenException', 400, 'expired_token', 'Device code has expired'),
  denied: () => oidcError('AccessDeniedException', 400, 'access_denied', 'Access denied by the user'),
  unauthorizedClient: () =>
    oidcError('UnauthorizedClientException', 400, 'unauthorized_client', 'Grant type not registered'),
  unsupportedGrant: () =>
    oidcError('UnsupportedGrantTypeException', 400, 'unsupported_grant_type', 'Unsupported grant type'),
  redirectUri: () =>
    oidcError('InvalidRedirectUriException', 400, 'invalid_redirect_uri', 'Invalid redirect URI'),
};

function body(req: SsoRequest): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.fromEntries(Object.entries(parsed))
      : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strList = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map(String) : undefined;

/** A loopback redirect URI (RFC 8252 §7.3: any port on 127.0.0.1 matches the registered one). */
function loopbackMatch(registered: readonly string[], uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' || u.hostname !== '127.0.0.1') return false;
  return registered.some((r) => {
    const x = new URL(r);
    return x.hostname === u.hostname && x.pathname === u.pathname;
  });
}

function checkClient(state: SsoState, b: Record<string, unknown>, now: number): RegisteredClient | undefined {
  const client = state.clients.get(str(b.clientId) ?? '');
  const secret = str(b.clientSecret);
  if (
    !client ||
    secret === undefined ||
    !secretEquals(secret, client.clientSecret) ||
    now >= client.expiresAt
  )
    return undefined;
  return client;
}

/** `POST /client/register`. */
export function registerClient(state: SsoState, req: SsoRequest, now: number): SsoAnswer {
  const b = body(req);
  if (!b || str(b.clientName) === undefined) return errors.invalidRequest('clientName is required');
  if (b.clientType !== 'public')
    return oidcError(
      'InvalidClientMetadataException',
      400,
      'invalid_client_metadata',
      'clientType must be public',
    );
  const grantTypes = strList(b.grantTypes) ?? [GRANT.deviceCode, GRANT.refreshToken];
  const redirectUris = strList(b.redirectUris) ?? [];
  if (grantTypes.includes(GRANT.authorizationCode) && !redirectUris.every((r) => loopbackMatch([r], r)))
    return errors.redirectUri();
  if (grantTypes.includes(GRANT.authorizationCode) && redirectUris.length === 0) return errors.redirectUri();
  const client: RegisteredClient = {
    clientId: randomUUID().replace(/-/g, ''),
    clientSecret: opaqueToken('', 96),
    expiresAt: now + CLIENT_SECONDS * 1000,
    grantTypes,
    redirectUris,
    scopes: strList(b.scopes) ?? [],
  };
  state.clients.set(client.clientId, client);
  return jsonAnswer(200, {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
  });
}

/** `POST /device_authorization`. */
export function startDeviceAuthorization(state: SsoState, req: SsoRequest, now: number): SsoAnswer {
  const b = body(req);
  if (!b) return errors.invalidRequest('The request body is not JSON');
  const client = checkClient(state, b, now);
  if (!client) return errors.invalidClient();
  if (str(b.startUrl) !== state.center.startUrl) return errors.invalidRequest('Invalid start URL');
  const letters = 'BCDFGHJKLMNPQRSTVWXZ';
  let userCode = '';
  for (let i = 0; i < 8; i++) userCode += (i === 4 ? '-' : '') + letters[randomInt(letters.length)];
  const device = {
    deviceCode: opaqueToken('', 32),
    userCode,
    clientId: client.clientId,
    expiresAt: now + DEVICE_CODE_SECONDS * 1000,
    intervalSeconds: 1,
    lastPollAt: undefined,
    state: 'pending' as const,
  };
  state.devices.set(device.deviceCode, device);
  return jsonAnswer(200, {
    deviceCode: device.deviceCode,
    userCode,
    verificationUri: `${req.endpoint}/device`,
    verificationUriComplete: `${req.endpoint}/device?user_code=${userCode}`,
    expiresIn: DEVICE_CODE_SECONDS,
    interval: device.intervalSeconds,
  });
}

function tokensFor(state: SsoState, client: RegisteredClient, now: number): SsoAnswer {
  const t = state.signIn(client.clientId, now);
  // Refresh tokens go only to clients registered with scopes (botocore's `registration_scopes`), as on AWS.
  const withRefresh = client.grantTypes.includes(GRANT.refreshToken) && client.scopes.length > 0;
  return jsonAnswer(200, {
    accessToken: t.accessToken,
    tokenType: 'Bearer',
    expiresIn: t.expiresIn,
    ...(withRefresh ? { refreshToken: t.refreshToken } : {}),
  });
}

/** `POST /token`: the device-code, authorization-code (PKCE S256) and refresh-token grants. */
export function createToken(state: SsoState, req: SsoRequest, now: number): SsoAnswer {
  const b = body(req);
  if (!b) return errors.invalidRequest('The request body is not JSON');
  const client = checkClient(state, b, now);
  if (!client) return errors.invalidClient();
  const grantType = str(b.grantType);
  if (
    grantType !== GRANT.deviceCode &&
    grantType !== GRANT.authorizationCode &&
    grantType !== GRANT.refreshToken
  )
    return errors.unsupportedGrant();
  if (!client.grantTypes.includes(grantType)) return errors.unauthorizedClient();
  if (grantType === GRANT.deviceCode) {
    const device = state.devices.get(str(b.deviceCode) ?? '');
    if (!device || device.clientId !== client.clientId || device.state === 'used')
      return errors.invalidGrant('Invalid device code provided');
    if (now >= device.expiresAt) return errors.expired();
    if (device.state === 'denied') return errors.denied();
    const tooSoon =
      device.lastPollAt !== undefined && now - device.lastPollAt < device.intervalSeconds * 1000;
    device.lastPollAt = now;
    if (device.state === 'pending') return tooSoon ? errors.slowDown() : errors.pending();
    device.state = 'used';
    return tokensFor(state, client, now);
  }
  if (grantType === GRANT.authorizationCode) {
    const codeValue = str(b.code) ?? '';
    const code = state.codes.get(codeValue);
    state.codes.delete(codeValue); // a code is good for one try
    if (!code || code.clientId !== client.clientId || now >= code.expiresAt)
      return errors.invalidGrant('Invalid authorization code provided');
    if (str(b.redirectUri) !== code.redirectUri) return errors.invalidGrant('Redirect URI mismatch');
    const verifier = str(b.codeVerifier) ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || challenge !== code.codeChallenge)
      return errors.invalidGrant('Code verifier does not match the code challenge');
    return tokensFor(state, client, now);
  }
  const signIn = state.signIns.get(str(b.refreshToken) ?? '');
  if (!signIn || signIn.ended || signIn.clientId !== client.clientId || now >= signIn.endsAt)
    return errors.invalidGrant('Invalid refresh token provided');
  const t = state.issueAccessToken(signIn, now);
  return jsonAnswer(200, { ...t, tokenType: 'Bearer', refreshToken: signIn.refreshToken });
}

function page(title: string, text: string, links: Array<[string, string]>): string {
  const items = links.map(([href, label]) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${items.join(' ')}</body></html>\n`;
}

/** `GET /authorize`: the browser step of the authorization-code flow; the page links to Allow and Deny. */
export function authorizePage(state: SsoState, req: SsoRequest, now: number): SsoAnswer {
  const q = req.query;
  const client = state.clients.get(q.get('client_id') ?? '');
  const redirectUri = q.get('redirect_uri') ?? '';
  // Bad client or redirect: never redirect to an unchecked address (RFC 6749 §4.1.2.1).
  if (!client || now >= client.expiresAt || !client.grantTypes.includes(GRANT.authorizationCode))
    return htmlAnswer(400, page('Invalid request', 'Unknown client.', []), 'InvalidClient');
  if (!loopbackMatch(client.redirectUris, redirectUri))
    return htmlAnswer(400, page('Invalid request', 'Invalid redirect URI.', []), 'InvalidRedirectUri');
  const stateParam = q.get('state') ?? '';
  const back = (params: Record<string, string>, code: string): SsoAnswer => {
    const url = new URL(redirectUri);
    for (const [k, v] of Object.entries({ ...params, state: stateParam })) url.searchParams.set(k, v);
    return redirectAnswer(url.toString(), code);
  };
  if (q.get('response_type') !== 'code')
    return back({ error: 'unsupported_response_type' }, 'InvalidRequest');
  const challenge = q.get('code_challenge') ?? '';
  if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
    return back({ error: 'invalid_request', error_description: 'PKCE S256 is required' }, 'InvalidRequest');
  const id = randomUUID();
  state.authorizeRequests.set(id, {
    id,
    clientId: client.clientId,
    redirectUri,
    state: stateParam,
    codeChallenge: challenge,
  });
  const text = `Allow access to ${state.center.startUrl} as ${state.center.userName}?`;
  return htmlAnswer(
    200,
    page('Allow access', text, [
      [`/authorize/allow?request=${id}`, 'Allow access'],
      [`/authorize/deny?request=${id}`, 'Deny'],
    ]),
  );
}

/** `GET /authorize/allow|deny?request=ID`: the user's answer; redirects to the loopback with a code or an error. */
export function authorizeAnswer(state: SsoState, req: SsoRequest, now: number, allow: boolean): SsoAnswer {
  const id = req.query.get('request') ?? '';
  const pending = state.authorizeRequests.get(id);
  state.authorizeRequests.delete(id);
  if (!pending)
    return htmlAnswer(400, page('Invalid request', 'This request is over.', []), 'InvalidRequest');
  const url = new URL(pending.redirectUri);
  if (allow) {
    const code = opaqueToken('', 32);
    state.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      expiresAt: now + AUTH_CODE_SECONDS * 1000,
    });
    url.searchParams.set('code', code);
  } else {
    url.searchParams.set('error', 'access_denied');
  }
  url.searchParams.set('state', pending.state);
  return redirectAnswer(url.toString(), allow ? 'OK' : 'AccessDenied');
}

/** `GET /device[?user_code=]`, `/device/allow`, `/device/deny`: the verification page of the device flow. */
export function devicePage(state: SsoState, req: SsoRequest, now: number, answer?: boolean): SsoAnswer {
  const userCode = req.query.get('user_code') ?? '';
  const device = [...state.devices.values()].find((d) => d.userCode === userCode);
  if (!device || device.state !== 'pending' || now >= device.expiresAt)
    return htmlAnswer(
      400,
      page('Invalid code', 'This code is not valid or has expired.', []),
      'InvalidRequest',
    );
  if (answer === undefined) {
    const q = `user_code=${encodeURIComponent(userCode)}`;
    const text = `Allow ${userCode} to access ${state.center.startUrl} as ${state.center.userName}?`;
    return htmlAnswer(
      200,
      page('Authorize request', text, [
        [`/device/allow?${q}`, 'Allow access'],
        [`/device/deny?${q}`, 'Deny'],
      ]),
    );
  }
  device.state = answer ? 'allowed' : 'denied';
  return htmlAnswer(
    200,
    page(answer ? 'Request approved' : 'Request denied', 'You can close this window.', []),
  );
}
