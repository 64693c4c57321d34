// The device-code sign-in of an Identity Center identity, for machines whose browser cannot be used: the window
// shows the code and the page to type it on, and copies the code through the main process.
import type { IdentityView } from '../../../electron/ipc/contract.js';
import { h, toast } from '../dom.js';
import type { Store } from '../store.js';

/** Signs in to an Identity Center identity (in the browser, or with a code) and says how it went. */
export function signIn(store: Store, identity: IdentityView, deviceCode?: boolean): void {
  void store.api
    .signInIdentityCenter(deviceCode ? { id: identity.id, deviceCode } : { id: identity.id })
    .then((result) => {
      toast(
        result.ok
          ? `Signed in to ${identity.name}: ${result.value.roles} roles.`
          : `Not signed in: ${result.error.message}`,
      );
    });
}

/** "Sign in with a code", or the code to confirm (with a Copy button) while that sign-in waits. */
export function deviceCodePart(store: Store, identity: IdentityView): HTMLElement {
  const code = identity.deviceCode;
  if (!code) {
    const start = h(
      'button',
      { type: 'button', class: 'link', id: `sso-code-sign-in-${identity.id}` },
      'Sign in with a code',
    );
    start.addEventListener('click', () => signIn(store, identity, true));
    return start;
  }
  const copy = h(
    'button',
    { type: 'button', class: 'secondary', id: `sso-code-copy-${identity.id}`, 'aria-label': 'Copy the code' },
    'Copy',
  );
  copy.addEventListener('click', () => {
    void store.api.copySignInCode({ id: identity.id }).then((result) => {
      toast(result.ok ? 'Code copied.' : `Not copied: ${result.error.message}`);
    });
  });
  return h(
    'div',
    { class: 'sso-code' },
    h('p', { class: 'small' }, 'Open this page on any device with a browser and enter the code:'),
    h('p', { class: 'small' }, h('code', { class: 'sso-code-url' }, code.verificationUri)),
    h(
      'p',
      {},
      h('code', { class: 'sso-code-value', id: `sso-code-${identity.id}` }, code.userCode),
      ' ',
      copy,
    ),
  );
}
