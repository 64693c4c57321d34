// The window's main flows in Chromium, bound to the REAL service layer over the STS emulator, a real
// (isolated) keychain and temp files: first run, adding an identity and a role, switching, the countdown,
// copying, MFA, a chain, the filter, deleting, settings and import, with axe checks and screenshots of each
// screen in light and dark. Each test stands alone: its own service, keychain, files and page, with what it
// needs added through the core first; after each, no secret may have reached the page and no error the console.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { launchChromium, openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { checkScreen, recordingHandlers } from './helpers.js';

/** One test's window: a service of its own with what the test added, and a page bound to it. */
interface FlowWindow {
  f: ServiceFixture;
  page: Page;
  /** Every answer and push the page received. */
  received: string[];
  /** Page errors and console errors. */
  errors: string[];
  close(): Promise<void>;
}

/** A role the test adds through the core (the window's own form is tested where it adds one). */
function addRole(
  f: ServiceFixture,
  label: string,
  roleArn: string,
  from: { kind: 'identity' | 'role'; id: string },
  mfa = false,
) {
  return f.core.roles.add({ label, roleArn, source: from, mfa });
}

/** Switches through the service, as a click would (with alice's current MFA code when the role needs one). */
async function switchTo(f: ServiceFixture, roleId: string, mfa = false): Promise<void> {
  const mfaCode = mfa ? f.emu.totp(SEED_MFA.alice.serial) : undefined;
  const switched = await f.service['role:switch']({ roleId, ...(mfaCode ? { mfaCode } : {}) });
  assert.ok(switched.ok, JSON.stringify(switched));
}

/** The credentials file's text ('' when there is none: Rolebar removes the file with its last profile). */
const credentials = (f: ServiceFixture) =>
  existsSync(f.sandbox.credentialsFile) ? readFileSync(f.sandbox.credentialsFile, 'utf8') : '';

/** alice@dev (with her MFA device) and "prod readonly" assumed from her. */
async function aliceAndReadonly(f: ServiceFixture) {
  const alice = await addAlice(f.core);
  return {
    alice,
    readonly: addRole(f, 'prod readonly', SEED_ROLES.readonly, { kind: 'identity', id: alice.id }),
  };
}

