import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRenderer, type RendererSession } from '../support/browser.js';

const screenshots = path.resolve('test-results/screenshots');

describe('renderer in Chromium', () => {
  let session: RendererSession;
  const errors: string[] = [];
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    session = await openRenderer({
      'app:get-info': () => ({ name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: true }),
    });
    session.page.on('pageerror', (error) => errors.push(error.message));
    session.page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });
  after(() => session.close());

  it('shows what the main process answers through window.rolebar', async () => {
    await session.page.getByText('Rolebar 0.1.0 (demo) on linux').waitFor();
    await session.page.screenshot({ path: path.join(screenshots, 'start-light.png') });
  });

  it('exposes only named functions, never a generic invoke', async () => {
    const keys = await session.page.evaluate(() => Object.keys(window.rolebar));
    assert.deepEqual(keys, ['getAppInfo']);
  });

  it('runs under its strict CSP with no errors', async () => {
    assert.deepEqual(errors, [], 'no page errors before the CSP probe');
    const blocked = await session.page.evaluate(async () => {
      const violation = new Promise<string>((resolve) =>
        document.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective), {
          once: true,
        }),
      );
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      return { ran: 'inlineRan' in window, directive: await violation };
    });
    assert.deepEqual(
      blocked,
      { ran: false, directive: 'script-src-elem' },
      'inline script is blocked by the CSP',
    );
  });
});
