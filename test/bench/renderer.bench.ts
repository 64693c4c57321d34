// The window's weight and speed: the renderer's JavaScript gzipped (budget ≤ 25 KB), the first render with
// 50 roles in Chromium (budget < 100 ms, from performance marks the page sets itself), and proof that no timer
// runs while the window is hidden. Prints figures; never fails on speed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import type { AppState, RequestHandlers } from '../../electron/ipc/contract.js';
import { DEFAULT_PREFERENCES } from '../../electron/core/domain/preferences.js';
import { openRenderer } from '../support/browser.js';
import { median, report } from './measure.js';

const out = path.resolve('out/renderer');
const kb = (bytes: number) => bytes / 1024;

const built = readFileSync(path.join(out, 'renderer.js'));
const minified = await esbuild.build({
  entryPoints: ['renderer/src/renderer.ts'],
  bundle: true,
  minify: true,
  write: false,
  format: 'iife',
  target: 'chrome120',
  legalComments: 'none',
  logLevel: 'silent',
});
const min = Buffer.from(minified.outputFiles[0]?.contents ?? new Uint8Array());
console.log('Renderer size');
report('renderer.js as built (minified), gzipped', kb(gzipSync(built).length), 'KB', 'budget 25 KB');
report('renderer.js minified (npm run build -- --minify), gzipped', kb(gzipSync(min).length), 'KB');
report('styles.css gzipped', kb(gzipSync(readFileSync(path.join(out, 'styles.css'))).length), 'KB');

/** A state with 50 roles in 5 accounts, 3 of them with live sessions. */
function fiftyRoles(): AppState {
  const now = Date.now();
  const roles = Array.from({ length: 50 }, (_, i) => {
    const account = String(100000000000 + (i % 5) * 111111111).padStart(12, '0');
    return {
      id: `role-${i}`,
      label: `team-${i % 5} role ${i}`,
      roleArn: `arn:aws:iam::${account}:role/role-${i}`,
      source: { kind: 'identity' as const, id: 'alice' },
      mfa: i % 7 === 0,
      profileName: `role-${i}`,
      accountId: account,
      group: `Account ${account}`,
    };
  });
  const sessions = [0, 1, 2].map((i) => ({
    roleId: `role-${i}`,
    profileName: `role-${i}`,
    principalArn: `arn:aws:sts::${roles[i]?.accountId}:assumed-role/role-${i}/bench`,
    accountId: roles[i]?.accountId ?? '',
    expiration: new Date(now + 3_600_000 - i * 60_000).toISOString(),
    clockOffsetMs: 0,
    via: 'direct' as const,
    requiresMfa: false,
    startedAt: new Date(now - i * 1000).toISOString(),
  }));
  return {
    app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: true },
    identities: [
      {
        id: 'alice',
        name: 'alice@dev',
        can: { keys: true, mfaDevice: true, signIn: false },
        summary: 'AKIAEXAMPLEALICE0000',
        accessKeyId: 'AKIAEXAMPLEALICE0000',
      },
    ],
    roles,
    sessions,
    activeRoleId: 'role-0',
    preferences: { ...DEFAULT_PREFERENCES },
  };
}

const state = fiftyRoles();
const whoAmI = {
  ok: true,
  value: {
    account: state.sessions[0]?.accountId,
    arn: state.sessions[0]?.principalArn,
    userId: 'AROAEXAMPLE:bench',
    kind: 'assumed-role',
    clockSkewed: false,
  },
};
// Only what the main screen asks for; anything else would be a bug in the bench.
const handlers = new Proxy({} as RequestHandlers, {
  get: (_target, key) =>
    key === 'state:get' ? () => state : key === 'session:whoami' ? () => whoAmI : () => ({ ok: false }),
});

const session = await openRenderer(handlers);
try {
  const { page } = session;
  // Counts timer and animation-frame callbacks that actually run, from the first script on.
  await page.context().addInitScript(() => {
    const w = window as unknown as { __ticks: number };
    w.__ticks = 0;
    const setTimeout0 = window.setTimeout.bind(window);
    const raf0 = window.requestAnimationFrame.bind(window);
    window.setTimeout = ((fn: () => void, ms?: number) =>
      setTimeout0(() => {
        w.__ticks++;
        fn();
      }, ms)) as typeof window.setTimeout;
    window.requestAnimationFrame = (fn) =>
      raf0((t) => {
        w.__ticks++;
        fn(t);
      });
  });
  const firstRender: number[] = [];
  const firstDraw: number[] = [];
  for (let i = 0; i < 7; i++) {
    await page.reload();
    await page.waitForFunction(
      () => performance.getEntriesByName('rolebar:first-render', 'measure').length > 0,
    );
    const [all, draw] = await page.evaluate(() =>
      ['rolebar:first-render', 'rolebar:first-draw'].map(
        (name) => performance.getEntriesByName(name, 'measure')[0]?.duration ?? NaN,
      ),
    );
    firstRender.push(all ?? NaN);
    firstDraw.push(draw ?? NaN);
  }
  const rows = await page.locator('li.role').count();
  console.log(
    `\nFirst render, ${rows} roles, 3 live clocks (script start → drawn, median of ${firstRender.length})`,
  );
  report(
    'script start → first render (incl. getState round trip)',
    median(firstRender),
    'ms',
    'budget 100 ms',
  );
  report('  of which drawing the state', median(firstDraw), 'ms');

  const ticksOver = async (ms: number) => {
    await page.evaluate(() => void ((window as unknown as { __ticks: number }).__ticks = 0));
    await page.waitForTimeout(ms);
    return page.evaluate(() => (window as unknown as { __ticks: number }).__ticks);
  };
  console.log('\nTimer callbacks over 2 s');
  report('visible (3 clocks ticking once a second)', await ticksOver(2_000), 'calls');
  // A string, not a function: tsx's keepNames helpers do not exist in the page.
  const setVisibility = (state: 'hidden' | 'visible') =>
    page.evaluate(`
      Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return '${state}'; } });
      Object.defineProperty(document, 'hidden', { configurable: true, get() { return ${state === 'hidden'}; } });
      document.dispatchEvent(new Event('visibilitychange'));
    `);
  await setVisibility('hidden');
  const hidden = await ticksOver(2_000);
  report('hidden', hidden, 'calls', hidden === 0 ? 'no timer runs while hidden' : 'TIMERS RAN WHILE HIDDEN');
  await setVisibility('visible');
  report('visible again', await ticksOver(2_000), 'calls');
} finally {
  await session.close();
}
