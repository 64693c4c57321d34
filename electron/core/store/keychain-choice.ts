// Which keychain holds the secrets of the settings in `settings`: ROLEBAR_KEYCHAIN over the stored choice (set by
// `rolebar keychain migrate`), over the OS keychain (platform/keychain/backend.ts holds the rule).
import path from 'node:path';
import {
  describeBackend,
  type KeychainBackend,
  keychainBackendOf,
  keychainFileIn,
} from '../platform/keychain/names.js';
import type { Settings } from './settings.js';

export interface KeychainChoice {
  backend: KeychainBackend;
  /** The settings folder the keychain file lives in. */
  settingsFolder: string;
  /** Where the file backend keeps its file (whichever backend is in force). */
  file: string;
  /** Where the secrets are, in a user's words. */
  where: string;
}

/** The keychain in force for `settings` in a process with `env`. */
export function keychainChoice(settings: Settings, env: NodeJS.ProcessEnv): KeychainChoice {
  const settingsFolder = path.dirname(settings.path);
  const backend = keychainBackendOf(env, settings.read().keychainBackend);
  return {
    backend,
    settingsFolder,
    file: keychainFileIn(settingsFolder),
    where: describeBackend(backend, settingsFolder),
  };
}
