/*
 * A team catalog of 5,000 roles in 500 accounts: median time to parse and check it (parseCatalog), and to turn
 * it into switchable roles beside 50 of the user's own (catalogRoles, as every role list does, its copy cached).
 * Budget from issue 16: under 100 ms in the core. Prints figures only; never fails on speed.
 * Run: node --import tsx test/bench/catalog.bench.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCatalog } from '../../electron/core/features/catalog/format.js';
import { copyPath } from '../../electron/core/features/catalog/copies.js';
import { catalogRoles } from '../../electron/core/features/catalog/resolve.js';
import type { Role } from '../../electron/core/domain/model.js';
import type { SettingsData } from '../../electron/core/store/settings.js';
import { DEFAULT_PREFERENCES } from '../../electron/core/store/settings.js';

const ACCOUNTS = 500;
const ROLES = 5_000;
const RUNS = 21;

const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
  id: String(100_000_000_000 + i),
  name: `account-${i}`,
  region: 'eu-west-1',
}));
const roles = Array.from({ length: ROLES }, (_, i) => ({
  id: `role-${i}`,
  account: accounts[i % ACCOUNTS]?.id,
  roleName: `team/role-${i}`,
  label: `Role ${i}`,
  group: `group-${i % 20}`,
  mfa: i % 3 === 0,
  ...(i % 10 === 0 ? { externalId: `ext-${i}` } : {}),
  ...(i % 7 === 0 && i > 0 ? { chainFrom: `role-${i - 1}` } : {}),
}));
const text = JSON.stringify({ rolebarCatalog: 1, profilePrefix: 'big-', accounts, roles }, null, 2);

function median(work: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? NaN;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'rolebar-bench-catalog-'));
try {
  const settingsPath = path.join(dir, 'settings.json');
  mkdirSync(path.dirname(copyPath(settingsPath, 'big')), { recursive: true });
  writeFileSync(copyPath(settingsPath, 'big'), text);
  const own: Role[] = Array.from({ length: 50 }, (_, i) => ({
    id: `own-${i}`,
    label: `own ${i}`,
    roleArn: `arn:aws:iam::111111111111:role/own-${i}`,
    source: { kind: 'identity', id: 'me' },
    mfa: false,
  }));
  const data: SettingsData = {
    identities: [],
    roles: [],
    sessions: [],
    preferences: { ...DEFAULT_PREFERENCES, alertThresholdsMin: [15] },
    catalogs: [{ id: 'big', name: 'big', source: { kind: 'file', path: '/x' }, identities: { '*': 'me' } }],
  };
  // The floor nothing can beat, taken in the same run: the figures below are also given as multiples of it.
  const floor = median(() => JSON.parse(text));
  const parse = median(() => parseCatalog(text, 'big.json'));
  let run = 0;
  // A different identity each run: the resolved roles cannot come from the cache (a first load after a sync).
  const resolveCold = median(() =>
    catalogRoles(
      { ...data, catalogs: [{ ...data.catalogs?.[0], id: 'big', identities: { '*': `me-${run++}` } }] },
      settingsPath,
      own,
    ),
  );
  const resolve = median(() => catalogRoles(data, settingsPath, own));
  console.log(`catalog of ${ROLES} roles in ${ACCOUNTS} accounts (${(text.length / 1e6).toFixed(1)} MB):`);
  console.log(`  parse and check:            median ${parse.toFixed(1)} ms (budget 100 ms)`);
  console.log(
    `  roles beside the user's:    median ${resolveCold.toFixed(1)} ms first, ${resolve.toFixed(1)} ms cached`,
  );
  console.log(`  first load (parse + roles): ${(parse + resolveCold).toFixed(1)} ms (budget 100 ms)`);
  console.log(
    `  JSON.parse alone:           median ${floor.toFixed(1)} ms; first load = ${((parse + resolveCold) / floor).toFixed(1)}× it`,
  );
  console.log(
    `  load average now: ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores (figures scale with it)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
