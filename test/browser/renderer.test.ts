import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

const screenshots = path.resolve('test-results/screenshots');

describe('renderer in Chromium, bound to the real service layer', () => {
  let f: ServiceFixture;
  let session: RendererSession;
  const errors: string[] = [];
  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    f = await startServiceFixture('browser', { demo: true });
    session = await openRenderer(f.service);
    session.page.on('pageerror', (error) => errors.push(error.message));
    session.page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  });
  after(async () => {
    await session.close();
    await f.close();
  });

  it('draws the state the main process answers through window.rolebar', async () => {
    await session.page
      .getByRole('heading', { name: 'Add your IAM user keys or Identity Center, or import ~/.aws' })
      .waitFor();
    await session.page.screenshot({ path: path.join(screenshots, 'start-light.png') });
  });

  it('exposes only named functions, never a generic invoke', async () => {
    const keys = await session.page.evaluate(() => Object.keys(window.rolebar));
    assert.ok(keys.length > 10);
    assert.ok(!keys.some((key) => /^(invoke|send|on|emit)$/.test(key)), keys.join(', '));
  });

  it('refuses malformed arguments before they reach the service', async () => {
    const refused = await session.page.evaluate(async () => {
      try {
        await (window.rolebar.switchRole as (x: unknown) => Promise<unknown>)({
          roleId: 'x',
          extra: 'field',
        });
        return 'accepted';
      } catch (error) {
        return String(error);
      }
    });
    assert.match(refused, /unknown field/);
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
