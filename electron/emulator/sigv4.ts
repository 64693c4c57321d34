import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parseAmzDate, toAmzDate } from './clock.js';
import { stsErrors } from './errors.js';

/** The only SigV4 algorithm STS accepts here. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** Maximum allowed distance between the request time and the server clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** Hex SHA-256 of the empty string. */
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** An HTTP request as it reached (or will reach) the wire. */
export interface RawHttpRequest {
  method: string;
  /** Path plus optional `?query`, exactly as sent (already percent-encoded). */
  url: string;
  /** Header name/value pairs in arrival order (duplicates allowed, any case). */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Buffer;
}

/** The SigV4 authentication found in a request (header or presigned query). */
export interface SigV4Auth {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  presigned: boolean;
  /** X-Amz-Expires of a presigned URL, in seconds. */
  expiresSeconds?: number;
  /** X-Amz-Security-Token (header or query), if any. */
  securityToken?: string;
}

/** RFC 3986 percent-encoding as SigV4 wants it (only A-Z a-z 0-9 - _ . ~ stay literal). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Splits a raw query string into decoded key/value pairs (order kept). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === '') return [];
  return rawQuery.split('&').flatMap((part): Array<[string, string]> => {
    if (part === '') return [];
    const eq = part.indexOf('=');
    return eq < 0
      ? [[safeDecode(part), '']]
      : [[safeDecode(part.slice(0, eq)), safeDecode(part.slice(eq + 1))]];
  });
}

/** The path and the raw query string of a request target. */
export function splitUrl(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

/** Canonical URI: the sent (encoded) path with each segment encoded once more (non-S3 rule). */
export function canonicalUri(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

/** Canonical query string: encoded pairs sorted by key then value, X-Amz-Signature left out. */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Lower-cased header map; duplicate headers joined with commas, values trimmed with inner runs of spaces collapsed. */
export function headerMap(headers: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const clean = value.trim().replace(/\s+/g, ' ');
    const prev = map.get(key);
    map.set(key, prev === undefined ? clean : `${prev},${clean}`);
  }
  return map;
}

/** Builds the SigV4 canonical request. */
export function canonicalRequest(
  req: RawHttpRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const { path, query } = splitUrl(req.url);
  const headers = headerMap(req.headers);
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${headers.get(h) ?? ''}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(parseQuery(query)),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

/** Builds the SigV4 string to sign. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}

/** Derives the SigV4 signing key: HMAC chain over date, region, service and `aws4_request`. */
export function signingKey(
  secretAccessKey: string,
  scopeDate: string,
  region: string,
  service: string,
): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(scopeDate).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** The payload hash a request declares (`x-amz-content-sha256`) or the real SHA-256 of its body. */
export function payloadHashOf(req: RawHttpRequest): string {
  return (
    headerMap(req.headers).get('x-amz-content-sha256') ?? createHash('sha256').update(req.body).digest('hex')
  );
}

/** Computes the signature the holder of `secretAccessKey` would have produced for `req`. */
export function computeSignature(req: RawHttpRequest, auth: SigV4Auth, secretAccessKey: string): string {
  const scope = `${auth.scopeDate}/${auth.region}/${auth.service}/${auth.terminator}`;
  const canonical = canonicalRequest(req, auth.signedHeaders, payloadHashOf(req));
  const key = signingKey(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  return createHmac('sha256', key)
    .update(stringToSign(auth.amzDate, scope, canonical))
    .digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

function parseCredential(
  credential: string,
): Pick<SigV4Auth, 'accessKeyId' | 'scopeDate' | 'region' | 'service' | 'terminator'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw stsErrors.incompleteSignature(
      `Credential should be scoped to a valid region. Credential=${credential.split('/')[0] ?? ''}/...`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, scopeDate, region, service, terminator };
}

function parseAuthorizationHeader(value: string, headers: Map<string, string>): SigV4Auth {
  const space = value.indexOf(' ');
  const algorithm = space < 0 ? value : value.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    throw stsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  for (const required of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!fields.get(required)) {
      throw stsErrors.incompleteSignature(`Authorization header requires '${required}' parameter.`);
    }
  }
  const amzDate = headers.get('x-amz-date') ?? dateHeaderAsAmz(headers.get('date'));
  if (amzDate === undefined) {
    throw stsErrors.incompleteSignature(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const token = headers.get('x-amz-security-token');
  return {
    ...parseCredential(fields.get('Credential') ?? ''),
    signedHeaders: (fields.get('SignedHeaders') ?? '').split(';'),
    signature: fields.get('Signature') ?? '',
    amzDate,
    presigned: false,
    ...(token === undefined ? {} : { securityToken: token }),
  };
}

function dateHeaderAsAmz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : toAmzDate(ms);
}

/** The SigV4 authentication of a presigned URL, from its X-Amz-* query parameters. */
export function parsePresigned(query: Map<string, string>): SigV4Auth {
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm !== SIGV4_ALGORITHM) {
    throw stsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm ?? ''}'.`);
  }
  for (const required of ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date']) {
    if (!query.get(required))
      throw stsErrors.incompleteSignature(`AWS query-string parameters must include '${required}'.`);
  }
  const expires = query.get('X-Amz-Expires');
  const token = query.get('X-Amz-Security-Token');
  return {
    ...parseCredential(query.get('X-Amz-Credential') ?? ''),
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    amzDate: query.get('X-Amz-Date') ?? '',
    presigned: true,
    ...(expires === undefined ? {} : { expiresSeconds: Number(expires) }),
    ...(token === undefined ? {} : { securityToken: token }),
  };
}

/**
 * Finds SigV4 authentication in a request (Authorization header first, then presigned query).
 * Returns undefined when the request carries none; throws {@link StsError} when it is malformed.
 */
export function parseSigV4(req: RawHttpRequest): SigV4Auth | undefined {
  const headers = headerMap(req.headers);
  const authorization = headers.get('authorization');
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, headers);
  const query = new Map(parseQuery(splitUrl(req.url).query));
  if (query.has('X-Amz-Signature') || query.has('X-Amz-Credential') || query.has('X-Amz-Algorithm')) {
    return parsePresigned(query);
  }
  return undefined;
}

