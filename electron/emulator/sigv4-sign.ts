// SigV4 on the client side, for the tests and tools that call the emulator without an SDK: a signed request (an
// Authorization header) and a presigned URL, made with the same canonical forms the server verifies (sigv4.ts).
import { toAmzDate } from './clock.js';
import {
  computeSignature,
  parsePresigned,
  parseQuery,
  type RawHttpRequest,
  SIGV4_ALGORITHM,
  type SigV4Auth,
  splitUrl,
  uriEncode,
} from './sigv4.js';

/** Inputs for {@link signRequest} / {@link presignRequest} (client side, for tests and tools). */
export interface SignOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  /** Signing time in epoch ms (default Date.now()). */
  atMs?: number;
}

/**
 * Signs `req` with an Authorization header (client side). `req.headers` must include `host`.
 * Returns the headers to send (the originals plus x-amz-date, x-amz-security-token, authorization).
 */
export function signRequest(req: RawHttpRequest, opts: SignOptions): Array<[string, string]> {
  const amzDate = toAmzDate(opts.atMs ?? Date.now());
  const region = opts.region ?? 'us-east-1';
  const service = opts.service ?? 'sts';
  const headers: Array<[string, string]> = req.headers.map(([k, v]) => [k, v]);
  headers.push(['x-amz-date', amzDate]);
  if (opts.sessionToken !== undefined) headers.push(['x-amz-security-token', opts.sessionToken]);
  const signedHeaders = [...new Set(headers.map(([k]) => k.toLowerCase()))].sort();
  const auth: SigV4Auth = {
    accessKeyId: opts.accessKeyId,
    scopeDate: amzDate.slice(0, 8),
    region,
    service,
    terminator: 'aws4_request',
    signedHeaders,
    signature: '',
    amzDate,
    presigned: false,
  };
  const signature = computeSignature({ ...req, headers }, auth, opts.secretAccessKey);
  const credential = `${opts.accessKeyId}/${auth.scopeDate}/${region}/${service}/aws4_request`;
  headers.push([
    'authorization',
    `${SIGV4_ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  ]);
  return headers;
}

/** Presigns a GET URL (path + query, `host` given separately) valid for `expiresSeconds`. Returns the new path+query. */
export function presignRequest(
  pathAndQuery: string,
  host: string,
  opts: SignOptions & { expiresSeconds?: number },
): string {
  const amzDate = toAmzDate(opts.atMs ?? Date.now());
  const region = opts.region ?? 'us-east-1';
  const service = opts.service ?? 'sts';
  const { path, query } = splitUrl(pathAndQuery);
  const pairs = parseQuery(query);
  pairs.push(
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${opts.accessKeyId}/${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(opts.expiresSeconds ?? 900)],
    ['X-Amz-SignedHeaders', 'host'],
  );
  if (opts.sessionToken !== undefined) pairs.push(['X-Amz-Security-Token', opts.sessionToken]);
  const unsignedUrl = `${path}?${pairs.map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&')}`;
  const req: RawHttpRequest = {
    method: 'GET',
    url: unsignedUrl,
    headers: [['host', host]],
    body: Buffer.alloc(0),
  };
  const auth = parsePresigned(new Map([...pairs, ['X-Amz-Signature', 'pending']]));
  const signature = computeSignature(req, auth, opts.secretAccessKey);
  return `${unsignedUrl}&X-Amz-Signature=${signature}`;
}
