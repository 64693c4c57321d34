// A profile in ~/.aws, resolved by the AWS SDK's own providers (static keys, SSO, credential_process, a role):
// Rolebar keeps only its name, and reads it anew at every use.
import { RolebarError } from '../../domain/errors.js';
import { checkProfileName } from '../../domain/model.js';
import type { AwsCredentials } from '../../aws/sts/client.js';
import { refuseIrregularAwsFiles, resolveAwsFilePaths } from '../../aws-files/index.js';
import {
  type CommonIdentityInput,
  checkIdentityName,
  commonIdentityFields,
} from '../../store/identity-fields.js';
import type { AssumeContext } from '../context.js';
import { fromSdk } from './sdk.js';
import type { CredentialSource, KindTraits } from './source.js';

/** What the user types to add a `~/.aws` profile as an identity. */
export interface NewAwsProfile extends CommonIdentityInput {
  kind: 'aws-profile';
  name: string;
  profile: string;
}

/** What an AWS profile identity shows and allows. */
export const awsProfileTraits: KindTraits<'aws-profile'> = {
  kind: 'aws-profile',
  can: { keys: false, mfaDevice: true, signIn: false },
  summary: (identity) => `profile ${identity.profile}`,
  details: (identity) => ({ profile: identity.profile }),
  accessKeyId: () => undefined,
};

/** An AWS profile as a credential source. */
export const awsProfileSource: CredentialSource<'aws-profile', NewAwsProfile> = {
  traits: awsProfileTraits,
  draft: (input) => ({
    record: {
      kind: 'aws-profile',
      name: checkIdentityName(input.name),
      profile: checkProfileName(input.profile),
      ...commonIdentityFields(input),
    },
  }),
  ownCredentials: (identity, ctx, options) =>
    profileCredentials(identity.profile, ctx, { name: identity.name, mfaCode: options?.mfaCode }),
};

/**
 * What the AWS SDK finds for the profile `profile` in the AWS files Rolebar was given (also for whoAmI on any
 * profile). `name` is who the error names; a profile that asks for MFA gets `mfaCode`, else a clear error.
 */
export function profileCredentials(
  profile: string,
  ctx: Pick<AssumeContext, 'env' | 'homedir'>,
  options: { name: string; mfaCode?: string | undefined },
): Promise<AwsCredentials> {
  return fromSdk(`the profile "${profile}"`, options.name, async () => {
    const where = { env: ctx.env, ...(ctx.homedir ? { homedir: ctx.homedir } : {}) };
    // fromIni opens the files blocking, on every call (ignoreCache): a FIFO there would hang it.
    refuseIrregularAwsFiles(where);
    const { fromIni } = await import('@aws-sdk/credential-provider-ini');
    const paths = resolveAwsFilePaths(where);
    return fromIni({
      profile,
      filepath: paths.credentials,
      configFilepath: paths.config,
      ignoreCache: true,
      mfaCodeProvider: async (serial) => {
        if (options.mfaCode) return options.mfaCode;
        throw new RolebarError('mfa-required', `The profile "${profile}" asks for an MFA code (${serial}).`, {
          hint: 'Enter the current code from your MFA device.',
        });
      },
    })();
  });
}
