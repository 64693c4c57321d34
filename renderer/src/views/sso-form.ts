/** Add an IAM Identity Center identity: its portal and region. Signing in is the prompt the main screen shows next. */
import { h, toast } from '../dom.js';
import { busy, showFormError, textField, validateAll } from '../forms.js';
import type { Store } from '../store.js';
import { checks, required } from '../validation.js';
import { screenHeader } from './shell.js';

/** Draws the Identity Center form; once added, the main screen offers the browser or the code sign-in. */
export function renderSsoForm(root: HTMLElement, store: Store): void {
  const back = () => store.go({ name: store.state?.identities.length ? 'manage' : 'main' });
  const name = textField({
    label: 'Name',
    name: 'sso-name',
    check: checks.identityName,
    hint: 'Shown in the menu, e.g. “acme”.',
  });
  const startUrl = textField({
    label: 'AWS access portal URL',
    name: 'sso-start-url',
    check: checks.ssoStartUrl,
    hint: 'The start URL your team signs in at, e.g. https://acme.awsapps.com/start.',
    attrs: { inputmode: 'url' },
  });
  const ssoRegion = textField({
    label: 'Identity Center region',
    name: 'sso-region',
    check: required('the region of the Identity Center instance', checks.region),
    hint: 'Where Identity Center runs, e.g. eu-west-1 (the portal’s settings show it).',
  });
  const region = textField({
    label: 'Default region of its roles (optional)',
    name: 'sso-default-region',
    check: checks.region,
  });
  const fields = [name, startUrl, ssoRegion, region];
  const errorSlot = h('div', { class: 'form-error' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Add Identity Center');
  const form = h('form', { class: 'form', novalidate: true });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!validateAll(fields)) return;
    void busy(save, async () => {
      const result = await store.api.addIdentityCenter({
        name: name.value(),
        startUrl: startUrl.value(),
        ssoRegion: ssoRegion.value(),
        ...(region.value() ? { region: region.value() } : {}),
      });
      if (!result.ok) return showFormError(errorSlot, result.error);
      toast(`Added ${result.value.name}. Sign in to list its roles.`);
      await store.refresh();
      store.go({ name: 'main' });
    });
  });
  form.append(...fields.map((f) => f.row), errorSlot, h('div', { class: 'actions' }, save));
  root.replaceChildren(screenHeader('Add IAM Identity Center', null, back), form);
  name.input.focus();
}
