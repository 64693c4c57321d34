// A cold `rolebar assume ROLE` — a new process each time: Node start, the bundle, settings, the keychain, one STS
// call, the profile write — beside `node -e 0` as a ratio, and beside the AWS CLI's own `sts assume-role` (the
// first step of the manual flow Rolebar replaces). The rows in between show where the time goes. The emulator
// runs in this process, so runs are timed asynchronously. Never fails on speed.
// Where the time went in a CPU profile of one cold assume (670 ms on a loaded 2-core machine): Node's own start
// and compiling the bundle (~40%), the AWS SDK's client-sts index building its aggregated `STS` client with every
// command (createAggregatedClient, ~70 ms) and the client's set-up (~40 ms), ajv compiling the settings schema
// (~50 ms), GC (~30 ms); the STS round trip to the local emulator, the keychain read and the profile write
// (fsync) are small beside those.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/keychain.js';
import { SEED_KEYS, SEED_ROLES, seedWorld, startStsEmulator } from '../../electron/emulator/index.js';
import { awsCliPath } from '../support/prerequisites.js';
import { makeSandbox } from '../support/sandbox.js';
import { median, report } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const runs = 15;

/** Runs a program to its end; resolves to its wall time in ms (rejects on a non-zero exit). */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(
            new Error(
              `${path.basename(command)} ${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.trim()}`,
            ),
          ),
    );
    child.stdin.end(input);
  });
}

async function medianOf(command: string, args: string[], env: NodeJS.ProcessEnv, n = runs): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await timed(command, args, env));
  return median(times);
}

const emu = await startStsEmulator({ world: seedWorld() });
const sandbox = makeSandbox('bench-assume');
const env = {
  ...sandbox.env,
  AWS_ENDPOINT_URL_STS: emu.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};
const rolebar = (args: string[]) => [cli, ...args];
try {
  await timed(
    process.execPath,
    rolebar(['identity', 'add', 'alice', '--access-key-id', SEED_KEYS.alice.accessKeyId]),
    env,
    SEED_KEYS.alice.secretAccessKey,
  );
  await timed(
    process.execPath,
    rolebar(['role', 'add', 'bench', '--role-arn', SEED_ROLES.readonly, '--source', 'alice']),
    env,
  );
  await timed(process.execPath, rolebar(['assume', 'bench']), env);

  console.log('Cold CLI assume (median wall time of a new process each run, same machine, same run)');
  const node = await medianOf(process.execPath, ['-e', '0'], env);
  report('node -e 0', node);
  const rows: Array<[string, string[]]> = [
    ['rolebar version          (+ the bundle)', ['version']],
    ['rolebar role list        (+ settings)', ['role', 'list']],
    ['rolebar export bench     (+ keychain, live session)', ['export', 'bench']],
    ['rolebar assume bench     (+ STS call, profile write)', ['assume', 'bench']],
  ];
  let assume = 0;
  for (const [label, args] of rows) {
    const ms = await medianOf(process.execPath, rolebar(args), env);
    report(label, ms, 'ms', `${(ms / node).toFixed(2)}x node -e 0`);
    if (args[0] === 'assume') assume = ms;
  }
  if (existsSync(awsCliPath())) {
    const aws = await medianOf(
      awsCliPath(),
      [
        'sts',
        'assume-role',
        '--role-arn',
        SEED_ROLES.readonly,
        '--role-session-name',
        'bench',
        '--endpoint-url',
        emu.endpoint,
      ],
      {
        ...env,
        AWS_ACCESS_KEY_ID: SEED_KEYS.alice.accessKeyId,
        AWS_SECRET_ACCESS_KEY: SEED_KEYS.alice.secretAccessKey,
      },
      5,
    );
    report(
      'aws sts assume-role (one step of the manual flow)',
      aws,
      'ms',
      `rolebar assume is ${(aws / assume).toFixed(1)}x faster`,
    );
  }
} finally {
  const secrets = openKeychain({ service: sandbox.keychainService, env });
  for (const account of await secrets.list()) await secrets.delete(account);
  await emu.close();
  sandbox.cleanup();
}
