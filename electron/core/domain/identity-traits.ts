// What an identity shows and can do besides its name, as its credential source says (core/sessions/sources/):
// what the CLI, the service and the window ask instead of its kind. Browser-safe, so the window's view derives it.

/** What an identity can do. */
export interface IdentityCapabilities {
  /** It keeps an access key pair (the secret in the keychain): key age, rotation, set-key, identity sessions. */
  keys: boolean;
  /** Its roles may ask for an MFA device of Rolebar's (an Identity Center portal asks for MFA itself). */
  mfaDevice: boolean;
  /** It signs in through the browser (Identity Center): sign-in state, sign-out, the AWS CLI token cache. */
  signIn: boolean;
}

/** The non-secret fields of its kind an identity shows (`identity list --json` has them all). */
export interface IdentityDetails {
  /** The access key id (not secret) of IAM user keys. */
  accessKeyId?: string;
  /** The `~/.aws` profile it resolves. */
  profile?: string;
  /** The `credential_source` it reads. */
  source?: string;
  /** The AWS access portal URL of an Identity Center identity. */
  startUrl?: string;
  /** An Identity Center identity that also writes the AWS CLI token cache (`sso:set-cli-cache`). */
  awsCliCache?: boolean;
}