/**
 * Checks everything about `auth` that does not need the secret: scope, signed headers, time.
 * Throws {@link StsError} (AWS's codes and messages) on the first problem.
 */
export function checkSigV4Envelope(auth: SigV4Auth, nowMs: number, expectedService = 'sts'): void {
  const requestMs = parseAmzDate(auth.amzDate);
  if (Number.isNaN(requestMs)) {
    throw stsErrors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'.`);
  }
  if (auth.service !== expectedService) {
    throw stsErrors.signatureDoesNotMatch(
      `Credential should be scoped to correct service: '${expectedService}'. `,
    );
  }
  if (auth.terminator !== 'aws4_request') {
    throw stsErrors.signatureDoesNotMatch(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.terminator}'. `,
    );
  }
  if (auth.scopeDate !== auth.amzDate.slice(0, 8)) {
    throw stsErrors.signatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`,
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    throw stsErrors.signatureDoesNotMatch("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth.presigned) {
    const expires = auth.expiresSeconds ?? 900;
    if (!Number.isInteger(expires) || expires < 1 || expires > 604800) {
      throw stsErrors.incompleteSignature('X-Amz-Expires must be an integer between 1 and 604800 seconds.');
    }
    if (nowMs > requestMs + expires * 1000) {
      throw stsErrors.signatureDoesNotMatch(
        `Signature expired: ${auth.amzDate} is now earlier than ${toAmzDate(nowMs - expires * 1000)} (${toAmzDate(nowMs)} - ${expires} sec.)`,
      );
    }
  } else if (requestMs < nowMs - MAX_CLOCK_SKEW_MS) {
    throw stsErrors.signatureDoesNotMatch(
      `Signature expired: ${auth.amzDate} is now earlier than ${toAmzDate(nowMs - MAX_CLOCK_SKEW_MS)} (${toAmzDate(nowMs)} - 15 min.)`,
    );
  }
  if (requestMs > nowMs + MAX_CLOCK_SKEW_MS) {
    throw stsErrors.signatureDoesNotMatch(
      `Signature not yet current: ${auth.amzDate} is still later than ${toAmzDate(nowMs + MAX_CLOCK_SKEW_MS)} (${toAmzDate(nowMs)} + 15 min.)`,
    );
  }
}

/**
 * Throws SignatureDoesNotMatch unless `auth.signature` is what `secretAccessKey` produces for `req`
 * (and a declared `x-amz-content-sha256` is the body's real hash).
 */
export function verifySigV4Signature(req: RawHttpRequest, auth: SigV4Auth, secretAccessKey: string): void {
  const declared = headerMap(req.headers).get('x-amz-content-sha256');
  if (
    declared !== undefined &&
    declared !== 'UNSIGNED-PAYLOAD' &&
    declared !== createHash('sha256').update(req.body).digest('hex')
  ) {
    throw stsErrors.signatureDoesNotMatch(
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }
  if (!signaturesEqual(computeSignature(req, auth, secretAccessKey), auth.signature.toLowerCase())) {
    throw stsErrors.signatureDoesNotMatch();
  }
}
