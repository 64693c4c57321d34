// The Electron glue (electron/main/) as `npm start` runs it — the built out/main/main.js — under Node, with
// `electron` replaced by the recording double (test/support/electron-double/). Demo mode, against the bundled
// STS emulator; time moves through the double's clock, never by waiting.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { AppState, SessionView, StateUpdate } from '../../electron/ipc/contract.js';
import { requestArgs } from '../../electron/ipc/contract.js';
import { DEMO_SSO_NAME } from '../../electron/core/features/demo/index.js';
import { type DoubleApp, launchApp, withApp } from '../support/electron-double/harness.js';
import type { MenuItemData, Snapshot } from '../support/electron-double/protocol.js';

const MIN = 60_000;

/** A `state:changed` payload: the state, or all of it but the roles (ipc/state-update.ts). */
function isStateUpdate(value: unknown): value is StateUpdate {
  return (
    typeof value === 'object' &&
    value !== null &&
    (('roles' in value && Array.isArray(value.roles)) ||
      ('rolesUnchanged' in value && value.rolesUnchanged === true)) &&
    'sessions' in value &&
    Array.isArray(value.sessions)
  );
}

function isAppState(value: unknown): value is AppState {
  return (
    typeof value === 'object' &&
    value !== null &&
    'roles' in value &&
    Array.isArray(value.roles) &&
    'sessions' in value &&
    Array.isArray(value.sessions)
  );
}

/** The state as the page sees it: through IPC from our window. */
async function state(app: DoubleApp): Promise<AppState> {
  const value = await app.invoke('state:get', []);
  assert.ok(isAppState(value), 'state:get answers an AppState');
  return value;
}

async function roleId(app: DoubleApp, label: string): Promise<string> {
  const role = (await state(app)).roles.find((r) => r.label === label);
  assert.ok(role, `the demo seeds "${label}"`);
  return role.id;
}

async function sessionOf(app: DoubleApp, id: string): Promise<SessionView | undefined> {
  return (await state(app)).sessions.find((s) => s.roleId === id);
}

function ok(result: unknown): void {
  assert.ok(typeof result === 'object' && result !== null && 'ok' in result, 'a Result');
  assert.equal(result.ok, true, JSON.stringify(result));
}

