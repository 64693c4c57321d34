/** Import from ~/.aws: preview what would change, then apply, removing plaintext keys only when asked. */
import type { ImportItemView } from '../../../electron/ipc/contract.js';
import { arnText, h, toast } from '../dom.js';
import { busy, checkboxField, showFormError } from '../forms.js';
import type { Store } from '../store.js';
import { screenHeader, section } from './shell.js';

const ACTION_LABEL = { 'add-identity': 'New identity', 'add-role': 'New role', skip: 'Skipped' } as const;

/** Draws the import screen and asks for the preview. */
export function renderImport(root: HTMLElement, store: Store): void {
  const back = () => store.go({ name: store.state?.identities.length ? 'manage' : 'main' });
  const body = h(
    'div',
    { class: 'panel-body', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Reading ~/.aws/credentials and ~/.aws/config…'),
  );
  root.replaceChildren(
    screenHeader('Import from ~/.aws', null, back),
    section('import-title', 'What will change', body),
  );
  void store.api.previewImport().then((result) => {
    body.removeAttribute('aria-busy');
    if (!result.ok) return showFormError(body, result.error);
    body.replaceChildren(...preview(store, result.value));
  });
}

function preview(store: Store, items: ImportItemView[]): HTMLElement[] {
  const changes = items.filter((i) => i.action !== 'skip');
  // What will change first; what is skipped (mostly Rolebar's own profiles) after it.
  const ordered = [...changes, ...items.filter((i) => i.action === 'skip')];
  const list = h(
    'ul',
    { class: 'items import-list' },
    ...ordered.map((item) =>
      h(
        'li',
        { class: `item import-${item.action}` },
        h('span', { class: `badge action-${item.action}` }, ACTION_LABEL[item.action]),
        h(
          'div',
          { class: 'item-text' },
          h('span', { class: 'item-title' }, item.profile),
          h('span', { class: 'item-detail' }, arnText(item.detail)),
        ),
      ),
    ),
  );
  if (changes.length === 0) {
    return [
      items.length ? list : h('p', {}, 'No profile to import.'),
      h(
        'p',
        { class: 'muted' },
        'Nothing to import: every profile is already in Rolebar or cannot be imported.',
      ),
    ];
  }
  const remove = checkboxField({
    label: 'Remove the imported plaintext keys from ~/.aws/credentials',
    name: 'remove-plaintext',
    checked: false,
    hint: 'Only after they are safely in the keychain. Other profiles and comments are kept.',
  });
  const errorSlot = h('div', { class: 'form-error' });
  const apply = h(
    'button',
    { type: 'button', class: 'primary' },
    `Import ${changes.length} item${changes.length === 1 ? '' : 's'}`,
  );
  apply.addEventListener(
    'click',
    () =>
      void busy(apply, async () => {
        const result = await store.api.applyImport({ removePlaintextKeys: remove.input.checked });
        if (!result.ok) return showFormError(errorSlot, result.error);
        const { identities, roles, keysRemovedFrom } = result.value;
        toast(
          `Imported ${identities} identit${identities === 1 ? 'y' : 'ies'} and ${roles} role${roles === 1 ? '' : 's'}` +
            (keysRemovedFrom.length ? `; removed plaintext keys of ${keysRemovedFrom.join(', ')}.` : '.'),
        );
        store.go({ name: 'main' });
      }),
  );
  return [list, remove.row, errorSlot, h('div', { class: 'actions' }, apply)];
}
