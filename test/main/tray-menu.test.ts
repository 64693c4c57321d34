import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  groupRoles,
  MAX_TRAY_SUBMENU_ROLES,
  minutesLeftText,
  type TrayMenuItem,
  trayLabel,
  trayMenu,
} from '../../electron/service/tray-menu.js';
import { appState, MIN, role, session, T0 } from './state-fixture.js';

const labels = (items: TrayMenuItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));
const find = (items: TrayMenuItem[], label: string) =>
  items.find((i) => i.type !== 'separator' && i.label.startsWith(label));

describe('the tray menu, a pure function of state and time', () => {
  const state = appState({
    roles: [
      role('prod-ro', { label: 'prod readonly' }),
      role('dev', { label: 'dev worker', group: 'Account 111111111111' }),
      role('prod-admin', { label: 'prod admin', mfa: true }),
    ],
    sessions: [session('prod-ro', 42)],
    activeRoleId: 'prod-ro',
  });

  it('groups roles by account, checks the active one with its minutes left, and switches on click', () => {
    const menu = trayMenu(state, T0, { consoleAvailable: true });
    assert.deepEqual(labels(menu).slice(0, 6), [
      'Account 222222222222',
      'prod readonly — 42 min left',
      'prod admin (MFA)',
      'Account 111111111111',
      'dev worker',
      '---',
    ]);
    const active = find(menu, 'prod readonly');
    assert.ok(active?.type === 'checkbox');
    assert.equal(active.checked, true);
    assert.deepEqual(active.action, { kind: 'switch', roleId: 'prod-ro' });
    const other = find(menu, 'dev worker');
    assert.ok(other?.type === 'checkbox' && other.checked === false);
  });

  it('offers each snippet format, the unset snippet, the console, refresh, sign out, open and quit', () => {
    const menu = trayMenu(state, T0, { consoleAvailable: true });
    const copy = find(menu, 'Copy export snippet');
    assert.ok(copy?.type === 'submenu');
    assert.equal(copy.submenu.length, 6);
    assert.deepEqual((copy.submenu[0] as { action: unknown }).action, {
      kind: 'copy-snippet',
      roleId: 'prod-ro',
      format: 'bash',
    });
    const unset = find(menu, 'Copy unset snippet');
    assert.ok(unset?.type === 'submenu');
    assert.ok(!labels(unset.submenu).some((l) => /credential_process/.test(l)), 'json has no unset form');
    assert.deepEqual(labels(menu).slice(-11), [
      'Copy export snippet',
      'Copy unset snippet',
      'Open AWS console as prod readonly',
      'Refresh now',
      'Sign out',
      '---',
      'Open Rolebar',
      'Settings…',
      'About Rolebar',
      '---',
      'Quit Rolebar',
    ]);
    assert.deepEqual((find(menu, 'Quit') as { action: unknown }).action, { kind: 'quit' });
    assert.deepEqual((find(menu, 'Sign out') as { action: unknown }).action, {
      kind: 'sign-out',
      roleId: 'prod-ro',
    });
  });

  it('without an active session, the session items are disabled; without a URL builder, the console is', () => {
    const idle = trayMenu({ ...state, sessions: [], activeRoleId: undefined }, T0, {
      consoleAvailable: true,
    });
    for (const label of ['Copy export snippet', 'Open AWS console', 'Refresh now', 'Sign out']) {
      const entry = find(idle, label);
      assert.ok(entry && entry.type !== 'separator' && !entry.enabled, label);
    }
    const noConsole = find(trayMenu(state, T0, { consoleAvailable: false }), 'Open AWS console');
    assert.ok(noConsole?.type === 'normal' && !noConsole.enabled && noConsole.action === undefined);
    assert.deepEqual(
      labels(trayMenu(appState(), T0, { consoleAvailable: true }))[0],
      'No roles yet: add one in Rolebar',
    );
  });

  it('shows the demo MFA code first in demo mode', () => {
    const demo = appState({ app: { ...state.app, demo: true, demoMfaHint: '123456' } });
    assert.equal(labels(trayMenu(demo, T0, { consoleAvailable: true }))[0], 'Demo MFA code: 123456');
  });

  it('tooltip and title show the active role and its time left, and say when the minute next changes', () => {
    const label = trayLabel(state, T0 + 30_000);
    assert.equal(label.tooltip, 'Rolebar: prod readonly, 42 min left');
    assert.equal(label.title, 'prod readonly 42m');
    // 41.5 min left: the display reads 42 until 41 min are left, 30 s from now.
    assert.equal(label.nextUpdateAt, T0 + MIN);
    assert.equal(trayLabel(state, T0 + MIN).tooltip, 'Rolebar: prod readonly, 41 min left');
    assert.equal(trayLabel(state, T0 + 42 * MIN).nextUpdateAt, null);
    assert.deepEqual(trayLabel(appState(), T0), {
      tooltip: 'Rolebar: no active role',
      title: '',
      nextUpdateAt: null,
    });
  });

  it('counts on the server clock when the local clock is off', () => {
    const skewed = { ...state, sessions: [session('prod-ro', 42, { clockOffsetMs: 2 * MIN })] };
    assert.equal(trayLabel(skewed, T0).tooltip, 'Rolebar: prod readonly, 40 min left');
  });

  it('formats minutes the way a user reads them', () => {
    assert.equal(minutesLeftText(0), 'expired');
    assert.equal(minutesLeftText(1), '1 min left');
    assert.equal(minutesLeftText(59 * MIN), '59 min left');
    assert.equal(minutesLeftText(65 * MIN), '1 h 05 min left');
    assert.deepEqual(
      groupRoles([role('a'), role('b', { group: 'x' }), role('c')]).map((g) => [g.group, g.roles.length]),
      [
        ['Account 222222222222', 2],
        ['x', 1],
      ],
    );
  });
});

