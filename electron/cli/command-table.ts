// The `rolebar` commands by name, each with the loader of its group: the entry, help and completion read this table.
import type { Command } from './args.js';

/**
 * Loads a command group's code. `sub` is the subcommand typed, when only it will run: a group whose commands live
 * in more than one module may then load just the one that has it.
 */
export type Loader = (sub?: string) => Promise<{ commands: Record<string, Command> }>;

const completion: Loader = () => import('./commands/completion.js');
const info: Loader = () => import('./commands/info.js');
const sessions: Loader = () => import('./commands/session.js');
const iam = () => import('./commands/iam.js');
/**
 * The `role` group: its own commands plus `role discover`, which lives with the other IAM commands (loaded only
 * for it, for the group's help and for a subcommand that is not there: `role list` loads no IAM code).
 */
const roles: Loader = async (sub) => {
  const own = await import('./commands/role.js');
  if (sub !== undefined && own.commands[`role ${sub}`]) return own;
  const found = await iam();
  return { commands: { ...own.commands, 'role discover': found.roleDiscover } };
};

/** Every command (groups list their subcommands in their own help), in help order (names starting with `_` are not shown). */
export const COMMANDS: Array<[name: string, summary: string, load: Loader]> = [
  ['whoami', 'who a session is: account, ARN, user id', info],
  ['status', 'identities, roles and active sessions with time left', info],
  [
    'identity',
    'add, list, rotate or remove IAM user keys (kept in the keychain)',
    () => import('./commands/identity.js'),
  ],
  ['role', 'add, list, remove or discover roles', roles],
  [
    'keychain',
    'where secrets are kept; unlock, lock or migrate the encrypted keychain file',
    () => import('./commands/keychain.js'),
  ],
  ['sso', 'IAM Identity Center: add, login, logout, roles', () => import('./commands/sso.js')],
  ['assume', 'assume a role (or a chain of roles) and write its profile', sessions],
  ['export', 'print export lines of a role session for a shell or docker', sessions],
  ['unset', 'print the lines that return a shell to your own identity', sessions],
  ['exec', 'run one command with a role session in its environment', sessions],
  [
    'credential-process',
    'credentials for the AWS config `credential_process` setting',
    () => import('./commands/credential-process.js'),
  ],
  [
    'setup-profile',
    'write a credential_process profile into the AWS config file',
    () => import('./commands/setup-profile.js'),
  ],
  ['console', 'open (or print) the AWS console signed in as a role', () => import('./commands/console.js')],
  ['policy', 'print the trust and permission policies that let you assume a role', iam],
  ['revoke', "revoke a role's older sessions (everyone's)", iam],
  ['import', 'import keys and roles from ~/.aws', () => import('./commands/import.js')],
  ['catalog', 'team role catalogs synced from git, a URL or a file', () => import('./commands/catalog.js')],
  ['signout', "end a role's session and remove its profile", sessions],
  [
    'demo',
    'try Rolebar without AWS: a local STS emulator with demo roles',
    () => import('./commands/demo.js'),
  ],
  ['completion', 'print a bash, zsh or fish script that completes commands, options and roles', completion],
  ['__complete', 'what the completion scripts ask: the words that may come next', completion],
  ['version', "print Rolebar's version", async () => ({ commands: {} })],
  ['help', 'show this help, or a command’s', async () => ({ commands: {} })],
];

/** Commands whose first word is a subcommand. */
export const GROUPS = new Set(['identity', 'role', 'catalog', 'sso', 'keychain']);
