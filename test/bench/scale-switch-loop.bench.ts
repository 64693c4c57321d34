// How long a switch keeps the event loop busy (the app's main process: the tray, the window and notifications
// wait meanwhile). Per switch, in one run: the loop's busy time (performance.eventLoopUtilization) of a full
// core.assumeRole minus that of the same AssumeRole sent with a bare SDK client (the emulator answers in this
// process for both), and the longest single stall (perf_hooks.monitorEventLoopDelay). Goal (issue 25): at most
// 2 ms of the switch's time blocks the loop. Prints only; never fails on speed.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { switchBench } from './switch-setup.js';
import { median, report } from './measure.js';

const RUNS = 41;
const { f, roleId, client } = await switchBench('bench-switch-loop');
try {
  const busy = { bare: [] as number[], full: [] as number[] };
  const stalls = { bare: [] as number[], full: [] as number[] };
  const measure = async (into: 'bare' | 'full', work: () => Promise<unknown>, keep: boolean) => {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const before = performance.eventLoopUtilization();
    await work();
    const used = performance.eventLoopUtilization(before);
    histogram.disable();
    if (!keep) return;
    busy[into].push(used.active);
    // The histogram's figures are nanoseconds of delay beyond its 1 ms timer.
    stalls[into].push(histogram.max / 1e6);
  };
  for (let i = 0; i < RUNS + 5; i++) {
    const bare = () =>
      client.send(new AssumeRoleCommand({ RoleArn: SEED_ROLES.readonly, RoleSessionName: 'bench' }));
    await measure('bare', bare, i >= 5);
    await measure('full', () => f.core.assumeRole(roleId), i >= 5);
  }
  console.log(`event loop during a switch (median of ${RUNS}; the emulator answers in this process)`);
  report('loop busy, bare SDK AssumeRole', median(busy.bare));
  report('loop busy, full switch', median(busy.full));
  report('loop busy beyond the bare call (goal: at most 2 ms)', median(busy.full) - median(busy.bare));
  report('longest stall, bare SDK AssumeRole', median(stalls.bare));
  report('longest stall, full switch', median(stalls.full));
} finally {
  await f.close();
}
