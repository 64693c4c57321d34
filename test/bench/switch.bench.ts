// The in-process cost of a switch beyond the STS round trip: resolving the role, reading the key from the
// keychain, taking the role's lock, signing, writing the profile and the session record. Measured as the median of a full
// core.assumeRole minus the median of the same AssumeRole sent with a bare SDK client, in one run.
// Budget: under 5 ms median. Below it, the steps a switch makes after the STS answer, each timed alone in the
// same run (the real functions, on the same files), to show where the overhead goes.
import path from 'node:path';
import { writeProfile } from '../../electron/core/aws-files/index.js';
import { withFileLock } from '../../electron/core/platform/lock.js';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { switchBench } from './switch-setup.js';
import { median, report } from './measure.js';

const RUNS = 41;
const { f, roleId, client } = await switchBench('bench-switch');
try {
  const bare: number[] = [];
  const full: number[] = [];
  const steps = {
    'the role lock, empty': [] as number[],
    'the profile write (lock, 2 fsyncs)': [] as number[],
    'the session record (its own lock, fsync)': [] as number[],
    'both, as a switch makes them (the record during the folder fsync)': [] as number[],
  };
  const step = async (into: number[], run: () => unknown) => {
    const started = performance.now();
    await run();
    into.push(performance.now() - started);
  };
  for (let i = 0; i < RUNS + 5; i++) {
    let started = performance.now();
    await client.send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'bench' }));
    if (i >= 5) bare.push(performance.now() - started);
    started = performance.now();
    await f.core.assumeRole(roleId);
    if (i >= 5) full.push(performance.now() - started);
  }
  // The steps after the loop above, not inside it: interleaved, they slowed the switches themselves.
  const record = f.core.sessions.get(roleId);
  const credentials = await f.core.credentialsOf(roleId);
  if (!record || !credentials) throw new Error('no session after a switch');
  for (let i = 0; i < RUNS; i++) {
    const lockFile = path.join(f.sandbox.rolebarHome, 'bench-lock');
    await step(steps['the role lock, empty'], () => withFileLock(lockFile, async () => undefined));
    // A new expiry each round, so the file really changes (an unchanged profile is not rewritten).
    const expiration = new Date(credentials.expiration.getTime() - i * 1_000);
    await step(steps['the profile write (lock, 2 fsyncs)'], () =>
      writeProfile(
        { name: record.profileName, ...credentials, expiration, principalArn: record.principalArn },
        { env: f.sandbox.env, homedir: f.sandbox.dir },
      ),
    );
    await step(steps['the session record (its own lock, fsync)'], () =>
      f.core.sessions.save({ ...record, expiration: expiration.toISOString() }),
    );
    const later = new Date(expiration.getTime() - 500);
    await step(steps['both, as a switch makes them (the record during the folder fsync)'], () =>
      writeProfile(
        { name: record.profileName, ...credentials, expiration: later, principalArn: record.principalArn },
        {
          env: f.sandbox.env,
          homedir: f.sandbox.dir,
          afterWrite: () => f.core.sessions.save({ ...record, expiration: later.toISOString() }),
        },
      ),
    );
  }
  const roundTrip = median(bare);
  const switchMs = median(full);
  console.log(`Switch overhead (median of ${RUNS}, emulator on 127.0.0.1)`);
  report('AssumeRole round trip, bare SDK client', roundTrip);
  report('core.assumeRole (lock, keychain, STS, profile, session)', switchMs);
  report('overhead beyond the round trip', switchMs - roundTrip, 'ms', 'budget 5 ms');
  for (const [label, times] of Object.entries(steps)) report(`  step alone: ${label}`, median(times));
} finally {
  await f.close();
}
