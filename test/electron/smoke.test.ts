import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright';
import type { AppState } from '../../electron/ipc/contract.js';
import { electronFetchAdvice, installedElectron } from '../support/electron-binary.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const electron = installedElectron();
const skip = electron
  ? false
  : `no Electron binary here (npm install never fetches it; ${electronFetchAdvice()}). ` +
    'The main process still runs in every test run, under the recording Electron double: test/electron/main-process.test.ts';

interface PageApi {
  rolebar: {
    getState(): Promise<AppState>;
    switchRole(input: { roleId: string }): Promise<{ ok: boolean }>;
  };
}

describe('the app starts in Electron (Playwright _electron)', { skip }, () => {
  it('runs the demo: hardened page, the identity shown, a switch from the real tray menu', async () => {
    const sandbox = makeSandbox('electron');
    const app = await _electron.launch({
      executablePath: electron,
      args: [root, '--demo', ...(process.platform === 'linux' ? ['--no-sandbox', '--disable-gpu'] : [])],
      env: { ...sandbox.env, ROLEBAR_DEMO: '1' } as Record<string, string>,
    });
    try {
      const window = await app.firstWindow();
      await window.getByText(/Rolebar .* \(demo\)/).waitFor();
      // With contextIsolation, sandbox and no nodeIntegration, the page sees no Node and only our API.
      const page = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: Object.keys((globalThis as unknown as { rolebar: object }).rolebar),
      }));
      assert.equal(page.require, 'undefined');
      assert.equal(page.process, 'undefined');
      assert.ok(page.api.includes('switchRole') && !page.api.includes('invoke'), page.api.join());

      await window.getByText('alice (demo)').first().waitFor();
      const state = await window.evaluate(() => (globalThis as unknown as PageApi).rolebar.getState());
      const worker = state.roles.find((r) => r.label === 'dev worker');
      assert.ok(worker, 'the demo roles are seeded');
      // The tray as a user sees it: the real Menu the app builds (captured from Menu.buildFromTemplate, no hook
      // in the app), and a click on one of its real MenuItems, which runs the app's own click dispatch.
      await app.evaluate(({ Menu }) => {
        const build = Menu.buildFromTemplate.bind(Menu);
        Menu.buildFromTemplate = (template) => {
          const built = build(template);
          Reflect.set(globalThis, '__rolebarSmokeMenu', built);
          return built;
        };
      });
      // Through the real IPC path: preload, sender check, payload check, service.
      const switched = await window.evaluate(
        (roleId) => (globalThis as unknown as PageApi).rolebar.switchRole({ roleId }),
        worker.id,
      );
      assert.ok(switched.ok);

      // Reads the last built menu; with `click`, first clicks its item whose label starts so, as a user would.
      const trayMenu = (click: string | null): Promise<Array<{ label: string; checked: boolean }>> =>
        app.evaluate((_electron, prefix) => {
          const menu: unknown = Reflect.get(globalThis, '__rolebarSmokeMenu');
          const items: Electron.MenuItem[] =
            typeof menu === 'object' && menu !== null && 'items' in menu && Array.isArray(menu.items)
              ? menu.items
              : [];
          if (prefix !== null) items.find((i) => i.label.startsWith(prefix))?.click();
          return items.map((i) => ({ label: i.label, checked: i.type === 'checkbox' && i.checked }));
        }, click);
      // The tray rebuilds its menu on the next state change or minute; wait for a menu showing the switch.
      const checkedLabel = async (pattern: RegExp): Promise<string> => {
        for (let attempt = 0; attempt < 600; attempt++) {
          const label = (await trayMenu(null)).find((i) => i.checked)?.label ?? '';
          if (pattern.test(label)) return label;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error(`the tray menu never showed ${pattern}`);
      };
      await checkedLabel(/^dev worker — /);
      const before = await trayMenu('prod readonly');
      const clicked = before.find((i) => i.label.startsWith('prod readonly'))?.label;
      assert.equal(clicked, 'prod readonly', 'the menu lists the role, unchecked');
      await checkedLabel(/^prod readonly — /);
    } finally {
      await app.close();
      sandbox.cleanup();
    }
  });
});