describe('the tray menu with a team catalog', () => {
  it('puts each catalog group in a submenu of at most MAX_TRAY_SUBMENU_ROLES roles, the rest one click away', () => {
    const group = 'Catalog acme · Account 222222222222';
    const many = Array.from({ length: MAX_TRAY_SUBMENU_ROLES + 7 }, (_, i) =>
      role(`catalog:acme:r${i}`, { label: `acme r${i}`, group, catalog: 'acme' }),
    );
    const state = appState({ roles: [role('mine', { label: 'my role' }), ...many], sessions: [] });
    const menu = trayMenu(state, T0, { consoleAvailable: false });
    assert.deepEqual(labels(menu).slice(0, 3), ['Account 222222222222', 'my role', 'Catalog acme']);
    const top = find(menu, 'Catalog acme');
    assert.ok(top?.type === 'submenu');
    const sub = find(top.submenu, 'Account 222222222222');
    assert.ok(sub?.type === 'submenu');
    assert.equal(sub.submenu.length, MAX_TRAY_SUBMENU_ROLES + 1);
    assert.equal(labels(sub.submenu).at(-1), '7 more: open Rolebar…');
    const first = sub.submenu[0];
    assert.ok(first?.type === 'checkbox');
    assert.deepEqual(first.action, { kind: 'switch', roleId: 'catalog:acme:r0' });
  });

  it('a catalog of many accounts is one top-level item whose groups are capped too', () => {
    const roles = Array.from({ length: 60 }, (_, i) =>
      role(`catalog:big:r${i}`, { label: `r${i}`, group: `Catalog big · Account ${i}`, catalog: 'big' }),
    );
    const menu = trayMenu(appState({ roles, sessions: [] }), T0, { consoleAvailable: false });
    assert.equal(menu.filter((m) => m.type === 'submenu' && m.label.startsWith('Catalog')).length, 1);
    const top = find(menu, 'Catalog big');
    assert.ok(top?.type === 'submenu');
    assert.equal(top.submenu.length, MAX_TRAY_SUBMENU_ROLES + 1);
    assert.equal(labels(top.submenu).at(-1), `${60 - MAX_TRAY_SUBMENU_ROLES} more groups: open Rolebar…`);
    const last = top.submenu.at(-1);
    assert.ok(last?.type === 'normal');
    assert.deepEqual(last.action, { kind: 'open-window' });
  });
});
