// Runs the BUILT `rolebar` (out/cli/rolebar.mjs) against the STS emulator, a private keychain service and
// temporary files, as a user would: through argv, stdin, the environment and exit codes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { makeSandbox, type Sandbox } from '../support/sandbox.js';
import {
  SEED_KEYS,
  SEED_ROLES,
  seedWorld,
  type StsEmulator,
  type StsEmulatorOptions,
  startStsEmulator,
} from '../../electron/emulator/index.js';

/** The built CLI. */
export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/cli/rolebar.mjs');

/** How to run a program: stdin, extra environment, and a watchdog that kills it (SIGKILL) after `killAfterMs`. */
export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  killAfterMs?: number;
}

/** What one run of the CLI did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A CLI world: emulator, sandbox, and a runner with that environment. */
export interface CliWorld {
  emu: StsEmulator;
  sandbox: Sandbox;
  env: NodeJS.ProcessEnv;
  rolebar(args: string[], options?: RunOptions): Promise<CliRun>;
  /** Runs any program with the world's environment. */
  run(
    command: string,
    args: string[],
    options?: { input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<CliRun>;
  /** The bytes of the settings, credentials and config files (undefined when missing). */
  files(): Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Runs a program to completion, feeding `input` on stdin (closed at once when absent: never a TTY). */
export function runProgram(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
  killAfterMs?: number,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(killAfterMs ? { timeout: killAfterMs, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Starts the emulator and a sandbox whose environment points the CLI at both. */
export async function startCliWorld(
  label: string,
  emulator: Partial<StsEmulatorOptions> = {},
): Promise<CliWorld> {
  const emu = await startStsEmulator({ ...emulator, world: emulator.world ?? seedWorld() });
  const sandbox = makeSandbox(label);
  const env: NodeJS.ProcessEnv = {
    ...sandbox.env,
    AWS_ENDPOINT_URL_STS: emu.endpoint,
    // Identity Center (OIDC and portal) is on the same port when the world has an instance.
    AWS_ENDPOINT_URL_SSO: emu.endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: emu.endpoint,
    AWS_REGION: 'us-east-1',
    ROLEBAR_FEDERATION_ENDPOINT: emu.federationEndpoint,
    NO_COLOR: '1',
  };
  delete env.AWS_PROFILE;
  const world: CliWorld = {
    emu,
    sandbox,
    env,
    rolebar: (args, options = {}) =>
      runProgram(
        process.execPath,
        [CLI, ...args],
        { ...env, ...options.env },
        options.input,
        options.killAfterMs,
      ),
    run: (command, args, options = {}) =>
      runProgram(command, args, { ...env, ...options.env }, options.input),
    files: () => {
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'latin1') : undefined);
      return {
        settings: read(path.join(sandbox.rolebarHome, 'settings.json')),
        credentials: read(sandbox.credentialsFile),
        config: read(sandbox.configFile),
      };
    },
    async close() {
      // The emulator and the folder go even when the keychain is slow to answer (a loaded machine): a server left
      // listening would keep the test file running until the suite's timeout.
      try {
        // A world on the keychain file keeps it in the sandbox, which goes below.
        if (env.ROLEBAR_KEYCHAIN !== 'file') {
          const secrets = openKeychain({ service: sandbox.keychainService, env });
          for (const account of await secrets.list()) await secrets.delete(account);
        }
      } finally {
        await emu.close();
        sandbox.cleanup();
      }
    },
  };
  return world;
}

/** Adds the seed's alice through the CLI, her secret on stdin. */
export function addAlice(world: CliWorld, extra: string[] = []): Promise<CliRun> {
  return world.rolebar(
    ['identity', 'add', 'alice', '--access-key-id', SEED_KEYS.alice.accessKeyId, ...extra],
    { input: `${SEED_KEYS.alice.secretAccessKey}\n` },
  );
}

/** Adds a role assumed from alice (default: the seed's readonly role as `prod-ro`); throws when refused. */
export async function addRole(
  world: CliWorld,
  label = 'prod-ro',
  roleArn: string = SEED_ROLES.readonly,
  extra: string[] = [],
): Promise<void> {
  const run = await world.rolebar([
    'role',
    'add',
    label,
    '--role-arn',
    roleArn,
    '--source',
    'alice',
    ...extra,
  ]);
  if (run.code !== 0) throw new Error(`role add ${label}: ${explain(run)}`);
}

/** A failure message for a run, without its stdout (which may hold credentials). */
export function explain(run: CliRun): string {
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}; stderr: ${run.stderr.trim()}`;
}
