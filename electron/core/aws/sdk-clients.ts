// aws/ holds the AWS service clients (sts/, iam/, sso.ts) and what their failures mean (failures.ts); this file is
// the pool of SDK clients they share.
// The AWS SDK clients the STS and IAM callers keep: one per (endpoint, region, credentials), so a second call
// reuses the connection and the SDK's set-up; the least recently used goes when there are too many.
import { createHash } from 'node:crypto';
import { pipeline, Readable, Transform } from 'node:stream';
import type { AwsCredentials } from './sts/client.js';

/**
 * The key SDK clients are kept under: a digest of everything a client signs with, so a corrected secret never
 * reuses the old client.
 */
export function sdkClientKey(
  target: { endpoint: string; region: string },
  credentials: AwsCredentials,
): string {
  return createHash('sha256')
    .update(
      [
        target.endpoint,
        target.region,
        credentials.accessKeyId,
        credentials.secretAccessKey,
        credentials.sessionToken ?? '',
      ].join('\n'),
    )
    .digest('hex');
}

/** The options every client Rolebar makes shares: where, who, how often to try, how long to wait. */
export function sdkClientConfig(
  target: { endpoint: string; region: string },
  credentials: AwsCredentials,
  options: { maxAttempts: number; requestTimeoutMs: number },
) {
  return {
    region: target.region,
    // The partition's or region's own endpoint unless a setting or the environment chose one.
    endpoint: target.endpoint,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    maxAttempts: options.maxAttempts,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs,
      connectionTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** Kept clients: `get` returns the one for (target, credentials), making it with `make` the first time. */
export interface SdkClientPool<C> {
  get(target: { endpoint: string; region: string }, credentials: AwsCredentials, make: () => C): C;
  /** Closes every kept client's connections. */
  close(): void;
}

/** A pool of at most `max` clients; the least recently used is destroyed to make room. */
export function sdkClientPool<C extends { destroy(): void }>(max: number): SdkClientPool<C> {
  const clients = new Map<string, C>();
  return {
    get(target, credentials, make) {
      const key = sdkClientKey(target, credentials);
      const cached = clients.get(key);
      if (cached) {
        // Map keeps insertion order: moving a used client to the end keeps the oldest first.
        clients.delete(key);
        clients.set(key, cached);
        return cached;
      }
      const client = make();
      clients.set(key, client);
      if (clients.size > max) {
        const [oldestKey, oldest] = clients.entries().next().value as [string, C];
        clients.delete(oldestKey);
        oldest.destroy();
      }
      return client;
    },
    close() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}

/**
 * Makes the SDK read at most `maxBytes` of an HTTP answer's body (`response` as a deserialize-step middleware sees
 * it, before the SDK's deserializer): a declared length over the cap ends the call at once, a body that grows
 * past it ends its read there, so a hostile endpoint cannot fill the memory. `over()` runs first, so that the
 * caller can name the failure instead of the SDK's wrapping of it.
 */
export function capAnswerBody(response: unknown, maxBytes: number, over: () => void): void {
  const r = response as { headers?: Record<string, unknown>; body?: unknown } | undefined;
  const body = r?.body;
  if (!(body instanceof Readable)) return;
  const tooBig = () => {
    over();
    return new Error(`an answer over ${maxBytes} bytes`);
  };
  const declared = r?.headers?.['content-length'];
  if (Number(declared) > maxBytes) {
    body.destroy();
    throw tooBig();
  }
  // Node's HTTP parser reads no byte of a body past its declared length: only an undeclared one (chunked) is
  // counted as it comes (the count costs a stream per answer, a tenth of a millisecond on every switch).
  if (typeof declared === 'string' && /^\d+$/.test(declared)) return;
  let total = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > maxBytes) done(tooBig());
      else done(null, chunk);
    },
  });
  // pipeline destroys the socket's stream when the cap ends the read: the rest is never downloaded.
  pipeline(body, capped, () => undefined);
  if (r) r.body = capped;
}
