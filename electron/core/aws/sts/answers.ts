/*
 * What an STS answer must look like before Rolebar trusts it: an XML answer from something that is STS,
 * and credentials whose expiry is one STS could have given. Anything else is refused with what came back
 * and where from, so a wrong endpoint setting is found at once.
 */
import { StsError, type StsCallContext } from './errors.js';
import type { StsTarget } from '../../domain/endpoints.js';

/** The raw HTTP answer as it arrived, before the SDK parsed it (no body: it may hold credentials). */
export interface RawAnswer {
  status: number;
  contentType: string;
  contentLength: string | undefined;
  location: string | undefined;
}

/** The longest session STS grants: GetSessionToken's 36 h. */
const LONGEST_SESSION_MS = 129_600_000;
/** Allowance for a server clock ahead of ours (STS itself refuses requests more than 15 min off). */
const CLOCK_ALLOWANCE_MS = 15 * 60_000;

const HINT_ENDPOINT =
  'Check the STS endpoint: AWS_ENDPOINT_URL_STS (or AWS_ENDPOINT_URL), or the endpoint override of the identity, must point at AWS STS or a stand-in that speaks its API. Unset it to use AWS itself. Nothing was changed.';

/** True when `raw` cannot be an STS answer: a redirect, a 404, an empty body or a type that is not XML. */
export function isForeignAnswer(raw: RawAnswer): boolean {
  if (raw.status >= 300 && raw.status < 400) return true;
  if (raw.status === 404) return true;
  if (raw.contentLength === '0') return true;
  return !/xml/i.test(raw.contentType);
}

/** The error for an answer that is not STS: names the status, the content type and the endpoint. */
export function foreignAnswerError(
  raw: RawAnswer,
  target: StsTarget,
  context: StsCallContext,
  cause: unknown,
): StsError {
  const type = raw.contentType ? raw.contentType.split(';')[0]?.trim() : 'no content type';
  const body = raw.contentLength === '0' ? ', empty' : '';
  const moved = raw.location ? ` redirecting to ${raw.location}` : '';
  return new StsError(
    'not-sts',
    `${target.endpoint} did not answer ${context.action} as AWS STS does: HTTP ${raw.status} (${type}${body})${moved}.`,
    HINT_ENDPOINT,
    { cause, context: { action: context.action, endpoint: target.endpoint, status: String(raw.status) } },
  );
}

/** The error for an answer longer than any STS answer: it was not read past `maxBytes`. */
export function oversizedAnswer(target: StsTarget, context: StsCallContext, maxBytes: number): StsError {
  return new StsError(
    'bad-answer',
    `${target.endpoint} answered ${context.action} with more than ${maxBytes / 1024} KiB; an STS answer is a few KB. It was not read further, and nothing was used.`,
    HINT_ENDPOINT,
    { context: { action: context.action, endpoint: target.endpoint } },
  );
}

/**
 * Refuses credentials whose expiry STS could not have given: already past (by the server's clock when it
 * sent one, else ours) or further ahead than the longest session. Returns the expiry when it is plausible.
 */
export function checkExpiration(
  expiration: Date,
  serverNow: number,
  target: StsTarget,
  context: StsCallContext,
): Date {
  const at = expiration.getTime();
  const past = !(at > serverNow);
  const tooFar = at > serverNow + LONGEST_SESSION_MS + CLOCK_ALLOWANCE_MS;
  if (!past && !tooFar) return expiration;
  const when = Number.isNaN(at) ? 'an unreadable time' : expiration.toISOString();
  throw new StsError(
    'bad-answer',
    `${target.endpoint} answered ${context.action} with credentials that expire at ${when}, ${
      past ? 'which has already passed' : 'further ahead than any STS session lasts (36 hours)'
    }. They were not used.`,
    `${past ? 'Check this computer’s clock and time zone. ' : ''}${HINT_ENDPOINT}`,
    { context: { action: context.action, endpoint: target.endpoint } },
  );
}
