/** Whether AWS blames the caller (`Sender`) or itself (`Receiver`). */
export type StsFaultType = 'Sender' | 'Receiver';

/**
 * An error the emulator answers with, in AWS's shape (code, HTTP status, message).
 * Messages never contain secret keys or session tokens.
 */
export class StsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: StsFaultType;

  constructor(code: string, status: number, message: string, type: StsFaultType = 'Sender') {
    super(message);
    this.name = 'StsError';
    this.code = code;
    this.status = status;
    this.type = type;
  }
}

/** AWS's message for a SigV4 signature mismatch. */
export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Factories for the errors STS answers with, with AWS's codes, statuses and texts. */
export const stsErrors = {
  /** Unknown or inactive access key, or a session token that does not fit. */
  invalidClientTokenId: () =>
    new StsError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'),
  /** Wrong secret, altered request, or a scope problem (custom message). */
  signatureDoesNotMatch: (message: string = SIGNATURE_MISMATCH_MESSAGE) =>
    new StsError('SignatureDoesNotMatch', 403, message),
  /** Session credentials past their Expiration. */
  expiredToken: () =>
    new StsError('ExpiredToken', 403, 'The security token included in the request is expired'),
  /** No SigV4 authentication at all. */
  missingAuthenticationToken: () =>
    new StsError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
  /** A malformed Authorization header or presigned query. */
  incompleteSignature: (message: string) => new StsError('IncompleteSignature', 400, message),
  /** Authorization failure (policy, MFA, session type). */
  accessDenied: (message: string) => new StsError('AccessDenied', 403, message),
  /** Parameter constraint failures, in AWS's "N validation error(s) detected: …" form. */
  validation: (problems: readonly string[]) =>
    new StsError(
      'ValidationError',
      400,
      `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    ),
  /** A ValidationError with a free-form message (AWS uses these for business rules). */
  validationMessage: (message: string) => new StsError('ValidationError', 400, message),
  /** Injected throttling. */
  throttling: () => new StsError('Throttling', 400, 'Rate exceeded'),
  /** Injected server failure. */
  internalFailure: () =>
    new StsError(
      'InternalFailure',
      500,
      'The request processing has failed because of an unknown error, exception or failure.',
      'Receiver',
    ),
  /** STS disabled in the signing region. */
  regionDisabled: (accountId: string) =>
    new StsError(
      'RegionDisabledException',
      403,
      `STS is not activated in this region for account:${accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
    ),
  /** A session policy that is not valid JSON / not a policy. */
  malformedPolicyDocument: (message = 'The policy is not in the valid JSON format.') =>
    new StsError('MalformedPolicyDocument', 400, message),
  /** Session policy + tags too large once packed. */
  packedPolicyTooLarge: (percent: number) =>
    new StsError(
      'PackedPolicyTooLarge',
      400,
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    ),
  /** Unknown Action or Version. */
  invalidAction: (action: string, version: string) =>
    new StsError('InvalidAction', 400, `Could not find operation ${action} for version ${version}`),
  /** No Action parameter. */
  missingAction: () => new StsError('MissingAction', 400, 'Missing Action'),
} as const;
