import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright';
import { installedElectron } from '../support/electron-binary.js';
import { makeSandbox } from '../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const electron = installedElectron();
const skip = electron
  ? false
  : 'no Electron binary here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); a plain `npm install` fetches it';

describe('the app starts in Electron (Playwright _electron)', { skip }, () => {
  it('opens its window with the hardened page and answers over IPC', async () => {
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
      assert.deepEqual(page, { require: 'undefined', process: 'undefined', api: ['getAppInfo'] });
    } finally {
      await app.close();
      sandbox.cleanup();
    }
  });
});
