import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright';
import type { AppState } from '../../electron/ipc/contract.js';
import type { TrayMenuItem } from '../../electron/service/tray-menu.js';
import { electronFetchAdvice, installedElectron } from '../support/electron-binary.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const electron = installedElectron();
const skip = electron
  ? false
  : `no Electron binary here (npm install never fetches it); ${electronFetchAdvice()}`;

interface PageApi {
  rolebar: {
    getState(): Promise<AppState>;
    switchRole(input: { roleId: string }): Promise<{ ok: boolean }>;
  };
}

describe('the app starts in Electron (Playwright _electron)', { skip }, () => {
  it('runs the demo: hardened page, the identity shown, a switch the tray menu reflects', async () => {
    const sandbox = makeSandbox('electron');
    const app = await _electron.launch({
      executablePath: electron,
      args: [root, '--demo', ...(process.platform === 'linux' ? ['--no-sandbox', '--disable-gpu'] : [])],
      env: { ...sandbox.env, ROLEBAR_DEMO: '1', ROLEBAR_E2E: '1' } as Record<string, string>,
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
      // Through the real IPC path: preload, sender check, payload check, service.
      const switched = await window.evaluate(
        (roleId) => (globalThis as unknown as PageApi).rolebar.switchRole({ roleId }),
        worker.id,
      );
      assert.ok(switched.ok);

      const menu = (await app.evaluate(() =>
        (globalThis as unknown as { __rolebarTrayTemplate(): unknown }).__rolebarTrayTemplate(),
      )) as TrayMenuItem[];
      const checked = menu.flatMap((i) => (i.type === 'checkbox' && i.checked ? [i.label] : []));
      assert.equal(checked.length, 1);
      assert.match(checked[0] as string, /^dev worker — /);
      const label = (await app.evaluate(() =>
        (globalThis as unknown as { __rolebarTrayLabel(): unknown }).__rolebarTrayLabel(),
      )) as { tooltip: string };
      assert.match(label.tooltip, /^Rolebar \(demo\): dev worker, /);
    } finally {
      await app.close();
      sandbox.cleanup();
    }
  });
});
