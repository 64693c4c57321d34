// The sign-in only ever opens (or shows) http(s) pages: the device flow's addresses come from the OIDC service's
// answer, so a hostile or broken answer must not make Rolebar open `file:` or `javascript:` addresses.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { SignInPrompt } from '../../../../electron/core/features/identity-center/index.js';
import { seedWorldWithIdentityCenter } from '../../../../electron/emulator/index.js';
import { addAcme, type CoreFixture, startCoreFixture } from '../../../support/core-fixture.js';

/** A StartDeviceAuthorization answer shaped as the service sends it, with the addresses a test chooses. */
function deviceAnswer(verificationUri: string, verificationUriComplete: string) {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      deviceCode: 'device-code',
      userCode: 'BCDF-GHJK',
      verificationUri,
      verificationUriComplete,
      expiresIn: 600,
      interval: 1,
    }),
  };
}

describe('Identity Center sign-in opens only web pages', () => {
  let fx: CoreFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  const hostile: Array<[string, string, string]> = [
    ['a file: page to open', 'https://device.sso.example/', 'file:///etc/passwd'],
    ['a javascript: page to open', 'https://device.sso.example/', 'javascript:alert(document.cookie)'],
    ['a custom scheme to show', 'ms-settings:', 'https://device.sso.example/?user_code=BCDF-GHJK'],
    ['an address without a host', 'https://device.sso.example/', 'https:///etc/passwd'],
  ];
  for (const [what, shown, opened] of hostile) {
    it(`refuses ${what}, opens and shows nothing, and keeps no token`, async () => {
      fx = await startCoreFixture('sso-pages', seedWorldWithIdentityCenter());
      const identity = await addAcme(fx.core);
      fx.emu.faults.answerWith(deviceAnswer(shown, opened), 1, { action: 'StartDeviceAuthorization' });
      const seen: string[] = [];
      const prompt: SignInPrompt = {
        openBrowser: (url) => void seen.push(`opened ${url}`),
        showDeviceCode: (code) => void seen.push(`shown ${code.verificationUri}`),
      };
      await assert.rejects(fx.core.identityCenter.signIn(identity.id, prompt, { useDeviceCode: true }), {
        code: 'sso-not-a-web-page',
        message: /not a web page; Rolebar did not open it/,
      });
      assert.deepEqual(seen, []);
      assert.deepEqual(await fx.secrets.list(), []);
      assert.equal(fx.emu.countRequests('CreateToken'), 0, 'no polling for a sign-in that was refused');
    });
  }
});
