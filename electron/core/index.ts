// The core's facade: the engine (stores, sessions, who-am-I) with the features the CLI and the app's service both
// call around it. Rooms and their import direction: README.md beside this file (enforced by build/eslint-layers.js).
import os from 'node:os';
import {
  cliCacheWriter,
  createIdentityCenter,
  type IdentityCenter,
} from './features/identity-center/index.js';
import { catalogRoleSource } from './features/catalog/resolve.js';
import { exportSnippet, type SnippetFormat, unsetSnippet } from './features/outputs/snippets.js';
import { RolebarError } from './domain/errors.js';
import type { AskPassphrase } from './platform/keychain/file-store.js';
import { awsHomeOf } from './aws-files/paths.js';
import { openSecrets } from './open-secrets.js';
import { openUserSettings } from './view.js';
import { type CoreDeps, createEngine, type Engine } from './sessions/engine.js';

export type { CoreDeps, Engine, WhoAmI, WhoAmITarget } from './sessions/engine.js';

/** Rolebar's core: the engine, Identity Center and export snippets. Shared by the main process, the CLI and the tests. */
export interface RolebarCore extends Engine {
  /** The export snippet of a role's live session in a shell's format (main process and CLI only: it holds secrets). */
  exportSnippet(roleId: string, format: SnippetFormat): Promise<string>;
  /** The snippet that returns a shell to the user's own identity. */
  unsetSnippet(format: SnippetFormat): string;
  /** IAM Identity Center: sign-in, sign-out, accounts and permission sets. */
  identityCenter: IdentityCenter;
}

/** Builds the core over the given stores. */
export function createCore(deps: CoreDeps): RolebarCore {
  const engine = createEngine(deps, catalogRoleSource(deps.settings.path, deps.now ?? Date.now));
  const ctx = engine.context;
  ctx.afterSsoTokens = cliCacheWriter(ctx);
  const identityCenter = createIdentityCenter(ctx);
  return {
    ...engine,
    async exportSnippet(roleId, format) {
      const credentials = await engine.credentialsOf(roleId);
      if (!credentials) {
        const role = engine.roles.get(roleId);
        throw new RolebarError('no-session', `"${role.label}" has no active session to export.`, {
          hint: 'Switch to it first.',
        });
      }
      const region = engine.sessions.get(roleId)?.region;
      return exportSnippet(format, { credentials, ...(region ? { region } : {}) });
    },
    unsetSnippet,
    identityCenter,
  };
}

/**
 * Opens the core the way the CLI does: settings from ROLEBAR_HOME (or the app's folder), the keychain the
 * settings or ROLEBAR_KEYCHAIN name (the OS keychain, or the encrypted file, whose passphrase `askPassphrase`
 * may ask for) under ROLEBAR_KEYCHAIN_SERVICE (default "Rolebar"; in a demo shell, the demo's own store), the AWS
 * files from AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE.
 */
export function openCore(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<CoreDeps> = {},
  askPassphrase?: AskPassphrase,
): RolebarCore {
  const homedir = env.HOME || os.homedir();
  const settings = overrides.settings ?? openUserSettings(env);
  return createCore({
    settings,
    secrets: overrides.secrets ?? openSecrets(env, settings, askPassphrase),
    env,
    // The home whose ~/.aws the core uses where no AWS_* variable names a file (a demo's is its own).
    homedir: awsHomeOf(env, homedir),
    ...(overrides.sts ? { sts: overrides.sts } : {}),
    ...(overrides.now ? { now: overrides.now } : {}),
  });
}
