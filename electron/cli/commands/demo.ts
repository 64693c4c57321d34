// `rolebar demo`: Rolebar without AWS, without Electron and without a keychain. Starts the bundled STS emulator
// in the background (on a free local port, with the seed world's accounts and roles), whose process also keeps
// the demo's secrets in memory (core/features/demo/secrets.ts), seeds a demo identity and roles into a demo folder
// of their own, and prints the lines that point a shell at all of it. `eval "$(rolebar demo)"` then makes every
// command (and the AWS CLI) talk to the emulator. A start that fails stops what it started and removes the folder.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../core/platform/atomic.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCore } from '../../core/index.js';
import { RolebarError } from '../../core/domain/errors.js';
import { isProcessAlive } from '../../core/platform/atomic.js';
import { quoteBash } from '../../core/domain/shell-quote.js';
import { SEED_MFA, startStsEmulator, totp } from '../../emulator/index.js';
import { DEMO_SSO_NAME, demoEndpoints, demoWorld, seedDemo } from '../../core/features/demo/index.js';
import { demoAwsHomeEnv } from '../../core/aws-files/paths.js';
import {
  DEMO_SECRETS_TOKEN_VARIABLE,
  DEMO_SECRETS_VARIABLE,
  serveDemoSecrets,
} from '../../core/features/demo/secrets.js';
import { type Command, UsageError } from '../args.js';
import type { Io } from '../output.js';
import { suggestCommand } from '../suggest.js';

/** The service name of the demo's secrets (kept by the demo's process, never in the user's keychain). */
export const DEMO_KEYCHAIN_SERVICE = 'Rolebar-demo';

/** How long `rolebar demo` waits for the background emulator to say where it listens. */
const START_TIMEOUT_MS = 30_000;

/** What the background emulator writes once it listens. */
interface DemoServer {
  pid: number;
  endpoint: string;
  federationEndpoint: string;
  /** Where the demo's secrets are kept, and the token that reaches them. */
  secrets: string;
  token: string;
}

/** The demo folder: ROLEBAR_DEMO_DIR, else a folder in the user's cache (XDG). */
export function demoDir(env: NodeJS.ProcessEnv): string {
  if (env.ROLEBAR_DEMO_DIR) return path.resolve(env.ROLEBAR_DEMO_DIR);
  const home = env.HOME || os.homedir();
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'rolebar-demo');
}

/** The variables that point Rolebar, the AWS CLI and the SDKs at the demo. */
export function demoEnv(dir: string, server: DemoServer): Record<string, string> {
  return {
    ROLEBAR_HOME: path.join(dir, 'rolebar'),
    ROLEBAR_KEYCHAIN_SERVICE: DEMO_KEYCHAIN_SERVICE,
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'aws', 'credentials'),
    AWS_CONFIG_FILE: path.join(dir, 'aws', 'config'),
    // The AWS CLI token cache (`sso edit --aws-cli-cache`) under the demo's folder, never the real ~/.aws.
    ...demoAwsHomeEnv(dir),
    ...demoEndpoints(server),
    [DEMO_SECRETS_VARIABLE]: server.secrets,
    [DEMO_SECRETS_TOKEN_VARIABLE]: server.token,
    AWS_REGION: 'us-east-1',
    // The AWS CLI v2 reads only this one.
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const serverFile = (dir: string) => path.join(dir, 'server.json');

/** The running demo server, or undefined when there is none (or its process is gone). */
function runningServer(dir: string): DemoServer | undefined {
  if (!existsSync(serverFile(dir))) return undefined;
  let server: unknown;
  try {
    server = JSON.parse(readFileSync(serverFile(dir), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof server !== 'object' || server === null) return undefined;
  const { pid, endpoint, federationEndpoint, secrets, token } = server as Record<string, unknown>;
  if (
    typeof pid !== 'number' ||
    typeof endpoint !== 'string' ||
    typeof federationEndpoint !== 'string' ||
    typeof secrets !== 'string' ||
    typeof token !== 'string'
  ) {
    return undefined;
  }
  return isProcessAlive(pid) ? { pid, endpoint, federationEndpoint, secrets, token } : undefined;
}

/** Starts this CLI as the background emulator (`demo serve`) and waits for the line saying where it listens. */
async function startServer(dir: string, env: NodeJS.ProcessEnv): Promise<DemoServer> {
  // The CLI's entry, beside this chunk of it in out/cli/.
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rolebar.mjs');
  const log = openSync(path.join(dir, 'server.log'), 'a', PRIVATE_FILE_MODE);
  fchmodSync(log, PRIVATE_FILE_MODE);
  const child = spawn(process.execPath, [cli, 'demo', 'serve'], {
    detached: true,
    stdio: ['ignore', 'pipe', log],
    env: { ...env, ROLEBAR_DEMO_DIR: dir },
  });
  const out = child.stdout;
  if (!out) throw new RolebarError('demo-failed', 'The demo emulator did not start.', { hint: 'No pipe.' });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('timeout')), START_TIMEOUT_MS);
    out.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.split('\n')[0] ?? '');
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error('exited'));
    });
  }).catch(() => {
    stopServer(child.pid);
    throw new RolebarError('demo-failed', 'The demo emulator did not start.', {
      hint: `See ${path.join(dir, 'server.log')}.`,
    });
  });
  out.destroy();
  child.unref();
  // It holds the token to the demo's secrets: for this user only.
  writeFileSync(serverFile(dir), `${line}\n`, { mode: PRIVATE_FILE_MODE });
  chmodSync(serverFile(dir), PRIVATE_FILE_MODE);
  const server = runningServer(dir);
  if (!server) {
    stopServer(child.pid);
    throw new RolebarError('demo-failed', 'The demo emulator did not start.', { hint: line });
  }
  return server;
}

