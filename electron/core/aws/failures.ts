/** The failures every AWS service answers the same way: they concern the credentials, not the call. */
export type CredentialFailure =
  'unknown-key' | 'wrong-secret' | 'clock-skew' | 'expired-token' | 'throttled' | 'offline';

/** What to tell the user about a failure, before it is wrapped in the service's own error class. */
export interface FailureText<F extends string> {
  failure: F;
  message: string;
  hint: string;
}

/**
 * Explains the credential-level failures shared by STS and IAM (unknown key, wrong secret, clock skew,
 * expired session, throttling); undefined for anything service-specific. `who` names the source, e.g. " (alice)".
 */
export function credentialFailure(
  awsCode: string,
  awsMessage: string,
  who: string,
  accessKeyId: string | undefined,
): FailureText<CredentialFailure> | undefined {
  switch (awsCode) {
    case 'InvalidClientTokenId':
      return {
        failure: 'unknown-key',
        message: `AWS does not recognise the access key${accessKeyId ? ` ${accessKeyId}` : ''}${who}: it was deleted, deactivated, or belongs to another partition.`,
        hint: 'Check the key in the IAM console (Users → Security credentials) and rotate it in Rolebar if it changed.',
      };
    case 'SignatureDoesNotMatch':
      return /Signature expired|not yet current/i.test(awsMessage)
        ? {
            failure: 'clock-skew',
            message: `AWS refused the request because this computer's clock is off by more than 15 minutes${who}.`,
            hint: "Set your computer's clock to update automatically (NTP), then try again.",
          }
        : {
            failure: 'wrong-secret',
            message: `AWS refused the secret access key${who}: it does not match the access key id.`,
            hint: "Enter the secret again (Rotate keys in the window, or 'rolebar identity set-key NAME --access-key-id ID') — AWS shows it only once, when the key is created.",
          };
    case 'ExpiredToken':
      return {
        failure: 'expired-token',
        message: `The session credentials used${who} have expired.`,
        hint: 'Switch to the role again (or enter a new MFA code for its MFA session), then try again.',
      };
    case 'Throttling':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
      return {
        failure: 'throttled',
        message: 'AWS is throttling requests right now; retrying did not help.',
        hint: 'Wait a minute and try again.',
      };
    default:
      return undefined;
  }
}

/** Words for a Node network error code (ECONNREFUSED…), `timeout`, or an SDK timeout. */
export function networkReason(code: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'the host name could not be resolved (offline or DNS failure)';
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (/timeout|ETIMEDOUT|TimeoutError|RequestTimeout|AbortError/i.test(code)) return 'no answer came in time';
  return 'the connection was dropped';
}
