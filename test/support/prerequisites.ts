import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { KEYTAR_BUILD_PACKAGES } from '../../electron/core/platform/keychain/keychain.js';

/**
 * The Debian packages `npm test` needs on Linux; `.ci/run` installs the same list. KEYTAR_BUILD_PACKAGES build keytar,
 * the keychain module, during `npm install` (libsecret's headers; node-gyp: Python, make, a C++ compiler, pkg-config);
 * dash, fish and zsh run the export and unset snippets for real; boto3 reads the profiles Rolebar writes, as a user's
 * Python program would.
 */
export const LINUX_TEST_PACKAGES = [
  'chromium',
  'gnome-keyring',
  'dbus-x11',
  'awscli',
  'python3-boto3',
  ...KEYTAR_BUILD_PACKAGES,
  'dash',
  'fish',
  'zsh',
] as const;

/** The one command that installs every missing piece on Debian or Ubuntu (as root: a container has no sudo). */
export const INSTALL_COMMAND = `apt-get install -y ${LINUX_TEST_PACKAGES.join(' ')}`;

/** The official AWS CLI v2: Debian's package installs it here; an `aws` earlier on PATH may be an unrelated v1. */
export function awsCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLEBAR_AWS_CLI ?? '/usr/bin/aws';
}

/** Debian's Chromium, which Playwright drives (never a downloaded browser). */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ROLEBAR_CHROMIUM ?? '/usr/bin/chromium';
}

/** Chromium's flags for a closed network: without the background ones it keeps dialing out and failing. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** What is missing, and how to fix it: install the packages, or correct an override that points nowhere. */
export interface MissingPrerequisite {
  what: string;
  fix: string;
}

/** Lists what is missing for the whole suite, in words a person can act on; empty when all is there. */
export function missingPrerequisites(env: NodeJS.ProcessEnv = process.env): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  const install = `install with (as root, or with sudo): ${INSTALL_COMMAND}`;
  // A path the user set by hand is blamed as such: installing packages would not fix it.
  const override = (name: string, what: string) =>
    `${name}=${env[name] ?? ''} is not ${what}; correct or unset ${name}`;
  if (!existsSync(chromiumPath(env))) {
    missing.push(
      env.ROLEBAR_CHROMIUM === undefined
        ? { what: `Chromium (${chromiumPath(env)})`, fix: install }
        : { what: 'Chromium', fix: override('ROLEBAR_CHROMIUM', 'a file') },
    );
  }
  const aws = awsCliPath(env);
  const awsFix = env.ROLEBAR_AWS_CLI === undefined ? install : override('ROLEBAR_AWS_CLI', 'the AWS CLI v2');
  if (!existsSync(aws)) {
    missing.push({ what: `the AWS CLI v2 (${aws})`, fix: awsFix });
  } else {
    const version = spawnSync(aws, ['--version'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
    if (!version.startsWith('aws-cli/2.'))
      missing.push({ what: `the AWS CLI v2 (${aws} is "${version.trim() || 'unknown'}")`, fix: awsFix });
  }
  if (process.platform === 'linux') {
    for (const tool of ['gnome-keyring-daemon', 'dbus-run-session']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
        missing.push({ what: `a Secret Service (${tool})`, fix: install });
    }
    for (const shell of ['dash', 'fish', 'zsh']) {
      if (spawnSync('sh', ['-c', `command -v ${shell}`]).status !== 0)
        missing.push({ what: `the ${shell} shell (the snippet tests run it)`, fix: install });
    }
  }
  return missing;
}
