// The in-process cost of a switch beyond the STS round trip: resolving the role, reading the key from the
// keychain, taking the role's lock, signing, writing the profile and the session record. Measured as the median of a full
// core.assumeRole minus the median of the same AssumeRole sent with a bare SDK client, in one run.
// Budget: under 5 ms median.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { addAlice, startCoreFixture } from '../support/core-fixture.js';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { median, report } from './measure.js';

const RUNS = 41;
const f = await startCoreFixture('bench-switch');
try {
  const alice = await addAlice(f.core, { mfa: false });
  const role = f.core.roles.add({
    label: 'bench',
    roleArn: SEED_ROLES.readonly,
    source: { kind: 'identity', id: alice.id },
    mfa: false,
    sessionName: 'bench',
  });
  const client = new STSClient({
    endpoint: f.emu.endpoint,
    region: 'us-east-1',
    credentials: {
      accessKeyId: SEED_KEYS.alice.accessKeyId,
      secretAccessKey: SEED_KEYS.alice.secretAccessKey,
    },
  });
  const bare: number[] = [];
  const full: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    let started = performance.now();
    await client.send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'bench' }));
    if (i >= 5) bare.push(performance.now() - started);
    started = performance.now();
    await f.core.assumeRole(role.id);
    if (i >= 5) full.push(performance.now() - started);
  }
  const roundTrip = median(bare);
  const switchMs = median(full);
  console.log(`Switch overhead (median of ${RUNS}, emulator on 127.0.0.1)`);
  report('AssumeRole round trip, bare SDK client', roundTrip);
  report('core.assumeRole (lock, keychain, STS, profile, session)', switchMs);
  report('overhead beyond the round trip', switchMs - roundTrip, 'ms', 'budget 5 ms');
} finally {
  await f.close();
}
