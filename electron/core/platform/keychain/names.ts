// What names the keychain in force, apart from the keychain code: its service, its backend (the rule that picks
// it) and where the keychain file is. `rolebar status` and `role list` name the keychain without loading it.
import path from 'node:path';
import { RolebarError } from '../../domain/errors.js';

/** The keychain service Rolebar's own entries live under; tests use a name of their own. */
export const DEFAULT_KEYCHAIN_SERVICE = 'Rolebar';

/** The keychain service in `env`: ROLEBAR_KEYCHAIN_SERVICE (tests, demo), else Rolebar's own. */
export function keychainServiceOf(env: NodeJS.ProcessEnv): string {
  return env.ROLEBAR_KEYCHAIN_SERVICE || DEFAULT_KEYCHAIN_SERVICE;
}

export type KeychainBackend = 'os' | 'file';
export const KEYCHAIN_BACKENDS: readonly KeychainBackend[] = ['os', 'file'];
/** The variable that chooses the backend for one process (over the setting). */
export const BACKEND_VARIABLE = 'ROLEBAR_KEYCHAIN';

/** The backend in force: ROLEBAR_KEYCHAIN, else the stored setting, else the OS keychain. */
export function keychainBackendOf(
  env: NodeJS.ProcessEnv,
  stored: KeychainBackend | undefined,
): KeychainBackend {
  const chosen = env[BACKEND_VARIABLE];
  if (chosen === undefined || chosen === '') return stored ?? 'os';
  if ((KEYCHAIN_BACKENDS as readonly string[]).includes(chosen)) return chosen as KeychainBackend;
  throw new RolebarError(
    'keychain-bad-backend',
    `${BACKEND_VARIABLE} is "${chosen}", which is not a keychain.`,
    {
      hint: `Set ${BACKEND_VARIABLE}=file (an encrypted file) or ${BACKEND_VARIABLE}=os (the OS keychain), or unset it.`,
    },
  );
}

/** The keychain file's folder and name inside the settings folder. */
export function keychainFileIn(settingsFolder: string): string {
  return path.join(settingsFolder, 'keychain', 'secrets.rolebar-keychain');
}

/** Where `backend` keeps the secrets, in a user's words (status, the window, errors). */
export function describeBackend(backend: KeychainBackend, settingsFolder: string): string {
  return backend === 'file'
    ? `an encrypted file (${keychainFileIn(settingsFolder)})`
    : 'the OS keychain (Secret Service, macOS Keychain or Windows Credential Manager)';
}
