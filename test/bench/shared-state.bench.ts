// How soon the app's window shows what a CLI process changed: the time from `rolebar role add` exiting to the
// service pushing a state that holds the new role (the settings watch, debounced 60 ms, then a re-read). Taken
// from test/cli/shared-state.test.ts, which only checks that it happens. Prints, never fails on speed.
import { runProgram, CLI, explain } from '../cli/helpers.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice } from '../support/core-fixture.js';
import { startServiceFixture } from '../support/service-fixture.js';
import { median, report } from './measure.js';

const RUNS = 9;
const f = await startServiceFixture('bench-shared-state');
try {
  await addAlice(f.core);
  const env = { ...f.sandbox.env, NO_COLOR: '1' };
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const label = `from-the-cli-${i}`;
    const run = await runProgram(
      process.execPath,
      [CLI, 'role', 'add', label, '--role-arn', SEED_ROLES.readonly, '--source', 'alice@dev'],
      env,
    );
    if (run.code !== 0) throw new Error(`role add: ${explain(run)}`);
    const exitedAt = performance.now();
    const seen = () => f.pushed.at(-1)?.roles.some((role) => role.label === label) === true;
    while (!seen()) {
      if (performance.now() - exitedAt > 30_000) throw new Error(`${label} was never pushed`);
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(performance.now() - exitedAt);
  }
  console.log(`A CLI change reaching the window (${RUNS} runs of rolebar role add)`);
  report('from the CLI exiting to the pushed state, median', median(times));
  report('from the CLI exiting to the pushed state, slowest', Math.max(...times));
} finally {
  await f.close();
}
