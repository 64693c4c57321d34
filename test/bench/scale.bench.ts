// Big setups: the CLI with 500 / 5,000 / 20,000 catalog roles (`role list`, `status`, and a jump-role catalog
// where four of five roles chain from a hub), `import` of 100 / 1,000 role_arn profiles, and catalog resolution
// of one 2,000-role chain, each beside `node -e 0` run interleaved with it, and each with its growth factor.
// Goals (issue 25): `role list` and `status` at 20,000 at most 4.5x their cost at 5,000, at 5,000 at most 3x
// `node -e 0`; import of 1,000 profiles under 3 s; resolution linear in roles. Prints only; never fails on speed.
// ROLEBAR_BENCH_MAX_ROLES shortens the run (sizes above it are left out); ROLEBAR_BENCH_BASELINE names another
// build's out/cli/rolebar.mjs to time beside this one in the same interleaved rounds (before and after), up to
// ROLEBAR_BENCH_BASELINE_MAX_ROLES (default 5,000: a quadratic build takes minutes per run beyond it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleavedMedians, report } from './measure.js';
import { catalogResolutionMs, importConfig, scaleSettings } from './scale-setup.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const baselineMax = Number(process.env.ROLEBAR_BENCH_BASELINE_MAX_ROLES ?? 5_000);
const builds = [
  { name: 'this build', cli: path.join(root, 'out/cli/rolebar.mjs'), max: Infinity },
  ...(process.env.ROLEBAR_BENCH_BASELINE
    ? [{ name: 'baseline', cli: process.env.ROLEBAR_BENCH_BASELINE, max: baselineMax }]
    : []),
];
const maxRoles = Number(process.env.ROLEBAR_BENCH_MAX_ROLES ?? 20_000);
const sizes = (list: number[]) => list.filter((n) => n <= maxRoles);
const roundsFor = (n: number) => (n >= 20_000 ? 3 : n >= 5_000 ? 5 : 9);

const work = mkdtempSync(path.join(os.tmpdir(), 'rolebar-bench-scale-'));
const node = { label: 'node -e 0', command: process.execPath, args: ['-e', '0'] };

/**
 * One CLI command at every size beside node -e 0, every build in the same interleaved rounds (their ratios stay
 * comparable on a machine whose load changes); prints each with its growth factor from the size before.
 */
function cliAtSizes(
  title: string,
  counts: number[],
  home: (n: number) => string,
  args: string[],
  hub = false,
) {
  console.log(`\n${title}`);
  const previous = new Map<string, { n: number; ms: number }>();
  for (const n of counts) {
    const env = { ...process.env, ROLEBAR_HOME: home(n), HOME: home(n) };
    const timed = builds
      .filter((build) => n <= build.max)
      .map((build) => ({
        build,
        label: build.name,
        command: process.execPath,
        args: [build.cli, ...args],
        env,
      }));
    const [floor = NaN, ...times] = interleavedMedians([node, ...timed], roundsFor(n));
    timed.forEach(({ build }, i) => {
      const ms = times[i] ?? NaN;
      const before = previous.get(build.name);
      const growth = before ? `, ${(ms / before.ms).toFixed(2)}x the ${before.n} figure` : '';
      report(
        `  ${build.name}: ${n} roles${hub ? ' (hub chains)' : ''}`,
        ms,
        'ms',
        `${(ms / floor).toFixed(2)}x node -e 0 (${floor.toFixed(0)} ms)${growth}`,
      );
      previous.set(build.name, { n, ms });
    });
  }
}

try {
  const homes = new Map<string, string>();
  const homeFor = (n: number, hub: boolean) => {
    const key = `${n}-${hub}`;
    let home = homes.get(key);
    if (!home) {
      home = path.join(work, `catalog-${key}`);
      scaleSettings(home, n, hub);
      homes.set(key, home);
    }
    return home;
  };
  const counts = sizes([500, 5_000, 20_000]);
  cliAtSizes('role list, catalog roles', counts, (n) => homeFor(n, false), ['role', 'list']);
  cliAtSizes(
    'role list, four of five roles chained from a hub role',
    sizes([5_000, 20_000]),
    (n) => homeFor(n, true),
    ['role', 'list'],
    true,
  );
  cliAtSizes('status, catalog roles', counts, (n) => homeFor(n, false), ['status']);
  cliAtSizes('role list --json, catalog roles', counts, (n) => homeFor(n, false), ['role', 'list', '--json']);

  console.log('\nimport of N role_arn profiles (each run into fresh settings)');
  for (const build of builds) {
    let previous: { n: number; ms: number } | undefined;
    const most = Math.max(100, Math.min(maxRoles, build.max) / 5);
    for (const n of sizes([100, 1_000]).filter((count) => count <= most)) {
      const times: number[] = [];
      for (let run = 0; run < 3; run++) {
        const home = path.join(work, `import-${build.name.replace(/\W/g, '')}-${n}-${run}`);
        mkdirSync(path.join(home, '.aws'), { recursive: true });
        writeFileSync(path.join(home, '.aws', 'config'), importConfig(n).config);
        writeFileSync(path.join(home, '.aws', 'credentials'), importConfig(n).credentials);
        const env = {
          ...process.env,
          ROLEBAR_HOME: path.join(home, 'rolebar'),
          HOME: home,
          AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
          AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
        };
        const [ms = NaN] = interleavedMedians(
          [{ label: 'import', command: process.execPath, args: [build.cli, 'import'], env }],
          1,
        );
        times.push(ms);
      }
      const [floor = NaN] = interleavedMedians([node], 5);
      const ms = times.sort((a, b) => a - b)[1] ?? NaN;
      const growth = previous ? `, ${(ms / previous.ms).toFixed(2)}x the ${previous.n} figure` : '';
      report(
        `  ${build.name}: ${n} profiles`,
        ms,
        'ms',
        `${(ms / floor).toFixed(1)}x node -e 0${growth} (goal 1,000 under 3 s)`,
      );
      previous = { n, ms };
    }
  }

  // A chain longer than the cap (10 hops, domain/limits.ts) is refused, so the roles are chained 10 deep each.
  console.log(
    '\ncatalog resolution, every role in a chain of 10 (the cap; parse, check and resolve; in this process)',
  );
  let previous: { n: number; ms: number } | undefined;
  for (const n of sizes([500, 1_000, 2_000])) {
    const ms = catalogResolutionMs(path.join(work, `chain-${n}`), n);
    const growth = previous
      ? `, ${(ms / previous.ms).toFixed(2)}x the ${previous.n} figure (linear: ${(n / previous.n).toFixed(1)}x)`
      : '';
    report(`  ${n} roles in chains of 10`, ms, 'ms', growth.slice(2));
    previous = { n, ms };
  }
  console.log(
    `\nload average now: ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores (figures scale with it)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
