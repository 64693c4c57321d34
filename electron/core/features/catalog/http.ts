// A catalog's HTTP(S) fetch: redirects followed here (so that each refusal has a name, not "fetch failed") and
// the body read as a stream up to MAX_CATALOG_BYTES, so a hostile or broken server cannot fill the memory.
import { networkReason } from '../../aws/failures.js';
import { MAX_CATALOG_BYTES } from '../../domain/limits.js';

/** Redirects followed before giving up. */
const MAX_REDIRECTS = 5;
const MIB = 1024 * 1024;

/** Makes the error for one failed fetch: what went wrong, and what to do. */
export type FetchFailure = (why: string, hint: string) => Error;

/**
 * GETs `url` with `headers`, following at most 5 redirects, each to http or https only; the Authorization header
 * goes only to the origin it was meant for. Refuses "a redirect to a non-http scheme" and "a redirect loop".
 */
export async function getFollowingRedirects(
  url: string,
  headers: Record<string, string>,
  fail: FetchFailure,
  signal: AbortSignal,
): Promise<Response> {
  const origin = new URL(url).origin;
  const seen = new Set<string>();
  let current = url;
  for (;;) {
    seen.add(current);
    const sent = new URL(current).origin === origin ? headers : withoutAuthorization(headers);
    let response: Response;
    try {
      response = await fetch(current, { headers: sent, redirect: 'manual', signal });
    } catch (error) {
      throw fail(fetchFailure(error), 'Check the URL and your network.');
    }
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    await response.body?.cancel();
    current = nextLocation(current, response, seen, fail);
  }
}

function nextLocation(current: string, response: Response, seen: Set<string>, fail: FetchFailure): string {
  const location = response.headers.get('location');
  if (!location)
    throw fail(`HTTP ${response.status}, a redirect with no address`, 'Ask whoever publishes it.');
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw fail(
      `HTTP ${response.status}, a redirect to an address that is not a URL`,
      'Ask whoever publishes it.',
    );
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    throw fail(
      `a redirect to a non-http scheme (${next.protocol})`,
      'Use the final http(s) address of the catalog, or ask whoever publishes it.',
    );
  if (seen.has(next.href))
    throw fail('a redirect loop', 'Ask whoever publishes it to fix the address, or use the final one.');
  if (seen.size > MAX_REDIRECTS)
    throw fail(`more than ${MAX_REDIRECTS} redirects`, 'Use the final address of the catalog.');
  return next.href;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const { authorization: _dropped, ...rest } = headers;
  return rest;
}

/** What fetch's "fetch failed" was about, in the words the AWS calls use (ECONNREFUSED, a timeout…). */
function fetchFailure(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return networkReason(cause?.code ?? (error instanceof Error ? error.name : ''));
}

/**
 * The body as text, read as a stream and refused once it passes MAX_CATALOG_BYTES (or when its declared length
 * does): the rest is never downloaded.
 */
export async function readCatalogBody(response: Response, fail: FetchFailure): Promise<string> {
  const tooBig = (size: string) =>
    fail(
      `the answer is ${size}, more than the ${MAX_CATALOG_BYTES / MIB} MiB a catalog may have`,
      'Check the URL (it should name the catalog file), or ask whoever publishes it to split the catalog.',
    );
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_CATALOG_BYTES) {
    await response.body?.cancel();
    throw tooBig(`${declared} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > MAX_CATALOG_BYTES) {
      await reader?.cancel();
      throw tooBig(`over ${MAX_CATALOG_BYTES} bytes`);
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
