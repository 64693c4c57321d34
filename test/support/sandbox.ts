import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A private corner of the disk and the keychain for one test: nothing in it is the user's. */
export interface Sandbox {
  dir: string;
  /** Environment for code under test and child processes: HOME, ROLEBAR_HOME, the AWS files, the keychain service. */
  env: NodeJS.ProcessEnv;
  rolebarHome: string;
  credentialsFile: string;
  configFile: string;
  keychainService: string;
  cleanup(): void;
}

/** Makes a sandbox under the OS temp folder; `cleanup()` removes it. */
export function makeSandbox(label = 'test'): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rolebar-${label}-`));
  const rolebarHome = path.join(dir, 'rolebar');
  const credentialsFile = path.join(dir, '.aws', 'credentials');
  const configFile = path.join(dir, '.aws', 'config');
  mkdirSync(rolebarHome, { recursive: true });
  const keychainService = `rolebar-test-${label}-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    ROLEBAR_HOME: rolebarHome,
    ROLEBAR_KEYCHAIN_SERVICE: keychainService,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_CONFIG_FILE: configFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  return {
    dir,
    env,
    rolebarHome,
    credentialsFile,
    configFile,
    keychainService,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