describe('the window, driven like a user, over the real service', () => {
  let browser: Browser;
  let w: FlowWindow | undefined;
  const role = (page: Page, name: string) =>
    page.getByRole('button', { name: new RegExp(`^Switch to ${name} `) });

  /** Starts a service, lets `prepare` add to it, then opens the window on it. */
  async function open(label: string, prepare?: (f: ServiceFixture) => Promise<unknown>): Promise<FlowWindow> {
    const f = await startServiceFixture(`flows-${label}`);
    let session: RendererSession | undefined;
    try {
      await prepare?.(f);
      const received: string[] = [];
      const errors: string[] = [];
      session = await openRenderer(
        recordingHandlers(f, () => session, received),
        { viewport: { width: 420, height: 600 }, browser },
      );
      const { page } = session;
      page.setDefaultTimeout(5_000);
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
      w = { f, page, received, errors, close: session.close };
      return w;
    } catch (error) {
      await session?.close();
      await f.close();
      throw error;
    }
  }

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const done = w;
    w = undefined;
    if (!done) return;
    try {
      if (process.env.ROLEBAR_DEBUG) console.log(await done.page.evaluate(() => document.body.innerText));
      // Every key the emulator knows and every session Rolebar holds: none may reach the page.
      const secrets: string[] = Object.values(SEED_KEYS).map((k) => k.secretAccessKey);
      for (const r of done.f.core.roles.list()) {
        const c = await done.f.core.credentialsOf(r.id);
        if (c) secrets.push(c.secretAccessKey, c.sessionToken);
      }
      const everything = done.received.join('\n');
      for (const secret of secrets) assert.ok(!everything.includes(secret), 'a secret reached the page');
      const dom = await done.page.evaluate(() => document.documentElement.outerHTML);
      for (const secret of secrets) assert.ok(!dom.includes(secret), 'a secret is in the DOM');
      assert.deepEqual(done.errors, []);
    } finally {
      try {
        await done.close();
      } finally {
        await done.f.close();
      }
    }
  });

  it('first run: tells a new user what to do', async () => {
    const { page } = await open('first-run');
    await page
      .getByRole('heading', { name: 'Add your IAM user keys or Identity Center, or import ~/.aws' })
      .waitFor();
    await checkScreen(page, 'empty-state', true);
  });

  it('adds an identity, checking each field before anything is sent, then offers to add a role', async () => {
    const { page, f, received } = await open('identity');
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
    const { page } = await open('role', (f) => addAlice(f.core));
    await page.getByRole('button', { name: 'Add a role' }).click();
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
    await role(page, 'prod readonly').waitFor();
  });

  it('switches in one click; the countdown runs and the credentials file holds the session', async () => {
    const { page, f } = await open('switch', aliceAndReadonly);
    await role(page, 'prod readonly').click();
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
    assert.match(credentials(f), /\[prod-readonly\][^[]*aws_session_token/);
    assert.equal(await clock.getAttribute('class'), 'clock clock-fresh');
  });

  it('lets an ARN break only after ":" and "/", never inside a name', async () => {
    const { page } = await open('arn', async (f) => switchTo(f, (await aliceAndReadonly(f)).readonly.id));
    const arn = page.locator('.who .arn');
    await page.getByText('arn:aws:sts::222222222222:assumed-role/readonly/', { exact: false }).waitFor();
    assert.equal(await arn.textContent(), await arn.evaluate((el) => el.textContent), 'the text is the ARN');
    assert.match(
      (await arn.textContent()) ?? '',
      /^arn:aws:sts::222222222222:assumed-role\/readonly\/rolebar-/,
    );
    await page.setViewportSize({ width: 300, height: 600 });
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
  });

  it('copies a snippet it never sees, and confirms with a toast', async () => {
    const { page, f, received } = await open('copy', aliceAndReadonly);
    // Switched by a click, as the README's screenshot of the main screen shows it (with the row's message).
    await role(page, 'prod readonly').click();
    await page.getByText('Switched. Profile "prod-readonly" is ready.').waitFor();
    await page.getByText('arn:aws:sts::222222222222:assumed-role/readonly/', { exact: false }).waitFor();
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
    const { page, f } = await open('mfa', async (f) => switchTo(f, (await aliceAndReadonly(f)).readonly.id));
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Add a role' }).click();
    await page.getByLabel('Label').fill('prod admin');
    await page.getByLabel('Role ARN or name').fill(SEED_ROLES.admin);
    await page.getByLabel('Needs an MFA code').check();
    await page.getByRole('button', { name: 'Add role' }).click();
    const file = credentials(f);
    await role(page, 'prod admin').click();
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
    assert.equal(credentials(f), file, 'the credentials file is unchanged');
    assert.ok(!f.core.sessions.get(f.core.roles.list().find((r) => r.label === 'prod admin')?.id ?? ''));
    f.emu.setClockOffset(30_000);
    await input.fill(f.emu.totp(SEED_MFA.alice.serial));
    await dialog.getByRole('button', { name: 'Switch' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'prod admin' }).waitFor();
    assert.match(credentials(f), /\[prod-admin\]/);
    await page.locator('.card .clocks').getByText('MFA').waitFor();
  });

  it('switches to a role chained from another', async () => {
    const { page, f } = await open('chain', aliceAndReadonly);
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Add a role' }).click();
    await page.getByLabel('Label').fill('deployer');
    await page.getByLabel('Role ARN or name').fill(SEED_ROLES.deployer);
    await page.getByLabel('Assume from').selectOption({ label: 'prod readonly' });
    await page.getByRole('button', { name: 'Add role' }).click();
    await role(page, 'deployer').click();
    await page.getByRole('heading', { name: 'deployer' }).waitFor();
    await page.getByText('Chained', { exact: false }).first().waitFor();
    assert.match(credentials(f), /\[deployer\]/);
  });

  /** Three roles: "prod readonly", "prod admin" beside it, and "deployer" chained from "prod readonly". */
  async function threeRoles(f: ServiceFixture) {
    const { alice, readonly } = await aliceAndReadonly(f);
    addRole(f, 'prod admin', SEED_ROLES.admin, { kind: 'identity', id: alice.id }, true);
    return addRole(f, 'deployer', SEED_ROLES.deployer, { kind: 'role', id: readonly.id });
  }

  it('filters as you type and moves with the keyboard', async () => {
    const { page } = await open('filter', threeRoles);
    const filter = page.getByLabel('Filter roles');
    await filter.focus();
    await filter.fill('admin');
    assert.equal(await page.locator('li.role:not([hidden])').count(), 1);
    await page.keyboard.press('ArrowDown');
    assert.equal(await role(page, 'prod admin').evaluate((el) => el === document.activeElement), true);
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

  it('deletes a role after asking, and its profile with it', async () => {
    const { page, f } = await open('delete', async (f) => switchTo(f, (await threeRoles(f)).id));
    assert.match(credentials(f), /\[deployer\]/, 'the role has a profile to lose');
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await checkScreen(page, 'manage');
    await page.getByRole('button', { name: 'Edit deployer' }).click();
    await page.getByRole('button', { name: 'Remove role…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove “deployer”?' });
    await confirm.getByRole('button', { name: 'Remove role' }).click();
    await page.getByRole('heading', { name: 'Identities and roles' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Edit deployer' }).count(), 0);
    assert.equal(f.core.roles.list().filter((r) => r.label === 'deployer').length, 0);
    assert.doesNotMatch(credentials(f), /\[deployer\]/);
    await page.keyboard.press('Escape');
    await role(page, 'prod readonly').waitFor();
  });

  it('settings save as they change; the theme applies at once', async () => {
    const { page, f } = await open('settings', aliceAndReadonly);
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
    const { page, f } = await open('import', async (f) => {
      // Two sessions Rolebar wrote (the preview leaves them be), then keys and a role profile of the user's own,
      // so the preview shows what a typical ~/.aws imports as, not mostly skipped rows.
      const { alice, readonly } = await aliceAndReadonly(f);
      await switchTo(f, readonly.id);
      await switchTo(
        f,
        addRole(f, 'prod admin', SEED_ROLES.admin, { kind: 'identity', id: alice.id }, true).id,
        true,
      );
      const { credentialsFile, configFile } = f.sandbox;
      writeFileSync(
        credentialsFile,
        `${readFileSync(credentialsFile, 'utf8')}\n[carol]\naws_access_key_id = ${SEED_KEYS.carol.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.carol.secretAccessKey}\n`,
      );
      writeFileSync(
        configFile,
        `${existsSync(configFile) ? readFileSync(configFile, 'utf8') : ''}\n[profile carol-audit]\nrole_arn = ${SEED_ROLES.auditor}\nsource_profile = carol\n`,
      );
    });
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Import ~/.aws' }).click();
    await page.getByText('New identity').first().waitFor();
    await checkScreen(page, 'import-preview', true);
    await page.getByLabel('Remove the imported plaintext keys from ~/.aws/credentials').check();
    await page.getByRole('button', { name: /^Import \d+ item/ }).click();
    await page.getByText(/^Imported 1 identity/).waitFor();
    assert.ok(!credentials(f).includes(SEED_KEYS.carol.secretAccessKey), 'plaintext key removed');
    assert.ok(f.core.identities.list().some((i) => i.name.includes('carol')));
  });
});
