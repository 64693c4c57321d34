// `rolebar demo` where there is no desktop session at all (ssh, a container, CI): no D-Bus session bus, so no
// keychain, and a HOME nobody has used. The whole flow works, and when it ends — stopped, or failed to start —
// no process of the demo is left running.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeSandbox, type Sandbox } from '../support/sandbox.js';
import { awsCliPath } from '../support/prerequisites.js';
import { CLI, explain, runProgram } from './helpers.js';

/** A fresh HOME with no session bus and nothing of Rolebar's or AWS's set: a server reached over ssh. */
function headless(sandbox: Sandbox): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...sandbox.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) {
    if (/^(AWS_|ROLEBAR_|DBUS_|XDG_)/.test(name)) delete env[name];
  }
  env.AWS_EC2_METADATA_DISABLED = 'true';
  return env;
}

/** The processes whose environment names this HOME: anything the demo left behind. */
function processesOf(home: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`HOME=${home}`)) found.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/** Waits for the processes of `home` to end (SIGTERM takes a moment to land); returns those still there. */
async function leftRunning(home: string): Promise<number[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (processesOf(home).length === 0) return [];
    await sleep(100);
  }
  return processesOf(home);
}

/** Ends whatever the demo left behind, so a failed test leaves no process either. */
function endAll(home: string): void {
  for (const pid of processesOf(home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

describe('rolebar demo without a desktop session', { skip: process.platform !== 'linux' }, () => {
  it('runs assume, MFA, a chain, export, exec and stop with no D-Bus and a fresh HOME, and leaves no process', async () => {
    const sandbox = makeSandbox('demo-headless');
    try {
      const env = headless(sandbox);
      const script = [
        'set -euo pipefail',
        `rolebar() { "${process.execPath}" "${CLI}" "$@"; }`,
        `aws() { "${awsCliPath()}" "$@"; }`,
        'eval "$(rolebar demo)"',
        'echo "== assume"; rolebar assume "dev worker"',
        'echo "== mfa"; rolebar assume "prod admin" --mfa-code "$(rolebar demo code)"',
        'echo "== chain"; rolebar assume "prod deployer"',
        'echo "== export"; (eval "$(rolebar export "prod readonly")"; aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text)',
        'echo "== exec"; rolebar exec "prod deployer" -- aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text',
        'echo "== stop"; eval "$(rolebar demo stop)"; echo "secrets=${ROLEBAR_DEMO_SECRETS:-unset}"',
      ].join('\n');
      const run = await runProgram('bash', ['-c', script], env);
      assert.equal(run.code, 0, `${explain(run)}\nstdout: ${run.stdout}`);
      const part = (name: string) => run.stdout.split(`== ${name}\n`)[1]?.split('\n== ')[0] ?? '';
      assert.match(part('assume'), /assumed-role\/ec2-worker\//);
      assert.match(part('mfa'), /assumed-role\/admin\//);
      assert.match(part('chain'), /assumed-role\/deployer\//);
      assert.equal(part('export').trim(), 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice');
      assert.match(part('exec'), /^arn:aws:sts::222222222222:assumed-role\/deployer\//);
      assert.match(part('stop'), /secrets=unset/);
      assert.doesNotMatch(run.stderr, /D-Bus|keychain/i);
      assert.ok(!existsSync(path.join(sandbox.dir, '.cache/rolebar-demo')), 'stop removes the demo folder');
      assert.deepEqual(await leftRunning(sandbox.dir), [], 'no demo process is left running');
    } finally {
      endAll(sandbox.dir);
      sandbox.cleanup();
    }
  });

  it('under umask 000 the demo folders are 0700 and its files 0600, as the real ones are', async () => {
    const sandbox = makeSandbox('demo-umask');
    try {
      const env = headless(sandbox);
      const started = await runProgram(
        'sh',
        ['-c', `umask 000; exec "${process.execPath}" "${CLI}" demo`],
        env,
      );
      assert.equal(started.code, 0, explain(started));
      const demoDir = path.join(sandbox.dir, '.cache/rolebar-demo');
      const modeOf = (relative: string) => (statSync(path.join(demoDir, relative)).mode & 0o777).toString(8);
      for (const folder of ['', 'rolebar', 'aws'])
        assert.equal(modeOf(folder), '700', `${folder || 'the demo folder'}`);
      for (const file of ['server.json', 'server.log']) assert.equal(modeOf(file), '600', file);
      const stopped = await runProgram(
        'sh',
        ['-c', `umask 000; exec "${process.execPath}" "${CLI}" demo stop`],
        env,
      );
      assert.equal(stopped.code, 0, explain(stopped));
      assert.deepEqual(await leftRunning(sandbox.dir), [], 'no demo process is left running');
    } finally {
      endAll(sandbox.dir);
      sandbox.cleanup();
    }
  });

  it('a start that fails stops the emulator it started and removes the demo folder', async () => {
    const sandbox = makeSandbox('demo-failed');
    try {
      const env = headless(sandbox);
      // A folder where the demo's settings file goes: the seed is refused after the emulator has started.
      const demoDir = path.join(sandbox.dir, '.cache/rolebar-demo');
      mkdirSync(path.join(demoDir, 'rolebar/settings.json'), { recursive: true });
      const run = await runProgram(process.execPath, [CLI, 'demo'], env);
      assert.equal(run.code, 1, explain(run));
      assert.equal(run.stdout, '', 'no export lines for a demo that is not there');
      assert.ok(!existsSync(demoDir), 'the failed start removes the demo folder');
      assert.deepEqual(await leftRunning(sandbox.dir), [], 'no emulator is left running');
    } finally {
      endAll(sandbox.dir);
      sandbox.cleanup();
    }
  });
});
