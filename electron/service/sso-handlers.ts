// The window's IAM Identity Center requests: signing in (in the browser, or with a code the window shows while
// the sign-in runs), copying that code, and sharing the sign-in with the AWS CLI's cache.
import type { IdentityView, RequestHandlers } from '../ipc/contract.js';
import type { RolebarCore } from '../core/index.js';
import { RolebarError } from '../core/domain/errors.js';
import { SIGN_IN_TIMEOUT_MS } from '../core/features/identity-center/sign-in.js';
import type { Arg, Attempt } from './attempt.js';
import type { ClipboardLike } from './clipboard.js';
import { identityView } from './views.js';

type SsoChannel = 'sso:add' | 'sso:sign-in' | 'sso:copy-code' | 'sso:set-cli-cache';
type DeviceCode = NonNullable<IdentityView['deviceCode']>;

/** The sign-in handlers, and the codes of the device-code sign-ins they run (the state shows them). */
export interface SsoHandlers {
  handlers: Pick<RequestHandlers, SsoChannel>;
  /** The code of the device-code sign-in in progress for this identity, if one is. */
  deviceCode(identityId: string): DeviceCode | undefined;
}

/** Builds the sign-in handlers; `openExternal` is the user's browser (absent: codes only). */
export function ssoHandlers(deps: {
  core: RolebarCore;
  clipboard: ClipboardLike;
  openExternal?: ((url: string) => Promise<void> | void) | undefined;
  now: () => number;
  attempt: Attempt;
  publish: () => Promise<void>;
}): SsoHandlers {
  const { core, now, attempt, publish } = deps;
  /** The code of each device-code sign-in in progress, by identity id: shown in the window until it ends. */
  const deviceCodes = new Map<string, DeviceCode>();
  return {
    deviceCode: (identityId) => deviceCodes.get(identityId),
    handlers: {
      'sso:add': (input: Arg<'sso:add'>) =>
        attempt(
          async () => identityView((await core.addIdentity({ kind: 'identity-center', ...input })).identity),
          true,
        ),
      'sso:sign-in': ({ id, deviceCode }: Arg<'sso:sign-in'>) =>
        attempt(async () => {
          const openExternal = deps.openExternal;
          if (!openExternal && !deviceCode)
            throw new RolebarError('sso-no-browser', 'No browser to sign in with.', {
              hint: 'Sign in with a code, or run `rolebar sso login NAME --use-device-code` in a terminal.',
            });
          try {
            await core.identityCenter.signIn(
              id,
              {
                // The code flow is for machines whose browser cannot be used: the window shows the code instead.
                openBrowser: deviceCode || !openExternal ? () => undefined : openExternal,
                showDeviceCode: ({ userCode, verificationUri }) => {
                  const expiresAt = new Date(now() + SIGN_IN_TIMEOUT_MS).toISOString();
                  deviceCodes.set(id, { userCode, verificationUri, expiresAt });
                  void publish().catch(() => undefined);
                },
              },
              { useDeviceCode: deviceCode },
            );
          } finally {
            if (deviceCodes.delete(id)) await publish().catch(() => undefined);
          }
          return { roles: (await core.identityCenter.syncRoles(id)).roles.length };
        }, true),
      'sso:copy-code': ({ id }: Arg<'sso:copy-code'>) =>
        attempt(async () => {
          const code = deviceCodes.get(id);
          if (!code)
            throw new RolebarError('sso-no-code', 'No sign-in code is waiting.', {
              hint: 'Choose "Sign in with a code" again.',
            });
          // Not a secret: copied as is, without the clearing timer of session snippets.
          await deps.clipboard.writeText(code.userCode);
          return null;
        }, false),
      'sso:set-cli-cache': ({ id, on }: Arg<'sso:set-cli-cache'>) =>
        attempt(() => core.identityCenter.setAwsCliCache(id, on), true),
    },
  };
}