/** Ends a background emulator, if it still runs. */
function stopServer(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

/** `demo serve`: the emulator and the demo's secrets, in the foreground, until it is stopped. */
async function serve(): Promise<number> {
  const emulator = await startStsEmulator({ world: demoWorld() });
  const secrets = await serveDemoSecrets();
  const server: DemoServer = {
    pid: process.pid,
    endpoint: emulator.endpoint,
    federationEndpoint: emulator.federationEndpoint,
    secrets: secrets.url,
    token: secrets.token,
  };
  process.stdout.write(`${JSON.stringify(server)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await secrets.close();
  await emulator.close();
  return 0;
}

/** The variables as `export` lines for a POSIX shell. */
function exportLines(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([name, value]) => `export ${name}=${quoteBash(value)}`)
    .join('\n');
}

/** Removes the demo folder after a start that failed, then rethrows its error. */
function failedStart(dir: string): (error: unknown) => never {
  return (error) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  };
}

async function start(io: Io): Promise<number> {
  const dir = demoDir(io.env);
  // Private whatever the umask (mkdir's mode is masked by it; chmod is not), as the real folders are.
  for (const folder of [dir, path.join(dir, 'rolebar'), path.join(dir, 'aws')]) {
    mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(folder, PRIVATE_DIR_MODE);
  }
  const running = runningServer(dir);
  const server = running ?? (await startServer(dir, io.env).catch(failedStart(dir)));
  const vars = demoEnv(dir, server);
  try {
    const core = openCore({ ...io.env, ...vars });
    try {
      await seedDemo(core);
    } finally {
      core.close();
    }
  } catch (error) {
    // A demo this call started goes again, folder and all; one it joined is left to its own shell.
    if (!running) {
      stopServer(server.pid);
      failedStart(dir)(error);
    }
    throw error;
  }
  io.out(exportLines(vars));
  io.err(
    [
      `rolebar: the demo runs in the background (emulator at ${server.endpoint}, pid ${server.pid}; files in ${dir}).`,
      `  Point this shell at it:   eval "$(rolebar demo)"`,
      `  Then try:                 rolebar status; ${suggestCommand('assume', 'prod readonly')}; aws sts get-caller-identity --profile prod-readonly`,
      `  (AWS CLI before 2.13 ignores AWS_ENDPOINT_URL_STS: add --endpoint-url "$AWS_ENDPOINT_URL_STS")`,
      `  Roles with MFA:           ${suggestCommand('assume', 'prod admin')} --mfa-code "$(rolebar demo code)"`,
      `  IAM Identity Center:      ${suggestCommand('sso', 'login', DEMO_SSO_NAME)} (the emulator's page: Allow access), then ${suggestCommand('sso', 'roles', DEMO_SSO_NAME)}`,
      `  Stop it:                  eval "$(rolebar demo stop)"`,
    ].join('\n'),
  );
  return 0;
}

async function stop(io: Io): Promise<number> {
  const dir = demoDir(io.env);
  const server = runningServer(dir);
  // Its secrets were only ever in its memory: ending it forgets them.
  stopServer(server?.pid);
  rmSync(dir, { recursive: true, force: true });
  const names = Object.keys(
    demoEnv(dir, { pid: 0, endpoint: '', federationEndpoint: '', secrets: '', token: '' }),
  );
  io.out(`unset ${names.join(' ')}`);
  io.err(server ? 'rolebar: the demo is stopped and its files removed.' : 'rolebar: no demo was running.');
  return 0;
}

const demo: Command = {
  spec: {
    name: 'demo',
    summary:
      'Try Rolebar without AWS: starts a local STS emulator in the background with a demo identity and roles, and an IAM Identity Center instance to sign in to (own folder; its secrets in its own process, no keychain needed; your settings, keychain and ~/.aws are not touched) and prints the lines that point a shell at it.',
    synopsis: 'demo [start|code|stop]',
    options: {},
    positionals: [0, 1],
    details:
      'Examples:\n' +
      '  eval "$(rolebar demo)"             # start (or rejoin) the demo in this shell\n' +
      "  rolebar assume 'prod readonly'\n" +
      '  rolebar assume \'prod admin\' --mfa-code "$(rolebar demo code)"\n' +
      `  ${suggestCommand('sso', 'login', DEMO_SSO_NAME).padEnd(34)} # sign in to the demo's Identity Center (Allow access)\n` +
      '  eval "$(rolebar demo stop)"        # stop it and forget its files\n' +
      'The folder is ROLEBAR_DEMO_DIR, default ~/.cache/rolebar-demo.',
  },
  run: async (args, io) => {
    const action = args.positionals[0] ?? 'start';
    if (action === 'start') return start(io);
    if (action === 'stop') return stop(io);
    if (action === 'code') {
      // The demo's MFA device is a published test secret: showing its code is the point of the demo.
      io.out(totp(SEED_MFA.alice.secretBase32, Date.now()));
      return 0;
    }
    if (action === 'serve') return serve();
    throw new UsageError(`'demo' takes start, code or stop, not '${action}'`);
  },
};

/** `demo`. */
export const commands: Record<string, Command> = { demo };
