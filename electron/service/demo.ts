// Demo mode (`npm start -- --demo`, or ROLEBAR_DEMO=1): the app against the bundled STS emulator in a temporary
// folder, with secrets in memory; the seed is the core's (core/features/demo). Nothing touches the user's keychain,
// settings or ~/.aws. Plain Node, so the tests seed it and switch roles through the service exactly as the app does.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { PRIVATE_DIR_MODE } from '../core/platform/atomic.js';
import os from 'node:os';
import path from 'node:path';
import type { SecretStore } from '../core/platform/keychain/keychain.js';
import { demoAwsHomeEnv } from '../core/aws-files/paths.js';
import { demoEndpoints, demoWorld } from '../core/features/demo/index.js';
import { memorySecretStore } from '../core/features/demo/secrets.js';
import { SEED_MFA, startStsEmulator, type StsEmulator } from '../emulator/index.js';
import type { Timers } from './clipboard.js';

/** A running demo: the emulator, the temporary folder, and the environment the app must run with. */
export interface Demo {
  emulator: StsEmulator;
  /** The temporary folder everything lives in. */
  dir: string;
  /** The settings folder (what ROLEBAR_HOME points at). */
  home: string;
  /** Variables to set on the process: settings folder, AWS files, STS and sign-in endpoints. */
  env: Record<string, string>;
  secrets: SecretStore;
  /** The demo MFA device's current code (a fake device: showing it is the point of the demo). */
  mfaCode(at?: number): string;
  /** Stops the emulator and removes the folder. */
  close(): Promise<void>;
}

/** Starts the emulator and makes the temporary folder; call before opening settings and the core. */
export async function startDemo(options: { tmpdir?: string } = {}): Promise<Demo> {
  const dir = mkdtempSync(path.join(options.tmpdir ?? os.tmpdir(), 'rolebar-demo-'));
  const home = path.join(dir, 'rolebar');
  // Private whatever the umask (mkdir's mode is masked by it; chmod is not), as the real folders are.
  for (const folder of [path.join(dir, '.aws'), home]) {
    mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
    chmodSync(folder, PRIVATE_DIR_MODE);
  }
  const emulator = await startStsEmulator({ world: demoWorld() });
  return {
    emulator,
    dir,
    home,
    env: {
      ROLEBAR_HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.aws', 'credentials'),
      AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'),
      // The AWS CLI token cache (Identity Center's cache sharing) under the demo's folder, never the real ~/.aws.
      ...demoAwsHomeEnv(dir),
      ...demoEndpoints(emulator),
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    secrets: memorySecretStore(),
    mfaCode: (at) => emulator.totp(SEED_MFA.alice.serial, at),
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Calls `onCode` with the demo MFA code now and at every 30-second TOTP step (one timer for the next step,
 * not a poll); returns a function that stops it.
 */
export function watchDemoMfaCode(
  demo: Pick<Demo, 'mfaCode'>,
  onCode: (code: string) => void,
  clock: { now: () => number; timers: Timers },
): () => void {
  let handle: unknown;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    const t = clock.now();
    onCode(demo.mfaCode(t));
    handle = clock.timers.setTimeout(tick, 30_000 - (t % 30_000) + 50);
  };
  tick();
  return () => {
    stopped = true;
    if (handle !== undefined) clock.timers.clearTimeout(handle);
  };
}
