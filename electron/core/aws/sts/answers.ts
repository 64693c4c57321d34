/*
 * What an STS answer must look like before Rolebar trusts it: an XML answer from something that is STS,
 * and credentials whose expiry is one STS could have given. Anything else is refused with what came back
 * and where from, so a wrong endpoint setting is found at once.
 */
import { StsError, type StsCallContext } from './errors.js';
import type { StsTarget } from '../../domain/endpoints.js';
import { shown } from '../../domain/fields.js';

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

/**
 * True for an SDK error that carries an AWS error document's code (SignatureDoesNotMatch, AccessDenied…): an AWS
 * error whatever the content type it came with (moto sends its error XML as text/html), as botocore reads it.
 */
export function isAwsErrorDocument(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$fault' in error)) return false;
  const name = 'name' in error && typeof error.name === 'string' ? error.name : '';
  return name !== '' && name !== 'Unknown' && name !== 'UnknownError' && name !== 'Error';
}

/** The error for an answer that is not STS: names the status, the content type and the endpoint. */
export function foreignAnswerError(
  raw: RawAnswer,
  target: StsTarget,
  context: StsCallContext,
  cause: unknown,
): StsError {
  const type = raw.contentType ? raw.contentType.split(';')[0]?.trim() : 'no content type';
  const empty = raw.contentLength === '0';
  const moved = raw.location ? ` redirecting to ${raw.location}` : '';
  const what = empty ? 'with an empty body, where AWS STS always sends a document' : 'as AWS STS does';
  return new StsError(
    'not-sts',
    `${target.endpoint} did not answer ${context.action} ${what}: HTTP ${raw.status} (${type}${empty ? ', empty' : ''})${moved}.`,
    HINT_ENDPOINT,
    { cause, context: { action: context.action, endpoint: target.endpoint, status: String(raw.status) } },
  );
}

/**
 * Refuses an AssumeRole answer whose assumed-role ARN is not a session of the role asked for: the same partition,
 * account and role name, and the session name asked for. STS always answers so; anything else (another account,
 * a role name with escape sequences in it) is not used, printed or written.
 */
export function checkAssumedRoleArn(
  answered: string,
  asked: { roleArn: string; sessionName: string | undefined },
  target: StsTarget,
  context: StsCallContext,
): void {
  const role = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[^/]*\/)*([^/]+)$/.exec(asked.roleArn);
  const expected = role ? `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/` : undefined;
  const session = answered.slice(expected?.length ?? 0);
  if (
    expected &&
    answered.startsWith(expected) &&
    (asked.sessionName === undefined ? /^[\w+=,.@-]{2,64}$/.test(session) : session === asked.sessionName)
  )
    return;
  throw new StsError(
    'bad-answer',
    `${target.endpoint} answered AssumeRole for ${asked.roleArn} with a session of something else ("${shown(answered)}"). It was not used.`,
    HINT_ENDPOINT,
    { context: { action: context.action, endpoint: target.endpoint } },
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

/** The credentials of an STS answer as the SDK parsed them. */
export interface AnsweredCredentials {
  AccessKeyId?: string | undefined;
  SecretAccessKey?: string | undefined;
  SessionToken?: string | undefined;
  Expiration?: Date | undefined;
}

/**
 * A session token is printable text with a letter or digit in it: never only spaces or the characters XML entities
 * stand for (`&amp;`, `&lt;`, `&#32;`…), which an answer that is not really STS's decodes to.
 */
const TOKEN_TEXT = /^(?=.*[A-Za-z0-9])[\x21-\x7e]+$/;

/** The credentials of an STS answer, refused by name when a field is missing or the token is no token. */
export function checkCredentials(
  credentials: AnsweredCredentials | undefined,
  target: StsTarget,
  context: StsCallContext,
): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } {
  const refuse = (what: string) =>
    new StsError(
      'bad-answer',
      `${target.endpoint} answered ${context.action} ${what}. Nothing was used.`,
      HINT_ENDPOINT,
      { context: { action: context.action, endpoint: target.endpoint } },
    );
  const fields = ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'] as const;
  const missing = fields.filter((field) => !credentials?.[field]);
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  if (missing.length > 0 || !AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration)
    throw refuse(`without ${missing.join(', ')}`);
  if (!TOKEN_TEXT.test(SessionToken))
    throw refuse(
      'with a SessionToken that is no session token (only spaces or characters XML entities stand for)',
    );
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: Expiration,
  };
}
