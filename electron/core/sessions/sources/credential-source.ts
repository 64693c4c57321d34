// A `credential_source` of the AWS config file: the credentials of the environment Rolebar runs in (its
// environment variables, the EC2 instance's or the ECS container's role), found by the AWS SDK's providers.
import { RolebarError } from '../../domain/errors.js';
import { CREDENTIAL_SOURCES, type CredentialSourceName } from '../../domain/model.js';
import {
  type CommonIdentityInput,
  checkIdentityName,
  commonIdentityFields,
} from '../../store/identity-fields.js';
import { refuseIrregularAwsFiles } from '../../aws-files/index.js';
import { fromSdk, withEnv } from './sdk.js';
import type { CredentialSource, KindTraits } from './source.js';

/** What the user picks to add a credential source as an identity. */
export interface NewCredentialSource extends CommonIdentityInput {
  kind: 'credential-source';
  name: string;
  source: CredentialSourceName;
}

/** What a credential source identity shows and allows. */
export const configCredentialTraits: KindTraits<'credential-source'> = {
  kind: 'credential-source',
  can: { keys: false, mfaDevice: true, signIn: false },
  summary: (identity) => identity.source,
  details: (identity) => ({ source: identity.source }),
  accessKeyId: () => undefined,
};

/** A `credential_source` as a credential source. */
export const configCredentialSource: CredentialSource<'credential-source', NewCredentialSource> = {
  traits: configCredentialTraits,
  draft(input) {
    if (!CREDENTIAL_SOURCES.includes(input.source)) {
      throw new RolebarError('invalid-input', `"${input.source}" is not a credential source.`, {
        hint: `Use one of ${CREDENTIAL_SOURCES.join(', ')}.`,
      });
    }
    return {
      record: {
        kind: 'credential-source',
        name: checkIdentityName(input.name),
        source: input.source,
        ...commonIdentityFields(input),
      },
    };
  },
  ownCredentials: (identity, ctx) =>
    fromSdk(`the ${identity.source} credential source`, identity.name, async () => {
      if (identity.source === 'Environment') {
        const { fromEnv } = await import('@aws-sdk/credential-provider-env');
        return withEnv(ctx.env, () => fromEnv()());
      }
      // The instance metadata provider reads its endpoint settings from the config file: a FIFO there would hang it.
      refuseIrregularAwsFiles();
      const imds = await import('@smithy/credential-provider-imds');
      const provider =
        identity.source === 'EcsContainer' ? imds.fromContainerMetadata() : imds.fromInstanceMetadata();
      return provider();
    }),
};
