// The window and the session layer, in real Chromium over the real service and the STS emulator. Its countdown
// and "active" badge agree with the core when this computer's clock is 10 minutes off AWS's, either way (the
// emulator skewed, the page's clock moved by Playwright, the core's own isLive / sessionCountdown as the
// reference at the same instant); removing a role others chain from changes nothing and names them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { AppState, SessionView } from '../../electron/ipc/contract.js';
import { sessionCountdown } from '../../electron/core/domain/session-clock.js';
import { activeSessionOf, clockSessionOf, isLive } from '../../electron/core/domain/session-live.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

const MIN = 60_000;

/** What the window shows: the active card's role and clock, and the `short` row's badge and clock. */
interface Shown {
  card: string | null;
  badge: boolean;
  row: string | null;
}

describe('the window and the session layer', () => {
  let f: ServiceFixture;
  let session: RendererSession;
  let roleId = '';
  const errors: string[] = [];
  before(async () => {
    f = await startServiceFixture('browser-skew');
    const alice = await addAlice(f.core, { mfa: false });
    roleId = f.core.roles.add({
      label: 'short',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
      durationSeconds: 900,
    }).id;
    session = await openRenderer(f.service);
    session.page.on('pageerror', (error) => errors.push(error.message));
  });
  after(async () => {
    await session?.close();
    await f?.close();
  });

  /**
   * Switches to `short` with AWS's clock `skewMin` minutes off this computer's; returns the state and the local
   * time at which the session ends on AWS's clock (the checks straddle it and the naive local end).
   */
  async function switchSkewed(skewMin: number) {
    f.emu.setClockOffset(skewMin * MIN);
    try {
      const switched = await f.service['role:switch']({ roleId });
      assert.ok(switched.ok, JSON.stringify(switched));
      assert.ok(Math.abs(switched.value.session.clockOffsetMs - skewMin * MIN) < 5_000, 'skew measured');
    } finally {
      f.emu.setClockOffset(0);
    }
    const state = await f.service.state();
    const record = state.sessions.find((s) => s.roleId === roleId);
    assert.ok(record);
    return { state, record, endsLocal: Date.parse(record.expiration) - record.clockOffsetMs };
  }

  /** What the core says the window should show at `at` (other tests' sessions may be live and active too). */
  function expectedAt(state: AppState, at: number): Shown {
    const active = activeSessionOf(state.sessions, at);
    const label = state.roles.find((r) => r.id === active?.roleId)?.label ?? '';
    const record = state.sessions.find((s) => s.roleId === roleId);
    const clock = (s: SessionView) => sessionCountdown(clockSessionOf(s), at).credentials.text;
    return {
      card: active ? `${label} ${clock(active)}` : null,
      badge: active?.roleId === roleId,
      row: record && isLive(record, at) ? clock(record) : null,
    };
  }

  /** Sets the page's clock to `at`, hands it `state`, and reads what it drew. */
  async function showAt(state: AppState, at: number): Promise<Shown> {
    await session.page.clock.setFixedTime(at);
    await session.emit('state:changed', state);
    await session.page.getByRole('button', { name: /^Switch to short / }).waitFor();
    return session.page.evaluate(() => {
      const row = Array.from(document.querySelectorAll('li.role')).find((li) =>
        li.querySelector('.role-label')?.textContent?.startsWith('short'),
      );
      return {
        card: (() => {
          const card = document.querySelector('section.card.active');
          if (!card) return null;
          return `${card.querySelector('.card-title')?.textContent ?? ''} ${card.querySelector('[role=timer]')?.textContent ?? ''}`;
        })(),
        badge: Boolean(row?.querySelector('.badge-active')),
        row: row?.querySelector('.role-side [role=timer]')?.textContent ?? null,
      };
    });
  }

  it('a session that ends while the window shows it loses its clock and its badge at once', async () => {
    const { state, endsLocal } = await switchSkewed(10);
    const shown = await showAt(state, endsLocal - 1_500);
    assert.deepEqual(shown, expectedAt(state, endsLocal - 1_500));
    assert.equal(shown.row, '00:02');
    // The page's timers still run: the next tick reads a time past the end and redraws.
    await session.page.clock.setFixedTime(endsLocal + 1_000);
    const shortRow = session.page.locator('li.role', {
      has: session.page.getByText('short', { exact: true }),
    });
    await shortRow.locator('.badge-active').waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await shortRow.locator('.role-side [role=timer]').count(), 0);
    const titles = await session.page.locator('section.card.active .card-title').allTextContents();
    assert.ok(!titles.includes('short'), titles.join());
  });

  it('removing a role others chain from is refused in the window, naming them, and changes nothing', async () => {
    const alice = f.core.identities.list()[0];
    assert.ok(alice);
    const hub = f.core.roles.add({
      label: 'hub',
      roleArn: SEED_ROLES.readonly,
      source: { kind: 'identity', id: alice.id },
      mfa: false,
    });
    f.core.roles.add({
      label: 'spoke',
      roleArn: SEED_ROLES.deployer,
      source: { kind: 'role', id: hub.id },
      mfa: false,
    });
    assert.ok((await f.service['role:switch']({ roleId: hub.id })).ok);
    const files = () =>
      [f.sandbox.credentialsFile, f.settings.path].map((file) => readFileSync(file, 'utf8'));
    const before = files();
    const page = session.page;
    await page.clock.setFixedTime(Date.now());
    await session.emit('state:changed', await f.service.state());
    try {
      await page.getByRole('button', { name: 'Identities and roles' }).click();
      await page.getByRole('button', { name: 'Edit hub' }).click();
      await page.getByRole('button', { name: 'Remove role…' }).click();
      await page
        .getByRole('dialog', { name: 'Remove “hub”?' })
        .getByRole('button', { name: 'Remove role' })
        .click();
      await page.getByText('Not removed: Cannot remove "hub": "spoke" is assumed from it.').waitFor();
      assert.deepEqual(files(), before, 'the profile, the session and the roles are untouched');
      assert.ok(await f.core.credentialsOf(hub.id), 'the session still works');
    } finally {
      // Back to the main screen whatever happened (edit screen → list → main), so the other tests start where they expect.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
    }
  });

  for (const skewMin of [10, -10]) {
    it(`AWS's clock ${skewMin > 0 ? 'ahead of' : 'behind'} this computer's by 10 minutes`, async () => {
      const { state, record, endsLocal } = await switchSkewed(skewMin);
      const seen = new Set<boolean>();
      for (const at of [endsLocal - 14 * MIN, endsLocal - 5 * MIN, endsLocal - 30_000, endsLocal + 5 * MIN]) {
        seen.add(isLive(record, at));
        const expected = expectedAt(state, at);
        assert.deepEqual(await showAt(state, at), expected, `at ${(at - endsLocal) / MIN} min from the end`);
      }
      assert.deepEqual([...seen].sort(), [false, true], 'both a live and an ended session were shown');
      assert.deepEqual(errors, []);
    });
  }
});
