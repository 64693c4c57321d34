// The AWS CLI runs `credential_process` on every call: `rolebar credential-process ROLE` with a valid cached
// session must start and answer fast. Prints its median wall time beside `node -e 0` and the AWS CLI's own
// start (budget: at most 3x node -e 0). The emulator is closed before measuring, so a network call would fail
// loudly instead of being timed. Never fails on speed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/keychain.js';
import { awsCliPath } from '../support/prerequisites.js';
import { makeSandbox } from '../support/sandbox.js';
import { SEED_KEYS, SEED_ROLES, seedWorld, startStsEmulator } from '../../electron/emulator/index.js';
import { medianWallMs, report } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const runs = 21;

function rolebar(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(input);
  });
}

const emu = await startStsEmulator({ world: seedWorld() });
const sandbox = makeSandbox('bench-cp');
const env = { ...sandbox.env, AWS_ENDPOINT_URL_STS: emu.endpoint, AWS_REGION: 'us-east-1' };
try {
  const steps: string[][] = [
    ['identity', 'add', 'alice', '--access-key-id', SEED_KEYS.alice.accessKeyId],
    ['role', 'add', 'bench', '--role-arn', SEED_ROLES.readonly, '--source', 'alice'],
    ['assume', 'bench'],
    ['credential-process', '--identity', 'alice'], // fills the identity's session cache in the keychain
  ];
  for (const step of steps) {
    const code = await rolebar(step, env, SEED_KEYS.alice.secretAccessKey);
    if (code !== 0) throw new Error(`rolebar ${step.slice(0, 2).join(' ')} exited with ${code}`);
  }
  await emu.close();

  console.log('credential-process with a cached session (median wall time, same run)');
  const node = medianWallMs(process.execPath, ['-e', '0'], runs);
  report('node -e 0', node);
  const version = medianWallMs(process.execPath, [cli, 'version'], runs);
  report('rolebar version', version, 'ms', `${(version / node).toFixed(2)}x node`);
  const cached = medianWallMs(process.execPath, [cli, 'credential-process', 'bench'], runs, env);
  report(
    'rolebar credential-process (cached)',
    cached,
    'ms',
    `${(cached / node).toFixed(2)}x node (budget 3x)`,
  );
  const identity = medianWallMs(
    process.execPath,
    [cli, 'credential-process', '--identity', 'alice'],
    runs,
    env,
  );
  report(
    'rolebar credential-process --identity (cached)',
    identity,
    'ms',
    `${(identity / node).toFixed(2)}x node (budget 3x)`,
  );
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
