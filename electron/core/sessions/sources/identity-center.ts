// An IAM Identity Center sign-in (the AWS CLI's `[sso-session NAME]`): tokens in the keychain, no credentials of
// its own. Its roles are permission sets, whose credentials the access portal gives (GetRoleCredentials); removing
// it also removes the AWS CLI token cache file Rolebar wrote for it.
import { RolebarError } from '../../domain/errors.js';
import { checkField } from '../../domain/model.js';
import * as fields from '../../domain/fields.js';
import { checkRegion } from '../../domain/endpoints.js';
import { checkCliCacheName, removeCliCache } from '../../aws-files/sso-cache.js';
import {
  type CommonIdentityInput,
  checkIdentityName,
  commonIdentityFields,
} from '../../store/identity-fields.js';
import { readTokens } from '../../store/sso-tokens.js';
import { endPortalSignIn, portalDeps, portalRoleCredentials } from '../sso-portal.js';
import type { CredentialSource, KindTraits } from './source.js';

/** What the user types to add an Identity Center identity; its tokens come at sign-in, into the keychain. */
export interface NewIdentityCenter extends Omit<CommonIdentityInput, 'mfaSerial'> {
  kind: 'identity-center';
  name: string;
  startUrl: string;
  ssoRegion: string;
  awsCliCache?: boolean | undefined;
}

/** What an Identity Center identity shows and allows. */
export const identityCenterTraits: KindTraits<'identity-center'> = {
  kind: 'identity-center',
  can: { keys: false, mfaDevice: false, signIn: true },
  summary: (identity) => `sso ${identity.startUrl}`,
  details: (identity) => ({
    startUrl: identity.startUrl,
    ...(identity.awsCliCache ? { awsCliCache: true } : {}),
  }),
  accessKeyId: () => undefined,
  // One sharing the AWS CLI token cache needs a name every SDK reads as `[sso-session NAME]`: when it is added,
  // renamed, or has the cache turned on.
  checkRecord: (identity) => {
    if (identity.awsCliCache) checkCliCacheName(identity.name);
  },
};

/** Identity Center as a credential source. */
export const identityCenterSource: CredentialSource<'identity-center', NewIdentityCenter> = {
  traits: identityCenterTraits,

  draft: (input) => {
    const record = {
      kind: 'identity-center',
      name: checkIdentityName(input.name),
      startUrl: checkField(fields.ssoStartUrl, input.startUrl),
      ssoRegion: checkRegion(input.ssoRegion),
      ...(input.awsCliCache ? { awsCliCache: true } : {}),
      ...commonIdentityFields(input),
    } as const;
    identityCenterTraits.checkRecord?.({ id: '', ...record });
    return { record };
  },

  ownCredentials(identity) {
    return Promise.reject(
      new RolebarError(
        'identity-center-source',
        `"${identity.name}" signs in to IAM Identity Center: it has no credentials of its own.`,
        {
          hint: 'Use one of its Identity Center roles (`rolebar sso roles NAME`), or a role assumed from one.',
        },
      ),
    );
  },

  permissionSet: (identity, role, ctx) => portalRoleCredentials(portalDeps(ctx), identity, role),

  async remove(identity, ctx, removeRecord) {
    // Read before they leave the keychain: they tell Rolebar's cache file from one the AWS CLI wrote. The file is
    // plaintext, and nothing would ever refresh or remove it again.
    const tokens = await readTokens(ctx.secrets, identity.id);
    await removeRecord();
    // Ended at the portal too (best effort), once the removal was allowed: the sign-in would stay valid at AWS.
    await endPortalSignIn(portalDeps(ctx), identity, tokens);
    await removeCliCache(identity, tokens, ctx.homedir);
  },
};
