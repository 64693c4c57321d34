// Signing in to Identity Center as the current AWS CLI does: the authorization code flow with PKCE (S256) and a
// loopback redirect on 127.0.0.1 (random port, `state` checked), or the device-code flow for machines without a
// browser. Both end with tokens in the keychain, and nothing else changed.
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateTokenCommandOutput, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { RolebarError } from '../../domain/errors.js';
import type { SecretStore } from '../../platform/keychain/keychain.js';
import {
  awsErrorName,
  type IdentityCenterIdentity,
  identityCenterFailure,
  oidcClient,
  oidcEndpoint,
} from '../../aws/sso.js';
import { keepTokens, type SsoTokens } from '../../store/sso-tokens.js';

/** The scope every Rolebar registration asks for: it is what makes Identity Center hand out refresh tokens. */
const SCOPES = ['sso:account:access'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** How long the user has to finish signing in (Identity Center's device codes also last 10 minutes). */
export const SIGN_IN_TIMEOUT_MS = 10 * 60_000;

/** How the user is shown the sign-in step. */
export interface SignInPrompt {
  /** Opens `url` in the user's browser (the CLI also prints it). */
  openBrowser(url: string): void | Promise<void>;
  /** The device-code flow: shows the code to confirm on the verification page (with a copy button in the window). */
  showDeviceCode(code: { userCode: string; verificationUri: string; verificationUriComplete: string }): void;
}

/** What signing in works with. */
export interface SignInDeps {
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/** How to sign in. */
export interface SignInOptions {
  useDeviceCode?: boolean | undefined;
  /** Default 10 minutes. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** Signs in and keeps the tokens in the keychain; returns when the access token ends. */
export async function signIn(
  deps: SignInDeps,
  identity: IdentityCenterIdentity,
  prompt: SignInPrompt,
  options: SignInOptions = {},
): Promise<{ expiresAt: Date }> {
  const client = await oidcClient(identity, deps.env);
  try {
    const deadline = deps.now() + (options.timeoutMs ?? SIGN_IN_TIMEOUT_MS);
    const tokens = options.useDeviceCode
      ? await deviceCodeFlow(deps, identity, client, prompt, deadline, options.signal)
      : await browserFlow(deps, identity, client, prompt, deadline, options.signal);
    await keepTokens(deps.secrets, identity.id, tokens);
    return { expiresAt: new Date(tokens.expiresAt) };
  } catch (error) {
    throw identityCenterFailure(identity, 'sign in', error);
  } finally {
    client.destroy();
  }
}

function tokensOf(
  deps: SignInDeps,
  answer: CreateTokenCommandOutput,
  registration: { clientId: string; clientSecret: string; registrationExpiresAt: string },
): SsoTokens {
  if (!answer.accessToken || answer.expiresIn === undefined)
    throw new RolebarError('sso-failed', 'Identity Center answered without a token.', { hint: 'Try again.' });
  return {
    accessToken: answer.accessToken,
    expiresAt: new Date(deps.now() + answer.expiresIn * 1000).toISOString(),
    ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
    ...registration,
  };
}

async function register(
  client: SSOOIDCClient,
  input: { grantTypes?: string[]; redirectUris?: string[]; issuerUrl?: string },
): Promise<{ clientId: string; clientSecret: string; registrationExpiresAt: string }> {
  const { RegisterClientCommand } = await import('@aws-sdk/client-sso-oidc');
  const answer = await client.send(
    new RegisterClientCommand({ clientName: 'rolebar', clientType: 'public', scopes: SCOPES, ...input }),
  );
  if (!answer.clientId || !answer.clientSecret || answer.clientSecretExpiresAt === undefined)
    throw new RolebarError('sso-failed', 'Identity Center did not register Rolebar.', { hint: 'Try again.' });
  return {
    clientId: answer.clientId,
    clientSecret: answer.clientSecret,
    registrationExpiresAt: new Date(answer.clientSecretExpiresAt * 1000).toISOString(),
  };
}

/** The authorization code flow: the browser visits the authorize page, which redirects to our loopback server. */
async function browserFlow(
  deps: SignInDeps,
  identity: IdentityCenterIdentity,
  client: SSOOIDCClient,
  prompt: SignInPrompt,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<SsoTokens> {
  // node:http is loaded here, not with the core: every other command would pay for it at start.
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  let stop = (): void => undefined;
  try {
    const port = (server.address() as AddressInfo).port;
    const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
    const registration = await register(client, {
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: [redirectUri],
      issuerUrl: identity.startUrl,
    });
    const verifier = randomBytes(48).toString('base64url');
    const state = randomBytes(24).toString('base64url');
    const url = new URL(`${oidcEndpoint(identity, deps.env)}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: registration.clientId,
      redirect_uri: redirectUri,
      state,
      code_challenge_method: 'S256',
      scopes: SCOPES.join(' '),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    }).toString();
    const waiting = waitForCode(server, state, Math.max(0, deadline - deps.now()), signal);
    stop = waiting.stop;
    await openPage(prompt, url.toString());
    const { CreateTokenCommand } = await import('@aws-sdk/client-sso-oidc');
    const answer = await client.send(
      new CreateTokenCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        grantType: 'authorization_code',
        code: await waiting.code,
        redirectUri,
        codeVerifier: verifier,
      }),
    );
    return tokensOf(deps, answer, registration);
  } finally {
    stop();
    server.closeAllConnections();
    server.close();
  }
}

const PAGE = (text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Rolebar</title></head><body><p>${text}</p></body></html>\n`;

/** Resolves with the code of the first redirect carrying our `state`; a wrong state or an error ends the sign-in. */
function waitForCode(
  server: Server,
  state: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): { code: Promise<string>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const code = new Promise<string>((resolve, reject) => {
    const fail = (error: RolebarError) => {
      clearTimeout(timer);
      reject(error);
    };
    timer = setTimeout(
      () =>
        fail(
          new RolebarError('sso-sign-in-timeout', 'The sign-in was not finished in time.', {
            hint: 'Sign in again.',
          }),
        ),
      timeoutMs,
    );
    signal?.addEventListener('abort', () =>
      fail(
        new RolebarError('sso-sign-in-cancelled', 'The sign-in was cancelled.', {
          hint: 'Sign in again when ready.',
        }),
      ),
    );
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method !== 'GET' || url.pathname !== '/oauth/callback') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
        return;
      }
      const reply = (status: number, text: string) =>
        res
          .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(PAGE(text));
      // A redirect without our state was not started by this sign-in (a forged or stale link): refuse it.
      if (url.searchParams.get('state') !== state) {
        reply(400, 'This sign-in link is not the one Rolebar started. Close this window and sign in again.');
        fail(
          new RolebarError('sso-state-mismatch', 'The sign-in answer did not carry the state Rolebar sent.', {
            hint: 'Sign in again from Rolebar.',
          }),
        );
        return;
      }
      const error = url.searchParams.get('error');
      const granted = url.searchParams.get('code');
      if (error || !granted) {
        reply(400, 'Sign-in was not allowed. You can close this window.');
        fail(
          new RolebarError('sso-access-denied', 'The sign-in was denied in the browser.', {
            hint: 'Sign in again and choose Allow.',
          }),
        );
        return;
      }
      reply(200, 'Signed in to Rolebar. You can close this window.');
      clearTimeout(timer);
      resolve(granted);
    });
  });
  code.catch(() => undefined); // awaited by the caller; this only keeps an early exit from leaving it unhandled
  return { code, stop: () => clearTimeout(timer) };
}

/**
 * Refuses an address that is not an http(s) page. The device flow's addresses come from the OIDC service's answer:
 * a hostile or broken answer (`file:`, `javascript:`, a custom scheme some handler on this machine would run) is
 * neither shown nor opened.
 */
function webPage(url: string): string {
  if (!/^https?:\/\/[^/?#\s]/i.test(url)) {
    throw new RolebarError(
      'sso-not-a-web-page',
      'Identity Center answered with a sign-in address that is not a web page; Rolebar did not open it.',
      {
        hint: 'Check the start URL and region of this Identity Center identity, and AWS_ENDPOINT_URL_SSO_OIDC if set.',
      },
    );
  }
  return url;
}

/** Opens a sign-in page in the browser: only an http(s) page, never another scheme. */
async function openPage(prompt: SignInPrompt, url: string): Promise<void> {
  await prompt.openBrowser(webPage(url));
}

/** The device-code flow: the user confirms a code on the verification page while this polls CreateToken. */
async function deviceCodeFlow(
  deps: SignInDeps,
  identity: IdentityCenterIdentity,
  client: SSOOIDCClient,
  prompt: SignInPrompt,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<SsoTokens> {
  const registration = await register(client, { grantTypes: [DEVICE_GRANT, 'refresh_token'] });
  const { CreateTokenCommand, StartDeviceAuthorizationCommand } = await import('@aws-sdk/client-sso-oidc');
  const started = await client.send(
    new StartDeviceAuthorizationCommand({
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      startUrl: identity.startUrl,
    }),
  );
  const { deviceCode, userCode, verificationUri, verificationUriComplete } = started;
  if (!deviceCode || !userCode || !verificationUri || !verificationUriComplete)
    throw new RolebarError('sso-failed', 'Identity Center did not start the device sign-in.', {
      hint: 'Try again.',
    });
  // Both addresses are checked before either is shown: the user is never told to visit a hostile one.
  prompt.showDeviceCode({
    userCode,
    verificationUri: webPage(verificationUri),
    verificationUriComplete: webPage(verificationUriComplete),
  });
  await openPage(prompt, verificationUriComplete);
  let intervalMs = (started.interval ?? 5) * 1000;
  for (;;) {
    await sleep(intervalMs, signal);
    if (deps.now() > deadline)
      throw new RolebarError('sso-sign-in-timeout', 'The sign-in was not finished in time.', {
        hint: 'Sign in again.',
      });
    try {
      const answer = await client.send(
        new CreateTokenCommand({
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          grantType: DEVICE_GRANT,
          deviceCode,
        }),
      );
      return tokensOf(deps, answer, registration);
    } catch (error) {
      const name = awsErrorName(error);
      if (name === 'AuthorizationPendingException') continue;
      if (name === 'SlowDownException') {
        intervalMs += 5000; // RFC 8628 §3.5
        continue;
      }
      if (name === 'ExpiredTokenException')
        throw new RolebarError('sso-sign-in-timeout', 'The device code expired before it was confirmed.', {
          hint: 'Sign in again.',
        });
      if (name === 'AccessDeniedException')
        throw new RolebarError('sso-access-denied', 'The sign-in was denied in the browser.', {
          hint: 'Sign in again and choose Allow.',
        });
      throw error;
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(
        new RolebarError('sso-sign-in-cancelled', 'The sign-in was cancelled.', {
          hint: 'Sign in again when ready.',
        }),
      );
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(
        new RolebarError('sso-sign-in-cancelled', 'The sign-in was cancelled.', {
          hint: 'Sign in again when ready.',
        }),
      );
    });
  });
}
