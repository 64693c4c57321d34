// A cold `rolebar assume ROLE` — a new process each time: Node start, the bundle, settings, the keychain, one STS
// call, the profile write — beside `node -e 0` as a ratio, and beside the manual AWS CLI flow it replaces
// (`aws sts assume-role`, then `aws sts get-caller-identity`; goal: rolebar at least 10x faster). The rows in
// between show where the time goes, and a floor row times the SDK's AssumeRole alone in a bundle that does nothing else
// (what no SDK-based assume can go below). The emulator runs in this process, so runs are timed asynchronously.
// Never fails on speed.
// Where the time went in a CPU profile of one cold assume (670 ms on a loaded 2-core machine), before round 3:
// Node's own start and compiling the one-file bundle (~40%), client-sts's index building its aggregated `STS`
// client (~70 ms), the client's set-up (~40 ms), ajv compiling the settings schema (~50 ms), GC (~30 ms). Since:
// the CLI is split per command, the SDK is bundled from its ES modules without the aggregated client and loaded
// while the keychain helper starts, and the settings schema is checked by json-schema.ts instead of ajv. Round 4
// (profiles summed over 8-12 runs): the keychain helper's Node start (~80 ms waited for), ICU's first date
// formatter (15-35 ms), conf's unused ajv (~500 KB compiled), node:http and node:child_process loaded at start;
// now secrets are read over D-Bus in process, times print the zone's offset (no ICU), ajv is left out of the
// bundle and those modules load on first use.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { SEED_KEYS, SEED_ROLES, seedWorld, startStsEmulator } from '../../electron/emulator/index.js';
import { awsCliPath } from '../support/prerequisites.js';
import { makeSandbox } from '../support/sandbox.js';
import { buildFloor } from './floors.js';
import { median, report } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const runs = 15;
/** Rounds that also run the manual AWS CLI flow (two Python starts each: seconds on a loaded machine). */
const MANUAL_RUNS = 7;

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

/** Runs the AWS CLI against the emulator; its JSON answer and wall time. */
function awsJson(args: string[], env: NodeJS.ProcessEnv): Promise<{ json: unknown; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(awsCliPath(), [...args, '--endpoint-url', emu.endpoint, '--output', 'json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0)
        return reject(new Error(`aws ${args.slice(0, 2).join(' ')} exited ${code}: ${err.trim()}`));
      try {
        resolve({ json: JSON.parse(out), ms });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** The Credentials of an `aws sts assume-role` answer. */
function parseAssumed(json: unknown): { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } {
  const c: unknown = typeof json === 'object' && json !== null ? Reflect.get(json, 'Credentials') : undefined;
  const field = (name: string): string => {
    const value: unknown = typeof c === 'object' && c !== null ? Reflect.get(c, name) : undefined;
    if (typeof value !== 'string') throw new Error(`aws sts assume-role: no Credentials.${name}`);
    return value;
  };
  return {
    AccessKeyId: field('AccessKeyId'),
    SecretAccessKey: field('SecretAccessKey'),
    SessionToken: field('SessionToken'),
  };
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

  // Interleaved: each round runs every row once (the manual flow in the first rounds only, it is slow), so a
  // machine whose load changes during the run slows every row alike and the ratios stay comparable.
  const rows: Array<[string, string[]]> = [
    ['rolebar version          (+ the bundle)', ['version']],
    ['rolebar role list        (+ settings)', ['role', 'list']],
    ['rolebar export bench     (+ keychain, live session)', ['export', 'bench']],
    ['rolebar assume bench     (+ STS call, profile write)', ['assume', 'bench']],
  ];
  const keys = {
    ...env,
    AWS_ACCESS_KEY_ID: SEED_KEYS.alice.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SEED_KEYS.alice.secretAccessKey,
  };
  const withAws = existsSync(awsCliPath());
  const nodeTimes: number[] = [];
  const rowTimes = rows.map((): number[] => []);
  const manual: number[] = [];
  // The floor: the SDK's AssumeRole in a bundle that does nothing else (no settings, keychain or files).
  const floor = await buildFloor('sdk-assume');
  const floorEnv = {
    ...env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    FLOOR_ACCESS_KEY_ID: SEED_KEYS.alice.accessKeyId,
    FLOOR_SECRET_ACCESS_KEY: SEED_KEYS.alice.secretAccessKey,
    FLOOR_ROLE_ARN: SEED_ROLES.readonly,
  };
  const floorTimes: number[] = [];
  for (let round = 0; round < runs; round++) {
    nodeTimes.push(await timed(process.execPath, ['-e', '0'], env));
    for (const [i, [, args]] of rows.entries())
      rowTimes[i]?.push(await timed(process.execPath, rolebar(args), env));
    floorTimes.push(await timed(process.execPath, [floor], floorEnv));
    if (withAws && round < MANUAL_RUNS) {
      // The manual flow of the seeds, which `rolebar assume` replaces: `aws sts assume-role`, paste the three
      // exports (no time worth counting), then `aws sts get-caller-identity` to check who you are. Both
      // through /usr/bin/aws against the same emulator.
      const assumed = await awsJson(
        ['sts', 'assume-role', '--role-arn', SEED_ROLES.readonly, '--role-session-name', 'bench'],
        keys,
      );
      const c = parseAssumed(assumed.json);
      const checked = await awsJson(['sts', 'get-caller-identity'], {
        ...env,
        AWS_ACCESS_KEY_ID: c.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey,
        AWS_SESSION_TOKEN: c.SessionToken,
      });
      manual.push(assumed.ms + checked.ms);
    }
  }
  console.log(`Cold CLI assume (median wall time of ${runs} interleaved rounds, a new process each run)`);
  const node = median(nodeTimes);
  report('node -e 0', node);
  let assume = 0;
  for (const [i, [label, args]] of rows.entries()) {
    const ms = median(rowTimes[i] ?? []);
    report(label, ms, 'ms', `${(ms / node).toFixed(2)}x node -e 0`);
    if (args[0] === 'assume') assume = ms;
  }
  const sdkFloor = median(floorTimes);
  report(
    'floor: the SDK alone (bare bundle, one AssumeRole)',
    sdkFloor,
    'ms',
    `${(sdkFloor / node).toFixed(2)}x node -e 0`,
  );
  if (withAws) {
    const flow = median(manual);
    report(
      'manual flow: aws sts assume-role + get-caller-identity',
      flow,
      'ms',
      `${(flow / node).toFixed(2)}x node; rolebar assume is ${(flow / assume).toFixed(1)}x faster (goal 10x)`,
    );
    // The most any SDK-based assume could reach here: the manual flow against the SDK's own cost.
    console.log(`  the SDK alone would be ${(flow / sdkFloor).toFixed(1)}x faster than the manual flow`);
  }
} finally {
  const secrets = openKeychain({ service: sandbox.keychainService, env });
  for (const account of await secrets.list()) await secrets.delete(account);
  await emu.close();
  sandbox.cleanup();
}
