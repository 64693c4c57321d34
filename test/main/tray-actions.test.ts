import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Result } from '../../electron/ipc/contract.js';
import { aboutText } from '../../electron/service/about.js';
import { type AppNotification, createTrayDispatcher } from '../../electron/service/tray-actions.js';
import { appState } from './state-fixture.js';

function setup(switchResult: Result<never>) {
  const calls: string[] = [];
  const shown: AppNotification[] = [];
  const dispatch = createTrayDispatcher({
    service: {
      'role:switch': async ({ roleId }) => (calls.push(`switch ${roleId}`), switchResult),
      'snippet:copy': async ({ format }) => (
        calls.push(`copy ${format}`),
        { ok: true, value: { clearsInSeconds: 60 } }
      ),
      'snippet:copy-unset': async ({ format }) => (
        calls.push(`unset ${format}`),
        { ok: true, value: { clearsInSeconds: 60 } }
      ),
      'session:sign-out': async ({ roleId }) => (calls.push(`sign-out ${roleId}`), { ok: true, value: null }),
      'sso:sign-in': async ({ id }) => (calls.push(`sso-sign-in ${id}`), { ok: true, value: { roles: 3 } }),
      'identity:rotate': async ({ id }) => (
        calls.push(`rotate ${id}`),
        {
          ok: true,
          value: { newKeyId: 'AKIATESTNEW000000000', oldKeyId: 'AKIATESTOLD000000000', oldKey: 'deleted' },
        }
      ),
      state: async () => appState(),
    },
    notifier: { notify: (n) => shown.push(n) },
    showWindow: () => calls.push('show'),
    openSettings: () => calls.push('settings'),
    showAbout: () => calls.push('about'),
    promptMfa: (roleId) => calls.push(`prompt ${roleId}`),
    openConsole: async () => ({
      ok: false,
      error: { code: 'console-offline', message: 'The AWS sign-in endpoint could not be reached.' },
    }),
    quit: () => calls.push('quit'),
  });
  return { dispatch, calls, shown };
}

describe('one dispatcher for tray clicks and notification buttons', () => {
  it('asks the window for an MFA code only when the switch needs one', async () => {
    const { dispatch, calls, shown } = setup({
      ok: false,
      error: { code: 'mfa-required', message: 'An MFA code is needed.' },
    });
    await dispatch({ kind: 'switch', roleId: 'admin' });
    assert.deepEqual(calls, ['switch admin', 'prompt admin']);
    assert.deepEqual(shown, []);
  });

  it('turns other failures into a notification with the reason and the hint', async () => {
    const { dispatch, shown } = setup({
      ok: false,
      error: { code: 'sts-access-denied', message: 'AWS refused.', hint: 'Check the trust policy.' },
    });
    await dispatch({ kind: 'refresh', roleId: 'ro' });
    assert.deepEqual(shown, [
      { title: 'Could not refresh the session', body: 'AWS refused. Check the trust policy.', actions: [] },
    ]);
    await dispatch({ kind: 'open-console', roleId: 'ro' });
    assert.equal(shown.at(-1)?.title, 'Could not open the AWS console');
  });

  it('routes the other actions to the service and the shell', async () => {
    const { dispatch, calls, shown } = setup({ ok: true, value: undefined as never });
    await dispatch({ kind: 'copy-snippet', roleId: 'ro', format: 'fish' });
    await dispatch({ kind: 'copy-unset', format: 'bash' });
    await dispatch({ kind: 'sign-out', roleId: 'ro' });
    await dispatch({ kind: 'sso-sign-in', identityId: 'acme' });
    await dispatch({ kind: 'open-window' });
    await dispatch({ kind: 'open-settings' });
    await dispatch({ kind: 'about' });
    await dispatch({ kind: 'quit' });
    assert.deepEqual(calls, [
      'copy fish',
      'unset bash',
      'sign-out ro',
      'sso-sign-in acme',
      'show',
      'settings',
      'about',
      'quit',
    ]);
    assert.deepEqual(shown, []);
  });

  it('says in the About box the version and where the settings, the secrets and the messages are', () => {
    const about = aboutText(
      { name: 'Rolebar', version: '1.2.3', platform: 'linux', demo: false, keychain: 'the OS keychain' },
      '/home/u/.config/Rolebar',
    );
    assert.equal(about.title, 'About Rolebar');
    assert.equal(about.message, 'Rolebar 1.2.3');
    assert.match(about.detail, /^Settings: \/home\/u\/\.config\/Rolebar$/m);
    assert.match(about.detail, /^Secrets: the OS keychain$/m);
    assert.match(about.detail, /^Logs: .*standard error/m);
  });
});
