import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Set inside an isolated run, so the script knows not to isolate itself again. */
export const ISOLATED_FLAG = 'ROLEBAR_TEST_ISOLATED';

/** Whether this process should re-run itself isolated (Linux, not yet isolated). */
export function needsIsolation(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.platform === 'linux' && env[ISOLATED_FLAG] !== '1';
}

/**
 * Re-runs `script` (with `args`) inside a private D-Bus session with a private gnome-keyring, unlocked with a
 * throwaway password, and a temporary HOME; the caller's AWS_* variables and session bus are dropped and the AWS
 * files point into that HOME. Resolves to the exit code. Nothing the run does reaches the user's keychain or ~/.aws.
 */
export async function runIsolated(cwd: string, script: string, args: string[]): Promise<number> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rolebar-test-home-'));
  const runtime = path.join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const shell = [
    // gnome-keyring reads the new keyring's password on stdin and unlocks (creating) the login collection.
    'printf rolebar-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    `exec "${process.execPath}" --import tsx "${script}" "$@"`,
  ].join('\n');
  try {
    return await runCommand(
      'dbus-run-session',
      ['--', 'sh', '-c', shell, 'sh', ...args],
      isolatedEnv(home, runtime),
      cwd,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function isolatedEnv(home: string, runtime: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The caller's AWS identity and session bus must not reach the tests.
    if (key.startsWith('AWS_') || key.startsWith('DBUS_') || key.startsWith('GNOME_KEYRING')) continue;
    env[key] = value;
  }
  return {
    ...env,
    [ISOLATED_FLAG]: '1',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ROLEBAR_HOME: path.join(home, 'rolebar'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws/credentials'),
    AWS_CONFIG_FILE: path.join(home, '.aws/config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // The SDK's notice about Node.js versions is noise in test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Playwright must use Debian's Chromium and never fetch a browser of its own.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    NO_COLOR: process.env.NO_COLOR ?? '',
  };
}

/** Runs a command with inherited output; resolves to its exit code (127 when it cannot start). */
export function runCommand(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
