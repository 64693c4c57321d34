// Settings → Command line, in real Chromium over the real service: "Install 'rolebar' command in PATH" puts the
// launcher in the user's bin folder and says where, and how to reach it when that folder is not on PATH.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LAUNCHER_MARK } from '../../electron/core/features/outputs/command-on-path.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { checkScreen } from './helpers.js';

describe('the window installs the rolebar command', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  before(async () => {
    f = await startServiceFixture('browser-cli-install');
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  it("Settings → Install 'rolebar' command in PATH writes the launcher and says where", async () => {
    session = await openRenderer(f.service);
    const { page } = session;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: "Install 'rolebar' command in PATH" }).click();
    const launcher = path.join(f.sandbox.dir, '.local', 'bin', 'rolebar');
    const status = page.locator('#cli-install-status');
    await status.filter({ hasText: 'Installed' }).waitFor();
    const text = (await status.textContent()) ?? '';
    assert.ok(text.startsWith(`Installed ${launcher}`), text);
    // The sandbox's PATH does not have the folder: the window says how to add it.
    assert.match(text, /Add .*\.local\/bin to your PATH/);
    assert.ok(readFileSync(launcher, 'utf8').includes(LAUNCHER_MARK));
    await checkScreen(page, 'settings-command-line');
  });
});
