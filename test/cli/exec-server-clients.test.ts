// `rolebar exec ROLE --server` with the real clients: boto3, the AWS SDK for JavaScript v3 (default provider
// chain) and the AWS CLI v2, each started once and calling GetCallerIdentity in a loop while the emulator issues
// 40-second sessions. Every call must succeed and the access key id must change at least twice (two renewals).
// Refresh windows, read in the clients' sources: botocore (boto3 and the AWS CLI) refreshes container
// credentials 15 min (advisory) / 10 min (mandatory) before Expiration, the JS SDK 5 min before: with sessions
// this short every client asks the endpoint before every call, and the endpoint renews at half-life (20 s left),
// so a served session always has 20 s or more left: far longer than one call, even on a loaded machine.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { awsCliPath } from '../support/prerequisites.js';
import { addAlice, addRole, type CliRun, type CliWorld, explain, startCliWorld } from './helpers.js';

const SESSION_SECONDS = 40;
/** Generous: three sessions take about a minute; this bound only stops a client that never sees renewals. */
const GIVE_UP_MS = 6 * 60_000;

const BOTO3 = `
import os, sys, time, boto3
sts = boto3.client('sts', endpoint_url=os.environ['EP'], region_name='us-east-1')
while not os.path.exists(os.environ['STOP']):
    sts.get_caller_identity()
    time.sleep(0.5)
`;

const SDK_JS = `
const { existsSync } = require('node:fs');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
const sts = new STSClient({ endpoint: process.env.EP, region: 'us-east-1', maxAttempts: 1 });
(async () => {
  while (!existsSync(process.env.STOP)) {
    await sts.send(new GetCallerIdentityCommand({}));
    await new Promise((r) => setTimeout(r, 500));
  }
})().catch((e) => { console.error(e.name); process.exit(1); });
`;

const AWS_CLI_LOOP = `
while [ ! -e "$STOP" ]; do
  "$AWS" sts get-caller-identity --endpoint-url "$EP" --output text >/dev/null || exit 1
done
`;

/** Runs one client under `exec --server` until the emulator has seen three of its keys, then stops it. */
async function throughTwoRenewals(
  w: CliWorld,
  command: string[],
): Promise<{ run: CliRun; keys: string[]; failed: string[] }> {
  const stop = path.join(w.sandbox.dir, 'stop');
  w.emu.clearRequests();
  const running = w.rolebar(['exec', 'prod-ro', '--server', '--', ...command], {
    env: { EP: w.emu.endpoint, STOP: stop, AWS: awsCliPath() },
  });
  let finished = false;
  void running.finally(() => (finished = true));
  const calls = () => w.emu.requests().filter((r) => r.action === 'GetCallerIdentity');
  const started = Date.now();
  while (!finished && Date.now() - started < GIVE_UP_MS) {
    if (new Set(calls().map((r) => r.accessKeyId)).size >= 3) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  writeFileSync(stop, '');
  const run = await running;
  const seen = calls();
  return {
    run,
    keys: [...new Set(seen.filter((r) => r.code === 'OK').map((r) => r.accessKeyId ?? ''))],
    failed: seen.filter((r) => r.code !== 'OK').map((r) => r.code),
  };
}

describe('exec --server keeps real clients working through renewals', { concurrency: true }, () => {
  const worlds: CliWorld[] = [];
  const world = async (label: string) => {
    const w = await startCliWorld(label, { maxSessionSeconds: SESSION_SECONDS });
    worlds.push(w);
    assert.equal((await addAlice(w)).code, 0);
    await addRole(w);
    return w;
  };
  after(() => Promise.all(worlds.map((w) => w.close())));

  const clients: Array<[name: string, command: () => string[]]> = [
    ['boto3', () => ['/usr/bin/python3', '-c', BOTO3]],
    ['the AWS SDK for JavaScript v3', () => [process.execPath, '-e', SDK_JS]],
    ['the AWS CLI v2', () => ['/bin/sh', '-c', AWS_CLI_LOOP]],
  ];
  for (const [name, command] of clients) {
    it(`${name}: every call succeeds and the key changes twice`, async () => {
      const w = await world(`exec-server-${name.split(' ').pop() ?? 'client'}`);
      const { run, keys, failed } = await throughTwoRenewals(w, command());
      assert.equal(run.code, 0, explain(run));
      assert.deepEqual(failed, []);
      assert.ok(keys.length >= 3, `keys seen: ${keys.length}`);
      assert.ok(keys.every((k) => k.startsWith('ASIA')));
    });
  }
});
