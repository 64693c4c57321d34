/** Identities and roles: add, edit (removing is on the edit screen: danger.ts); import from ~/.aws. */
import { arnText, h } from '../dom.js';
import type { AppState } from '../../../electron/ipc/contract.js';
import type { Store } from '../store.js';
import { openPolicyDialog, policyRequestOf } from './iam-dialogs.js';
import { screenHeader, section } from './shell.js';
import { toast } from '../dom.js';

/** Draws the manage screen. */
export function renderManage(root: HTMLElement, store: Store): void {
  const state = store.state;
  if (!state) return;
  const back = () => store.go({ name: 'main' });
  const identities = h(
    'ul',
    { class: 'items' },
    ...state.identities.map((identity) =>
      item(
        identity.name,
        [identity.summary, identity.mfaSerial ? 'MFA' : ''].filter(Boolean).join(' · '),
        () => store.go({ name: 'identity', id: identity.id }),
      ),
    ),
  );
  const roles = h(
    'ul',
    { class: 'items' },
    // Catalog roles are read-only: the catalog owns them, so they get no Edit or Remove here.
    ...state.roles
      .filter((role) => role.catalog === undefined)
      .map((role) =>
        item(role.label, role.roleArn ?? role.roleName ?? '', () => store.go({ name: 'role', id: role.id }), [
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'aria-label': `Policies for ${role.label}`,
              onclick: () => {
                const request = policyRequestOf(role);
                if (request) openPolicyDialog(store, role.label, request);
                else toast(`“${role.label}” has only a role name: switch to it once, or give it its ARN.`);
              },
            },
            'Policies',
          ),
        ]),
      ),
  );
  const button = (label: string, onclick: () => void, cls = 'secondary') =>
    h('button', { type: 'button', class: cls, onclick }, label);
  root.replaceChildren(
    screenHeader('Identities and roles', null, back),
    section(
      'identities-title',
      'Identities',
      state.identities.length ? identities : h('p', { class: 'muted' }, 'No identity yet.'),
      h(
        'div',
        { class: 'actions start' },
        button('Add IAM user keys', () => store.go({ name: 'identity' }), 'primary'),
        button('Add IAM Identity Center', () => store.go({ name: 'sso' })),
        button('Import ~/.aws', () => store.go({ name: 'import' })),
      ),
    ),
    section(
      'roles-manage-title',
      'Roles',
      state.roles.some((r) => r.catalog === undefined) ? roles : h('p', { class: 'muted' }, 'No role yet.'),
      catalogNote(state),
      h(
        'div',
        { class: 'actions start' },
        state.identities.length
          ? button('Add a role', () => store.go({ name: 'role' }), 'primary')
          : h('p', { class: 'hint' }, 'Add an identity first: a role is assumed from one.'),
        state.identities.length ? button('Find roles', () => store.go({ name: 'discover' })) : null,
      ),
    ),
  );
}

function item(title: string, detail: string, edit: () => void, more: HTMLElement[] = []): HTMLElement {
  return h(
    'li',
    { class: more.length ? 'item item-wrap' : 'item' },
    h(
      'div',
      { class: 'item-text' },
      h('span', { class: 'item-title' }, title),
      h('span', { class: 'item-detail' }, arnText(detail)),
    ),
    h('button', { type: 'button', class: 'link', 'aria-label': `Edit ${title}`, onclick: edit }, 'Edit'),
    more.length ? h('div', { class: 'item-more' }, ...more) : null,
  );
}

/** How many roles come from team catalogs: read-only, so listed on the main screen, not here. */
function catalogNote(state: AppState): HTMLElement | null {
  const count = state.roles.filter((r) => r.catalog !== undefined).length;
  if (count === 0) return null;
  return h(
    'p',
    { class: 'muted small', id: 'catalog-roles-note' },
    `${count} more role${count === 1 ? '' : 's'} from team catalogs (read-only: the catalog owns them; `,
    h('code', {}, 'rolebar catalog'),
    ' manages them).',
  );
}
