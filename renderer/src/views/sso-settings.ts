// An Identity Center identity's settings in the window: whether Rolebar also writes the AWS CLI token cache.
import type { CliCacheView, IdentityView } from '../../../electron/ipc/contract.js';
import { h } from '../dom.js';
import { checkboxField, showFormError } from '../forms.js';
import type { Store } from '../store.js';
import { section } from './shell.js';

/** What became of the cache file, in a line under the switch. */
function outcome({ cache, file }: CliCacheView): string {
  switch (cache) {
    case 'written':
      return `On: written to ${file}.`;
    case 'at-sign-in':
      return `On: ${file} is written when you next sign in.`;
    case 'removed':
      return `Off: ${file} was removed.`;
    case 'absent':
      return 'Off: there was no cache file to remove.';
    case 'not-rolebar':
      return `Off: ${file} was left, because the AWS CLI wrote it for its own sign-in.`;
  }
}

/** The AWS CLI token cache switch of an Identity Center identity (off by default: the file is plaintext). */
export function awsCliCacheSection(store: Store, identity: IdentityView): HTMLElement {
  const cache = checkboxField({
    label: 'Write the AWS CLI token cache',
    name: 'aws-cli-cache',
    checked: identity.awsCliCache === true,
    hint:
      'Copies this sign-in’s token to ~/.aws/sso/cache (a plaintext file), so sso_session profiles work in the ' +
      'AWS CLI and the SDKs without aws sso login. Turning it off removes the file Rolebar wrote.',
  });
  const errorSlot = h('div', { class: 'form-error' });
  const status = h('p', {
    class: 'muted small saved',
    role: 'status',
    id: `aws-cli-cache-status-${identity.id}`,
  });
  cache.input.addEventListener('change', () => {
    const on = cache.input.checked;
    cache.input.disabled = true;
    void store.api
      .setAwsCliCache({ id: identity.id, on })
      .then((result) => {
        showFormError(errorSlot, result.ok ? undefined : result.error);
        status.textContent = result.ok ? outcome(result.value) : '';
        // A refused change leaves the setting as it was: so does the switch.
        if (!result.ok) cache.input.checked = !on;
      })
      .finally(() => {
        cache.input.disabled = false;
      });
  });
  return section('aws-cli-cache-title', 'AWS CLI', cache.row, status, errorSlot);
}
