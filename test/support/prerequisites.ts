import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian packages `npm test` needs on Linux; `.ci/run` installs the same list. */
export const LINUX_TEST_PACKAGES = [
  'chromium',
  'gnome-keyring',
  'dbus-x11',
  'libsecret-1-dev',
  'awscli',
] as const;

/** The one command that installs every missing piece on Debian or Ubuntu. */
export const INSTALL_COMMAND = `sudo apt-get install -y ${LINUX_TEST_PACKAGES.join(' ')}`;

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

/** Lists what is missing for the whole suite, in words a person can act on; empty when all is there. */
export function missingPrerequisites(env: NodeJS.ProcessEnv = process.env): string[] {
  const missing: string[] = [];
  if (!existsSync(chromiumPath(env))) missing.push(`Chromium (${chromiumPath(env)})`);
  const aws = awsCliPath(env);
  if (!existsSync(aws)) {
    missing.push(`the AWS CLI v2 (${aws})`);
  } else {
    const version = spawnSync(aws, ['--version'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
    if (!version.startsWith('aws-cli/2.'))
      missing.push(`the AWS CLI v2 (${aws} is "${version.trim() || 'unknown'}")`);
  }
  if (process.platform === 'linux') {
    for (const tool of ['gnome-keyring-daemon', 'dbus-run-session']) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
        missing.push(`a Secret Service (${tool})`);
    }
  }
  return missing;
}