/** The demo's MFA code now (the app shows it in demo mode); waits for a new one when `not` was just used. */
async function mfaCode(app: DoubleApp, not?: string): Promise<string> {
  for (let attempt = 0; attempt < 1200; attempt++) {
    const hint = (await state(app)).app.demoMfaHint;
    if (hint && hint !== not) return hint;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the demo never showed a fresh MFA code');
}

/**
 * Quits from the tray; the servers still listening when the process ended. Electron ends the process right
 * after 'quit': a server still listening then was never closed by the app. (Connections may still be mid-close
 * at that instant; only servers are the app's to stop.)
 */
async function quitFromTray(app: DoubleApp): Promise<string[]> {
  await app.clickTrayItem('Quit Rolebar');
  const { code, report } = await app.waitForExit();
  assert.equal(code, 0, app.output());
  assert.ok(report, 'quit through app.quit');
  return report.resources.filter((r) => r === 'TCPServerWrap');
}

const tray = (s: Snapshot) => s.trays.find((t) => !t.destroyed);
const window = (s: Snapshot) => s.windows.find((w) => !w.destroyed);
const flat = (items: MenuItemData[]): MenuItemData[] => items.flatMap((i) => [i, ...flat(i.submenu ?? [])]);
const checked = (s: Snapshot) => flat(tray(s)?.menu ?? []).filter((i) => i.type === 'checkbox' && i.checked);

describe('the Electron main process under the recording double (built bundle, demo mode)', () => {
  it('starts: a tray with the demo roles, a hardened window on our page, every IPC channel handled', async () => {
    await withApp({}, async (app) => {
      const s = await app.until('the tray lists the demo roles', (snap) =>
        (tray(snap)?.menu ?? []).some((i) => i.label === 'dev worker'),
      );
      const labels = flat(tray(s)?.menu ?? []).map((i) => i.label);
      for (const label of [
        'dev worker',
        'prod admin (MFA)',
        'prod readonly',
        'prod deployer',
        'Quit Rolebar',
      ]) {
        assert.ok(labels.includes(label), `"${label}" in the tray menu: ${labels.join(' | ')}`);
      }
      assert.equal(tray(s)?.tooltip, 'Rolebar (demo): no active role');
      assert.ok(s.calls.includes('Tray.setContextMenu'), 'Linux: the menu is attached to the icon');

      const main = window(s);
      assert.ok(main, 'a window');
      assert.match(main.url, /\/out\/renderer\/index\.html$/);
      assert.equal(main.newWindows, 'deny', 'new windows are denied');
      assert.deepEqual(main.webPreferences, {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        preload: true,
      });
      assert.equal(s.permissionsGranted, false, 'no permission is granted to any page');
      assert.deepEqual(s.handlers, Object.keys(requestArgs).sort(), 'every contract channel, nothing else');
      await app.until('the window is shown once it is ready', (snap) => (window(snap)?.shows ?? 0) >= 1);
      await app.until('the page got the state', (snap) =>
        (window(snap)?.sent ?? []).some((e) => e.channel === 'state:changed'),
      );

      const shown = window(await app.snapshot())?.shows ?? 0;
      await app.trayEvent('click');
      const after = await app.snapshot();
      assert.equal(window(after)?.shows, shown + 1, 'a click on the icon shows the window');
      assert.equal(window(after)?.visible, true);

      // "Settings…" opens the window on its Settings screen; "About Rolebar" shows the About box.
      await app.clickTrayItem('Settings…');
      await app.until('the window is asked for its Settings screen', (snap) =>
        (window(snap)?.sent ?? []).some((e) => e.channel === 'ui:open-settings'),
      );
      await app.clickTrayItem('About Rolebar');
      await app.until('the About box is shown', (snap) =>
        snap.calls.includes('dialog.showMessageBox About Rolebar'),
      );
    });
  });

  it('switches role from a tray click: the item is checked and the tooltip counts down', async () => {
    await withApp({}, async (app) => {
      await app.clickTrayItem('dev worker');
      const s = await app.until('dev worker is the active role in the tray', (snap) =>
        /^Rolebar \(demo\): dev worker, (1 h 00|59) min left$/.test(tray(snap)?.tooltip ?? ''),
      );
      assert.deepEqual(
        checked(s).map((i) => i.label.split(' — ')[0]),
        ['dev worker'],
        'one checked role, the one clicked',
      );
      const session = await sessionOf(app, await roleId(app, 'dev worker'));
      assert.ok(session, 'the switch went through the service to the emulator');
    });
  });

  it('fires an alert at its threshold; its "Renew" button renews the session (macOS, where buttons show)', async () => {
    await withApp({ platform: 'darwin' }, async (app) => {
      const admin = await roleId(app, 'prod admin');
      // Two hours is past the 1-hour cap of MFA-session roles: the code is used directly, so no silent refresh.
      ok(await app.invoke('role:update', [{ id: admin, changes: { durationSeconds: 7200 } }]));
      const used = await mfaCode(app);
      ok(await app.invoke('role:switch', [{ roleId: admin, mfaCode: used }]));
      const first = await sessionOf(app, admin);
      assert.ok(first);
      const expiresAt = Date.parse(first.expiration);

      // Up to 20 s before the 15-minute alert: nothing yet.
      await app.advanceClock(expiresAt - 15 * MIN - 20_000 - Date.now());
      assert.deepEqual((await app.snapshot()).notifications, []);
      // Past it, awake: the scheduler's own timer fires the alert.
      await app.advanceClock(30_000);
      const s = await app.until('the 15-minute alert', (snap) => snap.notifications.length > 0);
      assert.equal(s.notifications.length, 1);
      const [alert] = s.notifications;
      assert.match(alert?.title ?? '', /^prod admin: 1[45] min left$/);
      assert.deepEqual(alert?.actions, ['Renew', 'Copy snippet', 'Open']);
      assert.equal(alert?.shown, true);

      await app.pressNotificationButton(0, 'Renew');
      // The role needs a code: Renew opens the window on the MFA prompt, and the page answers with the code.
      await app.until('the window asks for the MFA code', (snap) =>
        (window(snap)?.sent ?? []).some((e) => e.channel === 'ui:prompt-mfa'),
      );
      const prompt = (window(await app.snapshot())?.sent ?? []).find((e) => e.channel === 'ui:prompt-mfa');
      assert.deepEqual(prompt?.payload, { roleId: admin });
      ok(await app.invoke('role:switch', [{ roleId: admin, mfaCode: await mfaCode(app, used) }]));
      const renewed = await sessionOf(app, admin);
      assert.ok(renewed && Date.parse(renewed.expiration) > expiresAt + 90 * MIN, 'a new two-hour session');
      await app.until('the tooltip shows the renewed session', (snap) =>
        /^Rolebar \(demo\): prod admin, (2 h 00|1 h 59) min left$/.test(tray(snap)?.tooltip ?? ''),
      );
      // On macOS the menu is not attached (a left click opens the window): a right click pops it up.
      assert.deepEqual(tray(await app.snapshot())?.menu, []);
      await app.trayEvent('right-click');
      assert.match(checked(await app.snapshot())[0]?.label ?? '', /^prod admin — (2 h 00|1 h 59) min left$/);
    });
  });

  it('refuses IPC from a foreign sender, from a frame inside our window, and with a bad payload', async () => {
    await withApp({}, async (app) => {
      const worker = await roleId(app, 'dev worker');
      await assert.rejects(app.invoke('role:switch', [{ roleId: worker }], 'foreign'), /untrusted sender/);
      await assert.rejects(app.invoke('role:switch', [{ roleId: worker }], 'subframe'), /untrusted sender/);
      await assert.rejects(app.invoke('role:switch', [{ roleId: 42 }]), /roleId/);
      await assert.rejects(app.invoke('role:switch', [{ roleId: worker, extra: 'x' }]), /extra|unknown/i);
      assert.deepEqual((await state(app)).sessions, [], 'nothing was switched');
      assert.equal(tray(await app.snapshot())?.tooltip, 'Rolebar (demo): no active role');
    });
  });

  it('reschedules on resume: after a sleep past two thresholds, only the most urgent alert fires', async () => {
    await withApp({ platform: 'darwin' }, async (app) => {
      const admin = await roleId(app, 'prod admin');
      ok(await app.invoke('role:update', [{ id: admin, changes: { durationSeconds: 7200 } }]));
      ok(await app.invoke('role:switch', [{ roleId: admin, mfaCode: await mfaCode(app) }]));
      const session = await sessionOf(app, admin);
      assert.ok(session);
      // Asleep: no timer runs (not even the demo's MFA code ticker), so only the app's 'resume' handler can act;
      // work still in flight when it went to sleep (the first session check) fires nothing before then.
      // (2.5 min left: shown as "3 min".)
      await app.power('suspend');
      await app.advanceClock(Date.parse(session.expiration) - 2.5 * MIN - Date.now(), { asleep: true });
      assert.deepEqual((await app.snapshot()).notifications, [], 'no timer ran during the sleep');
      await app.power('resume');
      const s = await app.until('the alert after resume', (snap) => snap.notifications.length > 0);
      assert.deepEqual(
        s.notifications.map((n) => n.title),
        ['prod admin: 3 min left'],
        'one alert, the 5-minute one, with the time really left',
      );
      await app.until('the tray counts from the new time', (snap) =>
        (tray(snap)?.title ?? '').startsWith('prod admin'),
      );
    });
  });

  it('focuses the first instance when a second one starts, and the second quits', async () => {
    await withApp({}, async (first) => {
      const before = window(await first.until('shown', (snap) => (window(snap)?.shows ?? 0) >= 1));
      const second = await launchApp({ sandbox: first.sandbox, waitUntilReady: false });
      try {
        const { code, report } = await second.waitForExit();
        assert.equal(code, 0, second.output());
        assert.ok(report, 'the second instance quit through app.quit');
        const after = await first.until('the first window shown and focused again', (snap) => {
          const w = window(snap);
          return w !== undefined && w.shows > (before?.shows ?? 0) && w.focuses > (before?.focuses ?? 0);
        });
        assert.equal(window(after)?.visible, true);
      } finally {
        await second.dispose();
      }
    });
  });

  it('serves the active role on a local endpoint when asked: the token only on the clipboard, closed at quit', async () => {
    await withApp({}, async (app) => {
      const worker = await roleId(app, 'dev worker');
      ok(await app.invoke('preferences:set', [{ serveEndpoint: true }]));
      assert.equal((await state(app)).endpoint, undefined, 'no active role: nothing served');
      await app.clickTrayItem('dev worker');
      await app.until('the window got the endpoint lines', (snap) =>
        (window(snap)?.sent ?? []).some(
          (e) =>
            e.channel === 'state:changed' &&
            isStateUpdate(e.payload) &&
            e.payload.endpoint?.roleId === worker,
        ),
      );
      // The roles did not change: the window was sent the rest without them (main.ts, ipc/state-update.ts).
      const updates = (window(await app.snapshot())?.sent ?? []).filter((e) => e.channel === 'state:changed');
      assert.ok(isAppState(updates[0]?.payload), 'the first update carries the roles');
      assert.ok(
        updates.some((e) => isStateUpdate(e.payload) && 'rolesUnchanged' in e.payload),
        'later ones leave the unchanged roles out',
      );
      const shown = (await state(app)).endpoint;
      assert.match(shown?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/role-credentials$/);
      assert.match(shown?.maskedLines[1] ?? '', /^export AWS_CONTAINER_AUTHORIZATION_TOKEN=•+$/);
      await assert.rejects(app.invoke('endpoint:copy', [], 'foreign'), /untrusted sender/);
      ok(await app.invoke('endpoint:copy', []));
      const used = await app.useCopiedEndpoint();
      assert.equal(used.status, 200, 'the copied lines work');
      assert.match(used.accessKeyId ?? '', /^ASIA/);
      assert.deepEqual(used.tokenSeenIn, [], 'the token is in no window event, argv, recorded call or log');
      assert.equal(await app.invoke('network:online', []), null, "the page's online event is heard");

      assert.deepEqual(await quitFromTray(app), [], 'the endpoint was closed with the emulator');
    });
  });

  it('quits cleanly: the emulator and its endpoints are closed and the demo folder is gone', async () => {
    await withApp({}, async (app) => {
      await app.clickTrayItem('dev worker');
      const s = await app.until(
        'a switch (so the SDK has spoken to the emulator)',
        (snap) => checked(snap).length === 1,
      );
      const {
        ROLEBAR_HOME: home,
        AWS_ENDPOINT_URL_STS: sts,
        ROLEBAR_FEDERATION_ENDPOINT: federation,
      } = s.env;
      assert.ok(home && sts && federation, JSON.stringify(s.env));
      assert.ok(existsSync(home));
      // The app's electron-store writes the very file the CLI reads and locks, not a config.json of its own.
      assert.ok(existsSync(path.join(home, 'settings.json')), `settings.json in ${home}`);
      assert.equal(existsSync(path.join(home, 'config.json')), false, 'no second settings file');

      // The demo's AWS home is its own, as in `rolebar demo` shells: AWS CLI cache sharing points into the demo's
      // folder, never the user's ~/.aws (HOME is the sandbox here).
      const sso = (await state(app)).identities.find((i) => i.name === DEMO_SSO_NAME);
      assert.ok(sso, 'the demo has an Identity Center identity');
      const shared = await app.invoke('sso:set-cli-cache', [{ id: sso.id, on: true }]);
      ok(shared);
      const file = (shared as { value: { file: string } }).value.file;
      assert.ok(file.startsWith(path.dirname(home) + path.sep), `${file} is in the demo's folder`);
      assert.equal(existsSync(path.join(app.sandbox.dir, '.aws')), false, 'nothing under $HOME/.aws');

      assert.deepEqual(
        await quitFromTray(app),
        [],
        `no server left listening (the emulator served ${sts} and ${federation})`,
      );
      assert.equal(
        existsSync(path.dirname(home)),
        false,
        `the demo folder is removed; the app printed: ${app.output()}`,
      );
    });
  });
});
