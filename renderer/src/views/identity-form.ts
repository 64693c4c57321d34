/** Add or edit an IAM user identity. The secret is typed once, sent once, and never shown or read back. */
import type { IdentityView } from '../../../electron/ipc/contract.js';
import { h, toast } from '../dom.js';
import { busy, showFormError, textField, validateAll } from '../forms.js';
import type { Store } from '../store.js';
import { checks } from '../validation.js';
import { identityDangerSection } from './danger.js';
import { keySection } from './keys.js';
import { screenHeader, section } from './shell.js';
import { awsCliCacheSection } from './sso-settings.js';

/** Draws the identity form: new when `id` is absent, else edit (name, MFA unless it signs in to Identity Center, region) and key rotation. */
export function renderIdentityForm(root: HTMLElement, store: Store, id?: string): void {
  const existing = id ? store.state?.identities.find((i) => i.id === id) : undefined;
  const back = () =>
    store.go({ name: existing ? 'manage' : store.state?.identities.length ? 'manage' : 'main' });
  const name = textField({
    label: 'Name',
    name: 'name',
    value: existing?.name,
    check: checks.identityName,
    hint: 'Shown in the menu, e.g. “alice@dev”.',
  });
  const mfaSerial = textField({
    label: 'MFA device (optional)',
    name: 'mfa-serial',
    value: existing?.mfaSerial,
    check: checks.mfaSerial,
    hint: 'The ARN of your MFA device, e.g. arn:aws:iam::123456789012:mfa/alice.',
  });
  const region = textField({
    label: 'Region (optional)',
    name: 'region',
    value: existing?.region,
    check: checks.region,
    hint: 'For example us-east-1.',
  });
  const keyFields = () => [
    textField({
      label: 'Access key ID',
      name: 'access-key-id',
      check: checks.accessKeyId,
      attrs: { autocapitalize: 'characters' },
    }),
    textField({
      label: 'Secret access key',
      name: 'secret-access-key',
      type: 'password',
      check: checks.secretAccessKey,
      hint: 'Stored in the system keychain. Rolebar never shows it again.',
      attrs: { autocomplete: 'new-password' },
    }),
  ];
  const errorSlot = h('div', { class: 'form-error' });
  const save = h('button', { type: 'submit', class: 'primary' }, existing ? 'Save' : 'Add identity');
  const form = h('form', { class: 'form', novalidate: true });
  form.addEventListener('submit', (event) => event.preventDefault());

  if (!existing) {
    const [keyId, secret] = keyFields() as [ReturnType<typeof textField>, ReturnType<typeof textField>];
    const fields = [name, keyId, secret, mfaSerial, region];
    form.append(...fields.map((f) => f.row), errorSlot, h('div', { class: 'actions' }, save));
    form.addEventListener('submit', () => {
      if (!validateAll(fields)) return;
      void busy(save, async () => {
        const result = await store.api.addIdentity({
          name: name.value(),
          accessKeyId: keyId.value(),
          secretAccessKey: (secret.input as HTMLInputElement).value,
          ...(mfaSerial.value() ? { mfaSerial: mfaSerial.value() } : {}),
          ...(region.value() ? { region: region.value() } : {}),
        });
        // The secret leaves the page: clear the field whatever the outcome.
        secret.input.value = '';
        if (!result.ok) return showFormError(errorSlot, result.error);
        toast(`Added ${result.value.name}.`);
        await store.refresh();
        store.go({ name: store.state?.roles.length ? 'main' : 'role' });
      });
    });
    root.replaceChildren(screenHeader('Add IAM user keys', null, back), form);
    name.input.focus();
    return;
  }

  // An Identity Center sign-in has no MFA device of Rolebar's to name: the portal asks for MFA itself.
  const { can } = existing;
  const fields = can.mfaDevice ? [name, mfaSerial, region] : [name, region];
  form.append(...fields.map((f) => f.row), errorSlot, h('div', { class: 'actions' }, save));
  form.addEventListener('submit', () => {
    if (!validateAll(fields)) return;
    void busy(save, async () => {
      const result = await store.api.updateIdentity({
        id: existing.id,
        name: name.value(),
        mfaSerial: can.mfaDevice ? mfaSerial.value() || null : null,
        region: region.value() || null,
      });
      if (!result.ok) return showFormError(errorSlot, result.error);
      toast(`Saved ${result.value.name}.`);
      store.go({ name: 'manage' });
    });
  });
  root.replaceChildren(
    screenHeader(`Edit ${existing.name}`, null, back),
    form,
    can.keys ? keySection(store, existing) : '',
    can.keys ? rotateSection(store, existing, keyFields()) : '',
    can.signIn ? awsCliCacheSection(store, existing) : '',
    identityDangerSection(store, existing),
  );
  name.input.focus();
}

function rotateSection(
  store: Store,
  identity: IdentityView,
  fields: Array<ReturnType<typeof textField>>,
): HTMLElement {
  const [keyId, secret] = fields as [ReturnType<typeof textField>, ReturnType<typeof textField>];
  const errorSlot = h('div', { class: 'form-error' });
  const rotate = h('button', { type: 'submit', class: 'secondary' }, 'Replace keys');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    keyId.row,
    secret.row,
    errorSlot,
    h('div', { class: 'actions' }, rotate),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!validateAll(fields)) return;
    void busy(rotate, async () => {
      const result = await store.api.rotateIdentityKeys({
        id: identity.id,
        accessKeyId: keyId.value(),
        secretAccessKey: (secret.input as HTMLInputElement).value,
      });
      secret.input.value = '';
      if (!result.ok) return showFormError(errorSlot, result.error);
      keyId.input.value = '';
      showFormError(errorSlot, undefined);
      toast('Keys replaced. The old secret was removed from the keychain.');
    });
  });
  return section(
    'rotate-title',
    'Use a key you made yourself',
    h(
      'p',
      { class: 'muted small' },
      `Current key: ${identity.accessKeyId ?? '—'}. Or create a new key in IAM yourself, enter it here, then deactivate the old one.`,
    ),
    form,
  );
}
