// The credentials endpoint answers a cached request in-process (budget: under 2 ms median HTTP round trip over
// a kept-alive loopback connection), and the periodic session check keeps exactly one timer while the window is
// hidden (counted through the timers it is given). Prints; never fails on speed.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startCredentialsEndpoint } from '../../electron/core/features/outputs/credentials-endpoint.js';
import type { AppState } from '../../electron/ipc/contract.js';
import { createScheduler } from '../../electron/service/scheduler.js';
import { CHECK_INTERVAL_MS, createSessionCheck } from '../../electron/service/session-check.js';
import type { Timers } from '../../electron/service/clipboard.js';
import { median, report } from './measure.js';

const runs = 500;
const endpoint = await startCredentialsEndpoint({
  fetchSession: async () => ({
    credentials: {
      accessKeyId: 'ASIABENCHEXAMPLE',
      secretAccessKey: 'bench-secret',
      sessionToken: 'bench-token',
      expiration: new Date(Date.now() + 3_600_000),
    },
    clockOffsetMs: 0,
  }),
});
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = () =>
  new Promise<void>((resolve, reject) => {
    const req = request(endpoint.url, { agent, headers: { authorization: endpoint.token } }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
try {
  await get(); // the first answer fetches; the rest are cached
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await get();
    times.push(performance.now() - start);
  }
  report('endpoint: cached answer, median round trip', median(times), 'ms', 'budget < 2 ms');
} finally {
  agent.destroy();
  await endpoint.close();
}

// The session check with the window hidden: it rides on the scheduler's one timer. An active session far from
// its end (no alert or refresh due for hours), ten checks in a row: count the timers held between them.
let live = 0;
const timers: Timers = {
  setTimeout: (fn, ms) => {
    live++;
    const t = setTimeout(() => {
      live--;
      fn();
    }, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle) => {
    if (handle === undefined) return;
    live--;
    clearTimeout(handle as NodeJS.Timeout);
  },
};
const started = Date.now();
const state: AppState = {
  app: { name: 'Rolebar', version: '0', platform: 'linux', demo: false },
  identities: [],
  roles: [
    {
      id: 'r1',
      label: 'bench',
      source: { kind: 'identity', id: 'i1' },
      mfa: false,
      profileName: 'bench',
      group: 'g',
    },
  ],
  sessions: [
    {
      roleId: 'r1',
      profileName: 'bench',
      principalArn: 'arn:aws:sts::111122223333:assumed-role/bench/bench',
      accountId: '111122223333',
      expiration: new Date(started + 12 * 3_600_000).toISOString(),
      clockOffsetMs: 0,
      via: 'direct',
      requiresMfa: false,
      startedAt: new Date(started).toISOString(),
    },
  ],
  activeRoleId: 'r1',
  preferences: {
    alertThresholdsMin: [15],
    refreshMarginMin: 5,
    clipboardClearSeconds: 30,
    notifications: false,
    launchAtLogin: false,
    theme: 'system',
    serveEndpoint: false,
  },
};
let checks = 0;
let clock = started;
const check = createSessionCheck({
  service: {
    verifyActive: async () => {
      checks++;
      return { checked: true, ok: true };
    },
  },
});
const scheduler = createScheduler({
  service: {
    state: async () => state,
    renew: async () => ({ ok: false, error: { code: 'x', message: 'x' } }),
  },
  notifier: { notify: () => undefined },
  now: () => clock,
  timers,
  sessionCheck: check,
});
const held: number[] = [];
for (let i = 0; i < 10; i++) {
  await scheduler.reschedule();
  held.push(live);
  clock += CHECK_INTERVAL_MS; // the armed wake-up, 15 minutes on
}
report('session check: timers held while hidden', Math.max(...held), 'timers', 'budget: 1 (the next check)');
report('session check: checks in 10 wake-ups of 15 min', checks, 'checks', 'one per wake-up');
scheduler.stop();
