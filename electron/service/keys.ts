// The window's access-key requests (key age and last use, Rotate) and the daily key-age check whose warnings the
// window and the tray show with "Rotate now". Plain Node over the core's IAM engine.
import type {
  KeyAgeWarningView,
  KeyInfoView,
  RequestArgs,
  RequestHandlers,
  Result,
  RotateOutcomeView,
} from '../ipc/contract.js';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import type { RolebarCore } from '../core/index.js';
import {
  DEFAULT_KEY_AGE_WARNING_DAYS,
  describeKeyInfo,
  keyAgeOverThreshold,
  readKeyInfos,
  withIamTools,
} from '../core/features/iam/index.js';
import type { Settings } from '../core/store/settings.js';

type KeyChannel = 'identity:key-info' | 'identity:rotate';
type Arg<C extends KeyChannel> = RequestArgs<C>[0];

/** What the key handlers need from the service. */
export interface KeyHandlerDeps {
  core: RolebarCore;
  settings: Settings;
  location: AwsLocationOptions;
  now: () => number;
  attempt: <T>(operation: () => Promise<T>, changes: boolean) => Promise<Result<T>>;
}

/** The key handlers, and the key-age warnings they keep (the service puts them in the state). */
export interface KeyService extends Pick<RequestHandlers, KeyChannel> {
  /** Keys past the threshold as of the last check. */
  warnings(): KeyAgeWarningView[];
  /** Reads every IAM user's key age (IAM calls) and keeps the warnings; returns them. */
  checkKeyAges(): Promise<KeyAgeWarningView[]>;
}

/** Builds the key handlers over the core. */
export function keyService(deps: KeyHandlerDeps): KeyService {
  const { core, location, attempt } = deps;
  let current: KeyAgeWarningView[] = [];
  const threshold = () => deps.settings.preferences().keyAgeWarningDays ?? DEFAULT_KEY_AGE_WARNING_DAYS;

  return {
    warnings: () => current.filter((w) => core.identities.find(w.identityId)),
    async checkKeyAges() {
      const infos = await readKeyInfos(core, location);
      const now = deps.now();
      current = [...infos.values()].flatMap((info) => {
        const days = keyAgeOverThreshold(info, threshold(), now);
        const identity = core.identities.find(info.identityId);
        return days === undefined || !identity
          ? []
          : [
              {
                identityId: info.identityId,
                name: identity.name,
                accessKeyId: info.accessKeyId,
                ageDays: days,
              },
            ];
      });
      return current;
    },
    'identity:key-info': ({ id }: Arg<'identity:key-info'>) =>
      attempt(async (): Promise<KeyInfoView | null> => {
        const info = (await readKeyInfos(core, location, core.identities.get(id).id)).get(id);
        return info ? { ...info, summary: describeKeyInfo(info, deps.now()) } : null;
      }, false),
    'identity:rotate': ({ id, deactivateOld, deleteKeyId, mfaCode }: Arg<'identity:rotate'>) =>
      attempt(async (): Promise<RotateOutcomeView> => {
        const result = await withIamTools(core, location, (tools) =>
          tools.rotate({
            identityId: core.identities.get(id).id,
            ...(deactivateOld ? { deactivateOld } : {}),
            ...(deleteKeyId ? { deleteKeyId } : {}),
            ...(mfaCode ? { mfaCode } : {}),
          }),
        );
        // The new key is today's: no warning for it until it grows old.
        current = current.filter((w) => w.identityId !== id);
        return {
          newKeyId: result.newKeyId,
          oldKeyId: result.oldKeyId,
          oldKey: result.oldKey,
          ...(result.removedExtraKeyId ? { removedExtraKeyId: result.removedExtraKeyId } : {}),
        };
      }, true),
  };
}
