/**
 * `npm run preview`: the real window — the built page, with the real service behind it — in Debian's Chromium,
 * against the demo (the bundled STS emulator, a temporary folder, secrets in memory), without Electron. For
 * contributors and for screenshots. Wired the way the browser tests wire it (test/support/browser.ts): the
 * page's `window.rolebar` calls reach the service's handlers after the same channel and shape checks as IPC.
 * `--check` opens it headless, waits for the demo roles to show, and exits (what the test runs, with
 * `--no-build`).
 */
import { location } from '../electron/core/sessions/assume.js';
import { createCore } from '../electron/core/index.js';
import { openSettings } from '../electron/core/store/settings.js';
import type { AppState } from '../electron/ipc/contract.js';
import { seedDemo } from '../electron/core/features/demo/index.js';
import { startDemo, watchDemoMfaCode } from '../electron/service/demo.js';
import { realTimers } from '../electron/service/clipboard.js';
import { createRolebarService } from '../electron/service/service.js';
import { openRenderer, type RendererSession } from '../test/support/browser.js';
import { memoryClipboard } from '../test/support/service-fixture.js';
import { buildAll } from './build.js';

const check = process.argv.includes('--check');
// Without a display Chromium cannot open a window: say so at once, with the command that works, instead of
// building, starting the demo and then failing inside Playwright.
if (!check && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error(
    'npm run preview needs a display (no DISPLAY is set): run it as `xvfb-run -a npm run preview`.',
  );
  process.exit(1);
}
// The test passes --no-build: out/ is already built, and other tests are running it.
if (!process.argv.includes('--no-build')) await buildAll();
const demo = await startDemo();
const env = { ...process.env, ...demo.env };
const core = createCore({
  settings: openSettings({ dir: demo.home }),
  secrets: demo.secrets,
  env,
  homedir: demo.dir,
});
let session: RendererSession | undefined;
let stopCodes: () => void = () => undefined;

/** Closes the window, the core and the demo (its emulator and folder), whatever state they are in. */
async function shutDown(code: number): Promise<never> {
  stopCodes();
  await session?.close().catch(() => undefined);
  core.close();
  await demo.close();
  process.exit(code);
}

try {
  await seedDemo(core);
  const push = (state: AppState) => void session?.emit('state:changed', state).catch(() => undefined);
  const service = createRolebarService({
    core,
    settings: openSettings({ dir: demo.home }),
    clipboard: memoryClipboard(),
    app: { name: 'Rolebar', version: '0.1.0', platform: process.platform, demo: true },
    location: location({ env, homedir: demo.dir }),
    onStateChanged: push,
  });
  session = await openRenderer(service, { headless: check, viewport: { width: 420, height: 640 } });
  await session.page.getByRole('button', { name: /^Switch to prod readonly / }).waitFor({ timeout: 30_000 });
  if (check) {
    console.log('preview ok: the window shows the demo roles');
    await shutDown(0);
  }
  stopCodes = watchDemoMfaCode(demo, (code) => console.log(`demo MFA code: ${code}`), {
    now: Date.now,
    timers: realTimers,
  });
  console.log('Rolebar preview: the real window against the demo. Close the window or press Ctrl-C to stop.');
  session.browser.on('disconnected', () => void shutDown(0));
  process.on('SIGINT', () => void shutDown(0));
  process.on('SIGTERM', () => void shutDown(0));
} catch (error) {
  console.error(`npm run preview: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  await shutDown(1);
}
