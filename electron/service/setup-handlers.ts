// The window's requests that change what Rolebar is set up with: identities, roles, which identity a catalog's
// roles start from, importing ~/.aws, and the preferences. Each publishes the new state.
import type { RequestHandlers } from '../ipc/contract.js';
import os from 'node:os';
import type { AwsLocationOptions } from '../core/aws-files/index.js';
import { RolebarError } from '../core/domain/errors.js';
import type { RolebarCore } from '../core/index.js';
import { mapIdentities } from '../core/features/catalog/subscriptions.js';
import { applyImport, planImport } from '../core/features/import/import.js';
import { installCommandOnPath, userBinDir } from '../core/features/outputs/command-on-path.js';
import {
  identityProcessCommand,
  type RolebarEntry,
} from '../core/features/outputs/credential-process-command.js';
import type { Settings } from '../core/store/settings.js';
import type { Arg, Attempt } from './attempt.js';
import { identityView, roleView } from './views.js';

type SetupChannel =
  | 'identity:add'
  | 'identity:update'
  | 'identity:rotate-keys'
  | 'identity:remove'
  | 'identity:whoami'
  | 'role:add'
  | 'role:update'
  | 'role:remove'
  | 'catalog:map'
  | 'import:preview'
  | 'import:apply'
  | 'cli:install'
  | 'preferences:set';

/** Builds the setup handlers. */
export function setupHandlers(deps: {
  core: RolebarCore;
  settings: Settings;
  location: AwsLocationOptions;
  /** Where credential_process lines find the Rolebar command line (throws a RolebarError when it cannot). */
  rolebarEntry?: (() => RolebarEntry) | undefined;
  attempt: Attempt;
}): Pick<RequestHandlers, SetupChannel> {
  const { core, settings, attempt } = deps;
  return {
    'identity:add': (input: Arg<'identity:add'>) =>
      attempt(
        async () => identityView((await core.addIdentity({ kind: 'iam-user', ...input })).identity),
        true,
      ),
    'identity:update': ({ id, ...changes }: Arg<'identity:update'>) =>
      attempt(() => identityView(core.identities.update(id, changes)), true),
    'identity:rotate-keys': ({ id, ...keys }: Arg<'identity:rotate-keys'>) =>
      attempt(async () => identityView(await core.identities.rotateKeys(id, keys)), true),
    'identity:remove': ({ id }: Arg<'identity:remove'>) =>
      attempt(async () => {
        await core.removeIdentity(id);
        return null;
      }, true),
    'identity:whoami': ({ id }: Arg<'identity:whoami'>) =>
      attempt(() => core.whoAmI({ identityId: id }), false),
    'role:add': (input: Arg<'role:add'>) =>
      attempt(() => {
        const role = core.roles.add(input);
        return roleView(role, undefined, '');
      }, true),
    'role:update': ({ id, changes }: Arg<'role:update'>) =>
      attempt(() => roleView(core.roles.update(id, changes), core.sessions.get(id), ''), true),
    'role:remove': ({ id }: Arg<'role:remove'>) =>
      attempt(async () => {
        // The session layer refuses before signing out when other roles chain from this one.
        await core.removeRole(id);
        return null;
      }, true),
    'catalog:map': ({ name, identityId }: Arg<'catalog:map'>) =>
      attempt(() => {
        core.identities.get(identityId);
        mapIdentities(settings, name, { '*': identityId });
        return null;
      }, true),
    'import:preview': () => attempt(async () => (await planImport(core, deps.location)).items, false),
    'import:apply': ({ removePlaintextKeys }: Arg<'import:apply'>) =>
      attempt(async () => {
        // Found before anything changes: a removed key pair needs its credential_process line in the same write.
        const at = removePlaintextKeys ? deps.rolebarEntry?.() : undefined;
        const identityProcess = at && ((name: string) => identityProcessCommand(name, at));
        const result = await applyImport(core, deps.location, { removePlaintextKeys, identityProcess });
        return {
          identities: result.identities.length,
          roles: result.roles.length,
          keysRemovedFrom: result.keysRemovedFrom,
        };
      }, true),
    'cli:install': () =>
      attempt(async () => {
        const at = deps.rolebarEntry?.();
        if (!at) throw new RolebarError('rolebar-cli-missing', 'This window has no command line to install.');
        const homedir = deps.location.homedir ?? os.homedir();
        return installCommandOnPath({
          at,
          binDir: userBinDir(homedir),
          env: deps.location.env ?? process.env,
        });
      }, false),
    'preferences:set': (patch: Arg<'preferences:set'>) => attempt(() => settings.setPreferences(patch), true),
  };
}
