// The window's countdown and "active" badge agree with the core when this computer's clock is 10 minutes off
// AWS's, either way: real Chromium, the real service over the STS emulator (skewed), the page's clock moved by
// Playwright, and the core's own isLive / sessionCountdown as the reference at the same instant.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppState } from '../../electron/ipc/contract.js';
import { sessionCountdown } from '../../electron/core/session-clock.js';
import { activeSessionOf, clockSessionOf, isLive } from '../../electron/core/session-live.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openRenderer, type RendererSession } from '../support/browser.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

const MIN = 60_000;

/** What the window shows for the role: the active card's clock, the row's badge and clock. */
interface Shown {
  card: string | null;
  badge: boolean;
  row: string | null;
}

describe('the window agrees with the core on a skewed clock', () => {
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
        card: document.querySelector('section.card.active [role=timer]')?.textContent ?? null,
        badge: Boolean(row?.querySelector('.badge-active')),
        row: row?.querySelector('.role-side [role=timer]')?.textContent ?? null,
      };
    });
  }

  it('a session that ends while the window shows it loses its clock and its badge at once', async () => {
    f.emu.setClockOffset(10 * MIN);
    try {
      assert.ok((await f.service['role:switch']({ roleId })).ok);
    } finally {
      f.emu.setClockOffset(0);
    }
    const state = await f.service.state();
    const record = state.sessions.find((s) => s.roleId === roleId);
    assert.ok(record);
    const endsLocal = Date.parse(record.expiration) - record.clockOffsetMs;
    assert.deepEqual(await showAt(state, endsLocal - 1_500), { card: '00:02', badge: true, row: '00:02' });
    // The page's timers still run: the next tick reads a time past the end and redraws.
    await session.page.clock.setFixedTime(endsLocal + 1_000);
    await session.page.waitForFunction(() => !document.querySelector('.badge-active'), undefined, {
      timeout: 10_000,
    });
    assert.equal(await session.page.locator('li.role .role-side [role=timer]').count(), 0);
    assert.equal(await session.page.locator('section.card.active').count(), 0);
  });

  for (const skewMin of [10, -10]) {
    it(`AWS's clock ${skewMin > 0 ? 'ahead of' : 'behind'} this computer's by 10 minutes`, async () => {
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
      // Local time at which the session ends on AWS's clock; the checks straddle it and the naive local end.
      const endsLocal = Date.parse(record.expiration) - record.clockOffsetMs;
      const seen = new Set<boolean>();
      for (const at of [endsLocal - 14 * MIN, endsLocal - 5 * MIN, endsLocal - 30_000, endsLocal + 5 * MIN]) {
        const live = isLive(record, at);
        seen.add(live);
        const text = sessionCountdown(clockSessionOf(record), at).credentials.text;
        const expected: Shown = {
          card: activeSessionOf(state.sessions, at)?.roleId === roleId ? text : null,
          badge: activeSessionOf(state.sessions, at)?.roleId === roleId,
          row: live ? text : null,
        };
        assert.deepEqual(await showAt(state, at), expected, `at ${(at - endsLocal) / MIN} min from the end`);
      }
      assert.deepEqual([...seen].sort(), [false, true], 'both a live and an ended session were shown');
      assert.deepEqual(errors, []);
    });
  }
});
