// The AWS CLI runs `credential_process` on every call: with a valid cached session it must answer at little
// more than the cost of starting Node. Prints, interleaved in one run, `node -e 0`, the full CLI and the small
// entry that setup-profile's line runs (goal: 1.25x node -e 0), a floor (one keychain read in a bundle doing
// nothing else: what the --identity answer cannot go below), and the AWS CLI's own start. The emulator is closed before measuring, so a network call would fail
// loudly instead of being timed. Never fails on speed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { awsCliPath } from '../support/prerequisites.js';
import { makeSandbox } from '../support/sandbox.js';
import { SEED_KEYS, SEED_ROLES, seedWorld, startStsEmulator } from '../../electron/emulator/index.js';
import { buildFloor } from './floors.js';
import { interleavedMedians, runCli, medianWallMs, report, type Timed } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const entry = path.join(root, 'out/cli/credential-process.mjs');
const runs = 41;

const rolebar = (args: string[], env: NodeJS.ProcessEnv, input = '') => runCli(cli, args, env, input);

const emu = await startStsEmulator({ world: seedWorld() });
const sandbox = makeSandbox('bench-cp');
const env = { ...sandbox.env, AWS_ENDPOINT_URL_STS: emu.endpoint, AWS_REGION: 'us-east-1' };
try {
  const steps: string[][] = [
    ['identity', 'add', 'alice', '--access-key-id', SEED_KEYS.alice.accessKeyId],
    ['role', 'add', 'bench', '--role-arn', SEED_ROLES.readonly, '--source', 'alice'],
    ['assume', 'bench'],
    ['credential-process', '--identity', 'alice', '--session'], // fills the identity's session cache in the keychain
  ];
  for (const step of steps) {
    const code = await rolebar(step, env, SEED_KEYS.alice.secretAccessKey);
    if (code !== 0) throw new Error(`rolebar ${step.slice(0, 2).join(' ')} exited with ${code}`);
  }
  await emu.close();

  // The identity path (issue 12) may not exist yet: a usage error from the full CLI says so.
  const identity = spawnSync(process.execPath, [entry, 'credential-process', '--identity', 'alice'], {
    env,
    encoding: 'utf8',
  });
  const identityReady = identity.status === 0;
  const timed: Timed[] = [
    { label: 'node -e 0', command: process.execPath, args: ['-e', '0'] },
    { label: 'rolebar version (full CLI)', command: process.execPath, args: [cli, 'version'] },
    {
      label: 'full CLI: rolebar.mjs credential-process ROLE',
      command: process.execPath,
      args: [cli, 'credential-process', 'bench'],
      env,
    },
    {
      label: 'small entry: credential-process.mjs ROLE',
      command: process.execPath,
      args: [entry, 'credential-process', 'bench'],
      env,
    },
  ];
  if (identityReady) {
    timed.push(
      {
        label: 'small entry: credential-process.mjs --identity (key)',
        command: process.execPath,
        args: [entry, 'credential-process', '--identity', 'alice'],
        env,
      },
      {
        label: 'small entry: credential-process.mjs --identity --session',
        command: process.execPath,
        args: [entry, 'credential-process', '--identity', 'alice', '--session'],
        env,
      },
    );
  }
  // What reading the keychain costs by itself: an entry the size of an identity's session (its token is most
  // of it), read by a bundle doing nothing else.
  await openKeychain({ service: sandbox.keychainService, env }).set('floor', 'x'.repeat(1_200));
  timed.push({
    label: 'floor: a bare bundle reading one keychain entry',
    command: process.execPath,
    args: [await buildFloor('keychain-read')],
    env,
  });
  const medians = interleavedMedians(timed, runs);
  const node = medians[0] ?? 1;
  console.log(`credential-process with a cached session (median wall time of ${runs} interleaved rounds)`);
  timed.forEach((t, i) => {
    const ms = medians[i] ?? 0;
    report(
      t.label,
      ms,
      'ms',
      i === 0
        ? ''
        : `${(ms / node).toFixed(2)}x node${i >= 3 && !t.label.startsWith('floor') ? ' (goal 1.25x)' : ''}`,
    );
  });
  if (!identityReady)
    console.log('identity: not yet available (credential-process --identity is not in this build)');
  if (existsSync(awsCliPath())) {
    const aws = medianWallMs(awsCliPath(), ['--version'], 5);
    report('aws --version', aws, 'ms', `${(aws / node).toFixed(2)}x node`);
  }
} finally {
  await emu.close().catch(() => undefined);
  const secrets = openKeychain({ service: sandbox.keychainService, env });
  for (const account of await secrets.list()) await secrets.delete(account);
  sandbox.cleanup();
}
