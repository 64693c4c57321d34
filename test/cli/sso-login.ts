// `rolebar sso login …` as a user runs it, with the test acting as the user's browser (shared by the sso and demo tests).
import { spawn } from 'node:child_process';
import { allowSignIn } from '../support/sso-browser.js';
import { SEED_SSO } from '../../electron/emulator/index.js';
import { CLI, type CliRun, type CliWorld } from './helpers.js';

/** Runs `rolebar sso login ARGS` under `env`, allowing the sign-in on the page it prints. */
export function loginThroughBrowser(env: NodeJS.ProcessEnv, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sso', 'login', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let clicked = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const url = /sign in at (\S+)/.exec(stderr)?.[1];
      if (url && !clicked) {
        clicked = true;
        allowSignIn(url).catch(reject);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Adds the seed's Identity Center instance as the identity "acme" through the CLI (`extra`: more options). */
export function addAcme(w: CliWorld, extra: string[] = []): Promise<CliRun> {
  return w.rolebar([
    'sso',
    'add',
    'acme',
    '--start-url',
    SEED_SSO.startUrl,
    '--sso-region',
    SEED_SSO.region,
    ...extra,
  ]);
}
