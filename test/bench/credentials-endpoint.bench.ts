// The credentials endpoint answers a cached request in-process (budget: under 2 ms median HTTP round trip over
// a kept-alive loopback connection), and the periodic session check keeps exactly one timer while the window is
// hidden (counted through the timers it is given). Prints; never fails on speed.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startCredentialsEndpoint } from '../../electron/core/credentials-endpoint.js';
import type { AppState } from '../../electron/ipc/contract.js';
import { createSessionCheck } from '../../electron/service/session-check.js';
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

// The session check with the window hidden: count the timers it holds after a check that passed.
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
const state: AppState = {
  app: { name: 'Rolebar', version: '0', platform: 'linux', demo: false },
  identities: [],
  roles: [],
  sessions: [],
  preferences: {
    alertThresholdsMin: [],
    refreshMarginMin: 5,
    clipboardClearSeconds: 30,
    notifications: false,
    launchAtLogin: false,
    theme: 'system',
  },
};
const check = createSessionCheck({
  service: { state: async () => state, verifyActive: async () => ({ checked: true, ok: true }) },
  timers,
});
for (let i = 0; i < 10; i++) {
  await check.checkNow();
  check.rearm();
}
report('session check: timers held while hidden', live, 'timers', 'budget: 1 (the next check)');
check.stop();
