// Finding roles and setting them up, in Chromium over the REAL service and the emulator's IAM and STS:
// discover → add → switch, the policy helper, revoking older sessions (denied, then done), and a user without
// IAM rights. Axe checks and screenshots of each new screen in light and dark.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { REVOKE_POLICY_NAME } from '../../electron/core/features/iam/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice, addCarol } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { checkScreen, recordingHandlers } from './helpers.js';

const ALICE_ARN = 'arn:aws:iam::111111111111:user/alice';

describe('finding and setting up roles in the window, over the real service', () => {
  let f: ServiceFixture;
  let session: RendererSession | undefined;
  let page: Page;
  const received: string[] = [];
  const errors: string[] = [];
  const role = (name: string) => page.getByRole('button', { name: new RegExp(`^Switch to ${name} `) });
  const inlinePolicies = () => f.emu.world.roleByArn(SEED_ROLES.readonly)?.inlinePolicies;

  /** Opens Find roles from the manage screen, lists with `using` (on behalf of `as`) and waits for the answer. */
  async function discover(using: string, as = 'The same'): Promise<void> {
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Find roles' }).click();
    await page.getByLabel('List roles with').selectOption({ label: using });
    await page.getByLabel('On behalf of').selectOption({ label: as });
    await page.getByRole('button', { name: 'Find roles' }).click();
    await page.locator('.discover-results:not([aria-busy]) > *').waitFor();
  }

  before(async () => {
    f = await startServiceFixture('browser-iam');
    const alice = await addAlice(f.core);
    await addCarol(f.core);
    f.core.roles.add({
      label: 'prod readonly',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    });
    session = await openRenderer(
      recordingHandlers(f, () => session, received),
      {
        viewport: { width: 420, height: 640 },
      },
    );
    page = session.page;
    page.setDefaultTimeout(5_000);
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
    await role('prod readonly').waitFor();
  });
  after(async () => {
    if (process.env.ROLEBAR_DEBUG) console.log(await page.evaluate(() => document.body.innerText));
    await session?.close();
    await f.close();
  });

  it('alice lists her own account: verdicts and needs, assumable first; Add then switch', async () => {
    await discover('alice@dev');
    await page.getByRole('heading', { name: 'Account 111111111111' }).waitFor();
    const rows = page.locator('li.discovered');
    assert.deepEqual(await rows.evaluateAll((li) => li.map((e) => (e as HTMLElement).dataset.roleName)), [
      'ec2-worker',
      'dev-deploy',
    ]);
    assert.match((await rows.nth(0).textContent()) ?? '', /ec2-worker\s*likely/);
    assert.match(
      (await rows.nth(1).textContent()) ?? '',
      /if allowed.*Needs: your sts:AssumeRole permission/s,
    );
    await checkScreen(page, 'discover-roles');

    await page.getByRole('button', { name: 'Add ec2-worker' }).click();
    await rows.nth(0).getByText('added').waitFor();
    const added = f.core.roles.list().find((r) => r.roleArn?.endsWith(':role/ec2-worker'));
    assert.ok(added, 'the draft was added as it is');
    await page.keyboard.press('Escape');
    await role(added.label).click();
    await page.locator('.row-ok').waitFor();
    assert.equal(
      f.core.sessions.get(added.id)?.principalArn,
      'arn:aws:sts::111111111111:assumed-role/ec2-worker/rolebar-alice',
    );
  });

  it('prod readonly lists prod on behalf of alice: MFA, external ID, already added', async () => {
    await role('prod readonly').click();
    await page.locator('.row-ok').waitFor();
    await discover('prod readonly', 'alice@dev');
    await page.getByRole('heading', { name: 'Account 222222222222' }).waitFor();
    const row = (name: string) => page.locator(`li.discovered[data-role-name="${name}"]`);
    await row('readonly').getByText('added').waitFor();
    assert.match((await row('admin').textContent()) ?? '', /Needs: MFA/);
    assert.match((await row('partner').textContent()) ?? '', /Needs: external ID/);
    assert.match((await row('deployer').textContent()) ?? '', /deployer\s*no/);
    assert.equal(await row('deployer').getByRole('button', { name: /^Add/ }).count(), 0);
    await page.getByRole('button', { name: 'Add admin' }).click();
    await row('admin').getByText('added').waitFor();
  });

  it('the policy helper shows both documents, copyable, with who applies which', async () => {
    await page.getByRole('button', { name: 'Policies for deployer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Policies for deployer' });
    await dialog.getByRole('heading', { name: 'Permission policy' }).waitFor();
    const [trust, permission] = await dialog.locator('pre.policy-json').allTextContents();
    assert.deepEqual(JSON.parse(trust ?? '').Statement[0].Principal, { AWS: ALICE_ARN });
    assert.equal(JSON.parse(permission ?? '').Statement[0].Resource, SEED_ROLES.deployer);
    await dialog.getByText(/both are needed/).waitFor();
    await checkScreen(page, 'policy-helper');

    // Chromium here may or may not grant the Clipboard API; Electron denies it, so the fallback selects.
    await dialog.getByRole('button', { name: 'Copy the trust policy' }).click();
    await dialog.getByText(/^(Copied\.|Selected: press Ctrl\+C to copy\.)$/).waitFor();
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));
    });
    await dialog.getByRole('button', { name: 'Copy the permission policy' }).click();
    await dialog.getByText('Selected: press Ctrl+C to copy.').last().waitFor();
    assert.equal((await page.evaluate(() => window.getSelection()?.toString()))?.trim(), permission?.trim());
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('revoke: the preview verbatim, denied without the right, done with prod admin', async () => {
    // Prod admin needs MFA: a fresh 30 s window gives a code not used before.
    f.emu.setClockOffset(30_000);
    await page.keyboard.press('Escape');
    await role('admin').click();
    await page.getByRole('textbox', { name: 'Code' }).fill(f.emu.totp(SEED_MFA.alice.serial));
    await page.getByRole('button', { name: 'Switch', exact: true }).click();
    await page.locator('.row-ok').waitFor();

    await page.getByRole('button', { name: 'Identities and roles' }).click();
    await page.getByRole('button', { name: 'Edit prod readonly' }).click();
    await page.getByRole('button', { name: 'Revoke older sessions…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke older sessions of prod readonly?' });
    await dialog.getByText(/^Revoke every session of the role readonly \(account 222222222222\)/).waitFor();
    const using = dialog.getByLabel('Revoke with');
    assert.equal(
      await using.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.text),
      'admin',
      'a live session of the role’s account is picked first',
    );
    await checkScreen(page, 'revoke-sessions');

    await using.selectOption({ label: 'carol' });
    await dialog.getByRole('button', { name: 'Revoke older sessions' }).click();
    await dialog.getByText(/can only be revoked with credentials of its account 222222222222/).waitFor();
    await using.selectOption({ label: 'prod readonly' });
    await dialog.getByRole('button', { name: 'Revoke older sessions' }).click();
    await dialog.getByText(/\(iam:PutRolePolicy\); nothing was changed\.$/).waitFor();
    assert.equal(inlinePolicies()?.size, 0);

    await using.selectOption({ label: 'admin' });
    await dialog.getByRole('button', { name: 'Revoke older sessions' }).click();
    await dialog.getByText(/^Revoked\. Sessions issued before .+ are denied\.$/).waitFor();
    assert.ok(inlinePolicies()?.has(REVOKE_POLICY_NAME));
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.keyboard.press('Escape'); // the role's edit screen → the list, where the next test starts
  });

  it('the revoked readonly session is forgotten, not used; switching again gives one that works', async () => {
    await discover('prod readonly');
    await page.getByText(/has no active session/).waitFor();
    await page.keyboard.press('Escape');
    await role('prod readonly').click();
    await page.locator('.row-ok').waitFor();
    await discover('prod readonly');
    await page.getByRole('heading', { name: 'Account 222222222222' }).waitFor();
  });

  it('carol, without IAM rights, is told why and where to go instead', async () => {
    await discover('carol');
    await page.getByText('You may not list roles in account 111111111111 (iam:ListRoles).').waitFor();
    await page.getByText('Type the role ARN or name instead.').waitFor();
    await checkScreen(page, 'discover-denied');
    await page.getByRole('button', { name: 'Type an ARN or a role name' }).click();
    await page.getByRole('heading', { name: 'Add a role' }).waitFor();
    assert.deepEqual(errors, []);
    assert.doesNotMatch(received.join('\n'), /FAKE\//);
  });
});
