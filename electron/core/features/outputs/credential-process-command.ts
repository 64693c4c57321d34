// The one rule for the command line a `credential_process` setting runs, used by every writer: setup-profile,
// `rolebar import --remove-plaintext-keys` and the window's import. The line names the Node binary and the small
// credential-process entry (out/cli/credential-process.mjs) by absolute path, so it works from any PATH (GUI
// apps, IDEs, cron, a shell where `rolebar` was never linked) and with whichever Node version manager is active.
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';

/** Where a credential_process line finds Rolebar: both absolute paths. */
export interface RolebarEntry {
  /** A Node binary (the CLI needs Node, never Electron: the packaged app cannot run as Node). */
  node: string;
  /** The small credential-process entry, which hands anything it cannot answer to the full CLI beside it. */
  entry: string;
}

/** The name of the small entry in the CLI's folder (build/build.ts writes it beside rolebar.mjs). */
export const ENTRY_FILE = 'credential-process.mjs';

/** The CLI's folder in the packaged app's resources (build/electron-builder.yml's extraResources puts it there). */
export const PACKAGED_CLI_FOLDER = 'cli';

/**
 * Where the app finds its command line: out/cli beside the main process when run from a checkout; in the
 * packaged app, the folder beside its asar, which Node can read (it cannot read inside an asar).
 */
export function cliDirOf(app: { outDir: string; packaged: boolean; resourcesPath: string }): string {
  return app.packaged ? path.join(app.resourcesPath, PACKAGED_CLI_FOLDER) : path.join(app.outDir, 'cli');
}

/**
 * Quotes one word for botocore's split of `credential_process`: POSIX shlex (single quotes) everywhere but
 * Windows, where botocore follows the MSVC rules (double quotes, backslashes before a quote doubled).
 */
export function quoteForCredentialProcess(
  word: string,
  platform: NodeJS.Platform = process.platform,
): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (platform === 'win32') {
    const escaped = word.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1');
    return `"${escaped}"`;
  }
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The credential_process line serving a role's session: `NODE ENTRY credential-process ROLE`. */
export function roleProcessCommand(
  roleKey: string,
  at: RolebarEntry,
  platform: NodeJS.Platform = process.platform,
): string {
  return commandLine(at, ['credential-process', roleKey], platform);
}

/**
 * The credential_process line serving an identity from the keychain: its long-term key, exactly as plaintext keys
 * did (no expiry, no MFA); with `session`, a GetSessionToken session instead, which cannot call IAM without MFA
 * nor any STS API but AssumeRole and GetCallerIdentity.
 */
export function identityProcessCommand(
  identityName: string,
  at: RolebarEntry,
  options: { session?: boolean; platform?: NodeJS.Platform } = {},
): string {
  const words = ['credential-process', '--identity', identityName, ...(options.session ? ['--session'] : [])];
  return commandLine(at, words, options.platform ?? process.platform);
}

function commandLine(at: RolebarEntry, words: string[], platform: NodeJS.Platform): string {
  return [at.node, at.entry, ...words].map((word) => quoteForCredentialProcess(word, platform)).join(' ');
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `node` on `env.PATH`, by absolute path, or undefined. */
export function findNodeOnPath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const names = platform === 'win32' ? ['node.exe'] : ['node'];
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':');
  for (const dir of dirs) {
    if (!path.isAbsolute(dir)) continue; // a relative PATH entry would name a different file from elsewhere
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/** Where the running program is, for {@link findRolebarEntry}. */
export interface EntrySearch {
  /** The folder holding the CLI bundle (out/cli). */
  cliDir: string;
  /** This process's binary: Node for the CLI (and the Electron double), Electron for the app. */
  execPath: string;
  /** Whether `execPath` is Node itself (false under Electron, whose binary cannot run as Node when packaged). */
  runsOnNode: boolean;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * Finds the Node binary and the small entry for a credential_process line: this process's binary when it is
 * Node, else the first `node` on PATH (Electron cannot stand in). Throws a RolebarError naming what is missing,
 * before anything is written.
 */
export function findRolebarEntry(search: EntrySearch): RolebarEntry {
  const entry = path.resolve(search.cliDir, ENTRY_FILE);
  if (!statIsFile(entry)) {
    throw new RolebarError('rolebar-cli-missing', `The Rolebar command line is not at ${entry}.`, {
      hint: 'Install it (npm install && npm run build && npm link in the Rolebar folder), then try again; or run `rolebar import --remove-plaintext-keys` in a terminal.',
    });
  }
  const node = search.runsOnNode
    ? search.execPath
    : findNodeOnPath(search.env, search.platform ?? process.platform);
  if (node === undefined) {
    throw new RolebarError('node-missing', 'No Node.js on PATH to run the Rolebar command line with.', {
      hint: 'Install Node.js 20.19 or newer, or run `rolebar import --remove-plaintext-keys` in a terminal.',
    });
  }
  return { node, entry };
}

function statIsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
