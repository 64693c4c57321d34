import { credentialFailure, networkReason } from '../failures.js';
import { AwsCallError, type AwsErrorDetails } from '../../domain/errors.js';

/** Every way an STS call fails that a user can do something about. */
export type StsFailure =
  | 'unknown-key'
  | 'wrong-secret'
  | 'clock-skew'
  | 'access-denied'
  | 'mfa-failed'
  | 'duration-too-long'
  | 'chaining-cap'
  | 'expired-token'
  | 'region-disabled'
  | 'throttled'
  | 'offline'
  | 'invalid-request'
  | 'not-sts' // the endpoint answered, but not as STS (a web page, a redirect, a 404, garbage)
  | 'bad-answer' // STS-shaped, but not trustworthy (an expiry already past or impossibly far)
  | 'service-error';

/** A failed STS call, with what happened in the user's words and what to do. Never holds a secret. */
export class StsError extends AwsCallError<StsFailure> {
  constructor(failure: StsFailure, message: string, hint: string, details: AwsErrorDetails = {}) {
    super('sts', failure, message, hint, details);
  }
}

/** What the caller was doing, to name it in the message. */
export interface StsCallContext {
  action: 'AssumeRole' | 'GetSessionToken' | 'GetCallerIdentity' | 'GetFederationToken';
  /** The role being assumed, for AssumeRole. */
  roleArn?: string;
  /** The access key id that signed the call (never its secret). */
  accessKeyId?: string;
  /** A label for the source: an identity name or a profile. */
  source?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);

/** The fields of an SDK error Rolebar reads (STS and IAM clients throw the same shape). */
export interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Turns whatever the SDK threw into an StsError whose message tells the user what to do. */
export function toStsError(error: unknown, context: StsCallContext): StsError {
  if (error instanceof StsError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const awsCode = (e.Code ?? e.name ?? '').replace(/Exception$/, '');
  const awsMessage = typeof e.message === 'string' ? e.message : '';
  const details = { awsCode, awsMessage, cause: error, context: contextStrings(context) };
  const who = context.source ? ` (${context.source})` : '';
  const role = context.roleArn ?? 'the role';

  if (isNetworkError(e)) {
    return new StsError(
      'offline',
      `Could not reach AWS STS${who}: ${networkReason(sdkNetworkCode(e))}.`,
      'Check your network connection, VPN or proxy, then try again. Nothing was changed.',
      { cause: error, context: contextStrings(context) },
    );
  }
  const common = credentialFailure(awsCode, awsMessage, who, context.accessKeyId);
  if (common) return new StsError(common.failure, common.message, common.hint, details);
  switch (awsCode) {
    case 'RegionDisabled':
      return new StsError(
        'region-disabled',
        `STS is not activated in this region for the account${who}.`,
        'Use another region for this identity or role, or ask an administrator to activate STS in this region (IAM → Account settings).',
        details,
      );
    case 'ValidationError':
      if (/role chaining/i.test(awsMessage)) {
        return new StsError(
          'chaining-cap',
          `AWS limits sessions of ${role} to 1 hour because it is assumed with temporary credentials (role chaining).`,
          'Lower the duration to 3600 seconds or less, or assume the role directly from an IAM user with an MFA code.',
          details,
        );
      }
      if (/MaxSessionDuration|durationSeconds|DurationSeconds/.test(awsMessage)) {
        return new StsError(
          'duration-too-long',
          `The requested duration is longer than ${role} allows.`,
          "Lower the duration, or ask an administrator to raise the role's maximum session duration (1–12 hours).",
          details,
        );
      }
      return new StsError(
        'invalid-request',
        `AWS rejected the request: ${awsMessage}`,
        'Check the role settings.',
        details,
      );
    case 'AccessDenied':
      if (/MultiFactorAuthentication/i.test(awsMessage)) {
        return new StsError(
          'mfa-failed',
          'The MFA code was not accepted.',
          'Enter the current 6-digit code from your MFA device (each code works once; wait for the next one if you just used it). Check that the MFA device serial is right.',
          details,
        );
      }
      if (context.action === 'AssumeRole') {
        return new StsError(
          'access-denied',
          `Not allowed to assume ${role}${who}.`,
          accessDeniedHint(awsMessage),
          details,
        );
      }
      return new StsError(
        'access-denied',
        `AWS denied ${context.action}${who}: ${awsMessage}`,
        'Check the identity’s permissions.',
        details,
      );
    case 'MalformedPolicyDocument':
    case 'PackedPolicyTooLarge':
      return new StsError(
        'invalid-request',
        `AWS rejected the session policy or tags: ${awsMessage}`,
        'Shorten or fix the session policy and tags.',
        details,
      );
    default: {
      const status = e.$metadata?.httpStatusCode;
      if (status !== undefined && status >= 500) {
        return new StsError(
          'service-error',
          'AWS STS had an internal error; retrying did not help.',
          'Try again in a minute.',
          details,
        );
      }
      return new StsError(
        'service-error',
        `AWS STS failed${awsCode ? ` with ${awsCode}` : ''}${awsMessage ? `: ${awsMessage}` : ''}.`,
        'Try again; if it keeps failing, check the AWS Health Dashboard.',
        details,
      );
    }
  }
}

/** The most likely reasons behind an AssumeRole AccessDenied, in the order people meet them. */
function accessDeniedHint(awsMessage: string): string {
  const causes = [
    "the role's trust policy does not name your user, your account, or the role you come from",
    'your identity policy does not allow sts:AssumeRole on this role',
    'the role requires MFA or an external ID that was not given',
    'the role ARN has a typo (AWS does not say whether a role exists)',
  ];
  const said = awsMessage ? ` AWS said: ${awsMessage}` : '';
  return `Likely causes: ${causes.join('; ')}.${said}`;
}

/** True when the SDK failed before AWS answered (refused, dropped, timed out, DNS). */
export function isNetworkError(e: SdkErrorShape): boolean {
  if (e.code && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout' || e.name === 'AbortError') return true;
  return /socket hang up|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|connect /.test(
    e.message ?? '',
  );
}

/** The network error code an SDK failure carries, in its code, name or message. */
export function sdkNetworkCode(e: SdkErrorShape): string {
  const text = `${e.code ?? ''} ${e.name ?? ''} ${e.message ?? ''}`;
  return (
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|TimeoutError|RequestTimeout|AbortError/.exec(text)?.[0] ??
    'dropped'
  );
}

function contextStrings(context: StsCallContext): Record<string, string> {
  const out: Record<string, string> = { action: context.action };
  if (context.roleArn) out.roleArn = context.roleArn;
  if (context.accessKeyId) out.accessKeyId = context.accessKeyId;
  if (context.source) out.source = context.source;
  return out;
}
