/** Access keys in the window: age and last use, Rotate through IAM, and the age warning with "Rotate now". */
import type { AppState, IdentityView } from '../../../electron/ipc/contract.js';
import { h, toast } from '../dom.js';
import { busy, showFormError, textField, validateAll } from '../forms.js';
import type { Store } from '../store.js';
import { checks } from '../validation.js';
import { section } from './shell.js';

/** Rotates through IAM; on "IAM wants MFA" without a code, sends the user to the identity's screen for one. */
async function rotate(store: Store, identityId: string, mfaCode?: string) {
  const result = await store.api.rotateIdentity({ id: identityId, ...(mfaCode ? { mfaCode } : {}) });
  if (result.ok) {
    toast(
      `Rotated: the new key ${result.value.newKeyId} works; the old key ${result.value.oldKeyId} was ${result.value.oldKey}.`,
    );
  }
  return result;
}

/** One warning per access key past the age threshold, each with "Rotate now". */
export function keyAgeWarnings(store: Store, state: AppState): HTMLElement[] {
  return (state.keyAgeWarnings ?? []).map((warning) => {
    const button = h(
      'button',
      { type: 'button', class: 'secondary', id: `rotate-now-${warning.identityId}` },
      'Rotate now',
    );
    button.addEventListener(
      'click',
      () =>
        void busy(button, async () => {
          const result = await rotate(store, warning.identityId);
          if (result.ok) return;
          if (result.error.code === 'mfa-required') store.go({ name: 'identity', id: warning.identityId });
          toast(`Not rotated: ${result.error.message}`);
        }),
    );
    return h(
      'div',
      { class: 'banner warning key-age-warning', role: 'alert' },
      h(
        'div',
        {},
        h('p', {}, `The access key of ${warning.name} is ${warning.ageDays} days old.`),
        h('p', { class: 'small' }, `Rotate ${warning.accessKeyId} to a new key through IAM.`),
      ),
      button,
    );
  });
}

/** The identity screen's key section: age and last use (loaded from IAM), and Rotate with an optional MFA code. */
export function keySection(store: Store, identity: IdentityView): HTMLElement {
  const info = h('p', { class: 'muted small', id: 'key-info' }, 'Asking IAM how old this key is…');
  void store.api.keyInfo({ id: identity.id }).then((result) => {
    info.textContent = result.ok
      ? (result.value?.summary ?? 'No access key.')
      : `Age unknown: ${result.error.message}`;
  });
  const mfa = textField({
    label: 'MFA code (if IAM asks for one)',
    name: 'rotate-mfa-code',
    check: (value: string) => (value === '' ? undefined : checks.mfaCode(value)),
    attrs: { inputmode: 'numeric', autocomplete: 'one-time-code' },
  });
  const errorSlot = h('div', { class: 'form-error' });
  const button = h('button', { type: 'submit', class: 'secondary', id: 'rotate-through-iam' }, 'Rotate');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    mfa.row,
    errorSlot,
    h('div', { class: 'actions' }, button),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!validateAll([mfa])) return;
    void busy(button, async () => {
      const result = await rotate(store, identity.id, mfa.value() || undefined);
      mfa.input.value = '';
      showFormError(errorSlot, result.ok ? undefined : result.error);
    });
  });
  return section(
    'key-title',
    'Access key',
    h('p', { class: 'small' }, `Key ${identity.accessKeyId ?? '—'}: `, info),
    h(
      'p',
      { class: 'muted small' },
      'Rotate creates a new key in IAM, stores it in the keychain, checks it, then deletes the old key.',
    ),
    form,
  );
}
