import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright';
import type { RequestHandlers } from '../../electron/ipc/contract.js';
import type { RendererSession } from '../support/browser.js';
import type { ServiceFixture } from '../support/service-fixture.js';

export const screenshots = path.resolve('test-results/screenshots');
const committed = path.resolve('build/screenshots');

/** Fails with the list of violations if axe finds any on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  assert.deepEqual(summary, [], `axe violations on ${what}`);
}

/**
 * Checks a screen with axe in light and in dark, and saves a screenshot of each to test-results/screenshots;
 * with `keep`, `npm run screenshots` (ROLEBAR_UPDATE_SCREENSHOTS=1) also copies them to build/screenshots for
 * the README. Plain test runs never touch committed files.
 */
export async function checkScreen(page: Page, name: string, keep = false): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  // A toast from the step before would fade within seconds: show the screen as it then is, not the leftover.
  await page.evaluate(() => {
    const toast = document.getElementById('toast');
    toast?.classList.remove('shown');
    if (toast) toast.textContent = '';
  });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(page, `${name} (${scheme})`);
    const file = path.join(screenshots, `${name}-${scheme}.png`);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    if (keep && process.env.ROLEBAR_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(committed, { recursive: true });
      copyFileSync(file, path.join(committed, `${name}-${scheme}.png`));
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * The service's handlers as the page reaches them, recording every answer the page receives and forwarding
 * each state push to the page (what the main process does with webContents.send).
 */
export function recordingHandlers(
  f: ServiceFixture,
  session: () => RendererSession | undefined,
  received: string[],
): RequestHandlers {
  return new Proxy(f.service, {
    get(target, key) {
      const value = Reflect.get(target, key) as unknown;
      if (typeof key !== 'string' || !key.includes(':') || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const pushedBefore = f.pushed.length;
        const result = (await (value as (...a: unknown[]) => unknown)(...args)) as unknown;
        received.push(JSON.stringify(result));
        const latest = f.pushed.at(-1);
        if (f.pushed.length > pushedBefore && latest) {
          received.push(JSON.stringify(latest));
          // Pushed after the answer, as the main process would, without holding the call up.
          setImmediate(
            () =>
              void session()
                ?.emit('state:changed', latest)
                .catch(() => undefined),
          );
        }
        return result;
      };
    },
  });
}
