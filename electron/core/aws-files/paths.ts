import os from 'node:os';
import path from 'node:path';

/** Where to look: injected so tests never touch the real `~/.aws`. Defaults to this process's. */
export interface AwsLocationOptions {
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

/** The two shared files the AWS CLI and SDKs read. */
export interface AwsFilePaths {
  credentials: string;
  config: string;
}

/**
 * The home whose `~/.aws` Rolebar uses where no AWS_* variable names a file (the AWS CLI's SSO token cache):
 * ROLEBAR_AWS_HOME when set (both demos point it into their own folder, so a demo never touches the real
 * `~/.aws`), else `homedir`. The one rule the CLI, the app and their demos follow.
 */
export function awsHomeOf(env: NodeJS.ProcessEnv, homedir: string): string {
  return env.ROLEBAR_AWS_HOME || homedir;
}

/** The variables that give a demo in `dir` its own AWS home (see awsHomeOf). */
export function demoAwsHomeEnv(dir: string): { ROLEBAR_AWS_HOME: string } {
  return { ROLEBAR_AWS_HOME: path.join(dir, 'home') };
}

function expandHome(p: string, home: string): string {
  // The AWS CLI expands a leading `~` (and only that) in these variables; so do we.
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

/**
 * Resolves the credentials and config paths exactly as the AWS toolchain does:
 * `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`, `AWS_CONFIG_FILE` or `~/.aws/config`,
 * with `~` expanded and the result made absolute. Does not touch the file system.
 */
export function resolveAwsFilePaths(options: AwsLocationOptions = {}): AwsFilePaths {
  const env = options.env ?? process.env;
  const home = options.homedir ?? os.homedir();
  const pick = (variable: string | undefined, fallback: string): string =>
    path.resolve(variable ? expandHome(variable, home) : path.join(home, '.aws', fallback));
  return {
    credentials: pick(env.AWS_SHARED_CREDENTIALS_FILE, 'credentials'),
    config: pick(env.AWS_CONFIG_FILE, 'config'),
  };
}
