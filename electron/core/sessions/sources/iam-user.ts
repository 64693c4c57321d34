// IAM user keys: the access key id in settings, the secret in the keychain. The keys sign the first hop
// themselves; a new pair is checked with GetCallerIdentity before anything is saved.
import { checkField } from '../../domain/model.js';
import * as fields from '../../domain/fields.js';
import {
  type CommonIdentityInput,
  checkIdentityName,
  commonIdentityFields,
} from '../../store/identity-fields.js';
import { userNameOfArn } from '../../store/sessions.js';
import { targetFor } from '../context.js';
import type { CredentialSource, KindTraits } from './source.js';

/** What the user types to add IAM user keys. The secret goes to the keychain only. */
export interface NewIamUser extends CommonIdentityInput {
  kind: 'iam-user';
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What IAM user keys show and allow. */
export const iamUserTraits: KindTraits<'iam-user'> = {
  kind: 'iam-user',
  can: { keys: true, mfaDevice: true, signIn: false },
  summary: (identity) => identity.accessKeyId,
  details: (identity) => ({ accessKeyId: identity.accessKeyId }),
  accessKeyId: (identity) => identity.accessKeyId,
};

/** IAM user keys as a credential source. */
export const iamUserSource: CredentialSource<'iam-user', NewIamUser> = {
  traits: iamUserTraits,

  draft: (input) => ({
    record: {
      kind: 'iam-user',
      name: checkIdentityName(input.name),
      accessKeyId: checkField(fields.accessKeyId, input.accessKeyId),
      ...commonIdentityFields(input),
    },
    // Checked by its rule and kept as it was checked; its messages never show it.
    secret: checkField(fields.secretAccessKey, input.secretAccessKey),
  }),

  async check({ record, secret = '' }, ctx) {
    const credentials = { accessKeyId: record.accessKeyId, secretAccessKey: secret };
    const answer = await ctx.sts.getCallerIdentity(targetFor(ctx, record), credentials, {
      action: 'GetCallerIdentity',
      accessKeyId: record.accessKeyId,
      source: record.name,
    });
    const { arn, account } = answer.value;
    return { arn, account, userName: userNameOfArn(arn) };
  },

  async ownCredentials(identity, ctx) {
    return { accessKeyId: identity.accessKeyId, secretAccessKey: await ctx.identities.secretOf(identity.id) };
  },
};
