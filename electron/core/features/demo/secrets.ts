// Where the demo keeps its secrets: never a keychain, so the demo runs where there is none (ssh, a container,
// CI: no D-Bus session, no Secret Service). The app's demo and the preview keep them in this process's memory;
// `rolebar demo` keeps them in the memory of its background process (`demo serve`), which every `rolebar` call
// of the demo reaches on 127.0.0.1 with a random token, so they live exactly as long as the demo and never
// touch the disk. The secrets are the emulator's: they open nothing but it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RolebarError } from '../../domain/errors.js';
import type { SecretStore } from '../../platform/keychain/keychain.js';

import { DEMO_SECRETS_TOKEN_VARIABLE, DEMO_SECRETS_VARIABLE } from './variables.js';

export { DEMO_SECRETS_TOKEN_VARIABLE, DEMO_SECRETS_VARIABLE } from './variables.js';

/** How long a call waits for the demo's process, which answers from memory: a bound on one that is gone. */
const CALL_TIMEOUT_MS = 5_000;
const MAX_BODY = 64 * 1024;

/** A secret store that lives and dies with the process: the demo's stand-in for the OS keychain. */
export function memorySecretStore(service = 'Rolebar-demo'): SecretStore {
  const secrets = new Map<string, string>();
  return {
    service,
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => void secrets.set(account, secret),
    delete: async (account) => secrets.delete(account),
    list: async () => [...secrets.keys()],
  };
}

type Operation =
  | { op: 'get' | 'delete'; service: string; account: string }
  | { op: 'set'; service: string; account: string; secret: string }
  | { op: 'list'; service: string };

/** A request body, checked: the store answers nothing else. */
function parseOperation(text: string): Operation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { op, service, account, secret } = value as Record<string, unknown>;
  if (typeof service !== 'string') return undefined;
  if (op === 'list') return { op, service };
  if (typeof account !== 'string') return undefined;
  if (op === 'get' || op === 'delete') return { op, service, account };
  if (op === 'set' && typeof secret === 'string') return { op, service, account, secret };
  return undefined;
}

/** The demo's secrets, served from this process's memory to the demo's `rolebar` calls. */
export interface DemoSecretsServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Serves an in-memory store (one per keychain service name) on 127.0.0.1 to callers holding the token. */
export async function serveDemoSecrets(): Promise<DemoSecretsServer> {
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const stores = new Map<string, SecretStore>();
  const storeOf = (service: string) => {
    const store = stores.get(service) ?? memorySecretStore(service);
    stores.set(service, store);
    return store;
  };
  const answer = async (operation: Operation): Promise<unknown> => {
    const store = storeOf(operation.service);
    if (operation.op === 'list') return store.list();
    if (operation.op === 'get') return store.get(operation.account);
    if (operation.op === 'delete') return store.delete(operation.account);
    if (operation.op === 'set') await store.set(operation.account, operation.secret);
    return null;
  };
  const server = http.createServer((request, response) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    const allowed = given.length === expected.length && timingSafeEqual(given, expected);
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) request.destroy();
    });
    request.on('end', () => {
      const operation = allowed && request.method === 'POST' ? parseOperation(body) : undefined;
      if (!operation) {
        response.writeHead(allowed ? 400 : 403).end();
        return;
      }
      void answer(operation).then((value) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The demo's store as its `rolebar` calls see it, when the shell was pointed at a demo (`eval "$(rolebar demo)"`
 * sets both variables); undefined otherwise. Only a loopback address is taken.
 */
export function demoSecretStoreOf(env: NodeJS.ProcessEnv, service: string): SecretStore | undefined {
  const url = env[DEMO_SECRETS_VARIABLE];
  const token = env[DEMO_SECRETS_TOKEN_VARIABLE];
  if (!url || !token) return undefined;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) {
    throw new RolebarError(
      'demo-secrets-address',
      `${DEMO_SECRETS_VARIABLE} is "${url}", not the demo's address.`,
      {
        hint: 'Point this shell at the demo again with eval "$(rolebar demo)", or leave it with eval "$(rolebar demo stop)".',
      },
    );
  }
  const call = async (operation: Operation): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(operation),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RolebarError('demo-not-running', `The demo is not running (nothing answers at ${url}).`, {
        hint: 'Start it again with eval "$(rolebar demo)", or leave it with eval "$(rolebar demo stop)".',
        cause: error,
      });
    }
    if (!response.ok) {
      throw new RolebarError(
        'demo-secrets-refused',
        `The demo's secret store refused the call (${response.status}).`,
        {
          hint: 'This shell points at another demo: run eval "$(rolebar demo)" again.',
        },
      );
    }
    return ((await response.json()) as { value: unknown }).value;
  };
  return {
    service,
    get: async (account) => (await call({ op: 'get', service, account })) as string | null,
    set: async (account, secret) => void (await call({ op: 'set', service, account, secret })),
    delete: async (account) => (await call({ op: 'delete', service, account })) === true,
    list: async () => (await call({ op: 'list', service })) as string[],
  };
}
