// The window's main flows in Chromium, bound to the REAL service layer over the STS emulator, a real
// (isolated) keychain and temp files: first run → identity → role → switch → countdown → copy → MFA →
// chain → delete, with axe checks and screenshots of each screen in light and dark.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { checkScreen, recordingHandlers } from './helpers.js';

describe('the window, driven like a user, over the real service', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let page: Page;
  const received: string[] = [];
  const errors: string[] = [];
  const credentials = () => readFileSync(f.sandbox.credentialsFile, 'utf8');
  const role = (name: string) => page.getByRole('button', { name: new RegExp(`^Switch to ${name} `) });

  before(async () => {
    f = await startServiceFixture('browser-flows');
    session = await openRenderer(
      recordingHandlers(f, () => session, received),
      { viewport: { width: 420, height: 600 } },
    );
    page = session.page;
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
  });
  after(async () => {
    if (process.env.ROLEBAR_DEBUG) console.log(await page.evaluate(() => document.body.innerText));
    await session?.close();
    await f.close();
  });

  it('first run: tells a new user what to do', async () => {
    await page.getByRole('heading', { name: 'Add your IAM user keys or import ~/.aws' }).waitFor();
    await checkScreen(page, 'empty-state', true);
  });

  it('adds an identity, checking each field before anything is sent', async () => {
    await page.getByRole('button', { name: 'Add IAM user keys' }).click();
    await page.getByLabel('Name').fill('alice@dev');
    await page.getByLabel('Access key ID').fill('not-a-key');
    const calls = received.length;
    await page.getByRole('button', { name: 'Add identity' }).click();
    // The window says what the core would: one rule, one wording.
    await page.getByText('That is not an access key id.').waitFor();
    assert.equal(received.length, calls, 'nothing was sent');
    assert.equal(
      await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name),
      'access-key-id',
    );
    await page.getByLabel('Access key ID').fill(SEED_KEYS.alice.accessKeyId);
    await page.getByLabel('Secret access key').fill(SEED_KEYS.alice.secretAccessKey);
    await page.getByLabel('MFA device (optional)').fill(SEED_MFA.alice.serial);
    await checkScreen(page, 'identity-form');
    await page.getByRole('button', { name: 'Add identity' }).click();
    await page.getByRole('heading', { name: 'Add a role' }).waitFor();
    assert.equal(f.core.identities.list().length, 1);
  });

  it('adds a role, with the duration range shown and checked', async () => {
    await page.getByLabel('Label').fill('prod readonly');
    await page.getByLabel('Role ARN or name').fill(SEED_ROLES.readonly);
    await page.getByText('More options').click();
    await page.getByText('900–43200 s (15 min to 12 h)').waitFor();
    await page.getByLabel('Duration in seconds (optional)').fill('60');
    await page.getByRole('button', { name: 'Add role' }).click();
    await page.getByText('60 is outside that').waitFor();
    await page.getByLabel('Duration in seconds (optional)').fill('');
    await checkScreen(page, 'role-form');
    await page.getByRole('button', { name: 'Add role' }).click();
    await role('prod readonly').waitFor();
  });

  it('switches in one click; the countdown runs and the credentials file holds the session', async () => {
    await role('prod readonly').click();
    await page.getByText('Switched. Profile "prod-readonly" is ready.').waitFor();
    const clock = page.locator('.card .clock').first();
    await page.getByText('arn:aws:sts::222222222222:assumed-role/readonly/', { exact: false }).waitFor();
    const before = await clock.textContent();
    assert.match(before ?? '', /^\d{2}:\d{2}$|^\d+:\d{2}:\d{2}$/);
    await page.waitForFunction(
      (text) => document.querySelector('.card .clock')?.textContent !== text,
      before,
      { timeout: 3_000 },
    );
    assert.match(credentials(), /\[prod-readonly\][^[]*aws_session_token/);
    assert.equal(await clock.getAttribute('class'), 'clock clock-fresh');
  });

  it('lets an ARN break only after ":" and "/", never inside a name', async () => {
    const arn = page.locator('.who .arn');
    assert.equal(await arn.textContent(), await arn.evaluate((el) => el.textContent), 'the text is the ARN');
    assert.match(
      (await arn.textContent()) ?? '',
      /^arn:aws:sts::222222222222:assumed-role\/readonly\/rolebar-/,
    );
    await page.setViewportSize({ width: 300, height: 600 });
    try {
      // No helper functions inside: tsx would wrap them in a __name() the page does not have.
      const layout = await arn.evaluate((el) => ({
        lines: new Set(Array.from(el.getClientRects()).map((r) => Math.round(r.top))).size,
        // Each part (up to and including its separator) sits on one line.
        split: Array.from(el.children).filter(
          (part) =>
            part.tagName === 'SPAN' &&
            new Set(Array.from(part.getClientRects()).map((r) => Math.round(r.top))).size > 1,
        ).length,
      }));
      assert.ok(layout.lines > 1, 'the ARN wraps in a narrow window');
      assert.equal(layout.split, 0, 'no name is broken across lines');
    } finally {
      await page.setViewportSize({ width: 420, height: 600 });
    }
  });

  it('copies a snippet it never sees, and confirms with a toast', async () => {
    await page.getByRole('button', { name: 'Copy export' }).click();
    await page.getByText('Copied — clears in 60 s').waitFor();
    assert.match(f.clipboard.text, /^export AWS_ACCESS_KEY_ID=/m);
    // The secret values themselves, unquoted: a check that looked for them with their quotes could never fail.
    const secrets = f.clipboard.text.split('\n').flatMap((line) => {
      const match = /^export AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)='([^']+)'$/.exec(line);
      return match?.[1] ? [match[1]] : [];
    });
    assert.equal(secrets.length, 2, 'the snippet holds a secret key and a session token');
    const reached = `${received.join('\n')}\n${await page.content()}`;
    for (const secret of secrets) assert.ok(!reached.includes(secret), 'a secret reached the page');
    await checkScreen(page, 'main', true);
  });

  it('asks for an MFA code only when needed; a wrong code changes nothing, a right one switches', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Add a role' }).click();
    await page.getByLabel('Label').fill('prod admin');
    await page.getByLabel('Role ARN or name').fill(SEED_ROLES.admin);
    await page.getByLabel('Needs an MFA code').check();
    await page.getByRole('button', { name: 'Add role' }).click();
    const file = credentials();
    await role('prod admin').click();
    const dialog = page.getByRole('dialog', { name: 'MFA code' });
    await dialog.waitFor();
    const input = dialog.getByLabel('Code');
    assert.equal(await input.evaluate((el) => el === document.activeElement), true, 'autofocus');
    assert.equal(await input.getAttribute('inputmode'), 'numeric');
    assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
    await input.fill('000000');
    await checkScreen(page, 'mfa-prompt', true);
    await dialog.getByRole('button', { name: 'Switch' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.equal(credentials(), file, 'the credentials file is unchanged');
    assert.ok(!f.core.sessions.get(f.core.roles.list().find((r) => r.label === 'prod admin')?.id ?? ''));
    f.emu.setClockOffset(30_000);
    await input.fill(f.emu.totp(SEED_MFA.alice.serial));
    await dialog.getByRole('button', { name: 'Switch' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'prod admin' }).waitFor();
    assert.match(credentials(), /\[prod-admin\]/);
    await page.locator('.card .clocks').getByText('MFA').waitFor();
  });

  it('switches to a role chained from another', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Add a role' }).click();
    await page.getByLabel('Label').fill('deployer');
    await page.getByLabel('Role ARN or name').fill(SEED_ROLES.deployer);
    await page.getByLabel('Assume from').selectOption({ label: 'prod readonly' });
    await page.getByRole('button', { name: 'Add role' }).click();
    await role('deployer').click();
    await page.getByRole('heading', { name: 'deployer' }).waitFor();
    await page.getByText('Chained', { exact: false }).first().waitFor();
    assert.match(credentials(), /\[deployer\]/);
  });

  it('filters as you type and moves with the keyboard', async () => {
    const filter = page.getByLabel('Filter roles');
    await filter.focus();
    await filter.fill('admin');
    assert.equal(await page.locator('li.role:not([hidden])').count(), 1);
    await page.keyboard.press('ArrowDown');
    assert.equal(await role('prod admin').evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('Escape');
    assert.equal(await filter.evaluate((el) => el === document.activeElement), true);
    await page.keyboard.press('Escape');
    assert.equal(await filter.inputValue(), '');
    assert.equal(await page.locator('li.role:not([hidden])').count(), 3);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    assert.match(focused ?? '', /^Switch to /);
  });

  it('deletes a role after asking', async () => {
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await checkScreen(page, 'manage');
    await page.getByRole('button', { name: 'Remove deployer' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove “deployer”?' });
    await confirm.getByRole('button', { name: 'Remove role' }).click();
    await page.getByRole('button', { name: 'Remove deployer' }).waitFor({ state: 'detached' });
    assert.equal(f.core.roles.list().filter((r) => r.label === 'deployer').length, 0);
    assert.doesNotMatch(credentials(), /\[deployer\]/);
    await page.keyboard.press('Escape');
    await role('prod readonly').waitFor();
  });

  it('settings save as they change; the theme applies at once', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await checkScreen(page, 'settings');
    await page.getByLabel('Alert before expiry (minutes)').fill('20, 5, 0');
    await page.getByLabel('Alert before expiry (minutes)').blur();
    await page.getByText('Give whole minutes from 1 to 720').waitFor();
    await page.getByLabel('Alert before expiry (minutes)').fill('20, 5');
    await page.getByLabel('Alert before expiry (minutes)').blur();
    await page.getByLabel('Theme').selectOption('dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    assert.deepEqual(f.settings.preferences().alertThresholdsMin, [20, 5]);
    assert.equal(f.settings.preferences().theme, 'dark');
    await page.getByLabel('Theme').selectOption('system');
    await page.waitForFunction(() => !document.documentElement.dataset.theme);
  });

  it('imports ~/.aws from a preview, removing plaintext keys only when asked', async () => {
    writeFileSync(
      f.sandbox.credentialsFile,
      `${credentials()}\n[carol]\naws_access_key_id = ${SEED_KEYS.carol.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.carol.secretAccessKey}\n`,
    );
    // A role profile too, so the preview shows what a typical ~/.aws imports as, not mostly skipped rows.
    writeFileSync(
      f.sandbox.configFile,
      `${existsSync(f.sandbox.configFile) ? readFileSync(f.sandbox.configFile, 'utf8') : ''}\n[profile carol-audit]\nrole_arn = ${SEED_ROLES.auditor}\nsource_profile = carol\n`,
    );
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Import ~/.aws' }).click();
    await page.getByText('New identity').first().waitFor();
    await checkScreen(page, 'import-preview', true);
    await page.getByLabel('Remove the imported plaintext keys from ~/.aws/credentials').check();
    await page.getByRole('button', { name: /^Import \d+ item/ }).click();
    await page.getByText(/^Imported 1 identity/).waitFor();
    assert.ok(!credentials().includes(SEED_KEYS.carol.secretAccessKey), 'plaintext key removed');
    assert.ok(f.core.identities.list().some((i) => i.name.includes('carol')));
  });

  it('never hands the page a secret', async () => {
    const secrets: string[] = [SEED_KEYS.alice.secretAccessKey, SEED_KEYS.carol.secretAccessKey];
    for (const r of f.core.roles.list()) {
      const c = await f.core.credentialsOf(r.id);
      if (c) secrets.push(c.secretAccessKey, c.sessionToken);
    }
    assert.ok(secrets.length >= 4);
    const everything = received.join('\n');
    for (const secret of secrets) assert.ok(!everything.includes(secret), 'a secret reached the page');
    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    for (const secret of secrets) assert.ok(!dom.includes(secret), 'a secret is in the DOM');
    assert.deepEqual(errors, []);
  });
});
