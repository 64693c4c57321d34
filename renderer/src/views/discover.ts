/** Find roles: list an account's roles with some credentials, see which ones you can assume, add them. */
import type {
  CredentialsFromView,
  DiscoveredRoleView,
  DiscoveryView,
} from '../../../electron/ipc/contract.js';
import { arnText, errorBlock, h, toast } from '../dom.js';
import { busy } from '../forms.js';
import type { Store } from '../store.js';
import { credentialsField, credentialsFrom } from './credentials.js';
import { openPolicyDialog } from './iam-dialogs.js';
import { screenHeader, section } from './shell.js';

const VERDICT = {
  likely: { label: 'likely', cls: 'badge verdict-likely' },
  'if-allowed': { label: 'if allowed', cls: 'badge verdict-if-allowed' },
  no: { label: 'no', cls: 'badge verdict-no' },
} as const;

const SAME = 'same';

/** Draws the Find roles screen: the two credential pickers, then what discovery found. */
export function renderDiscover(root: HTMLElement, store: Store): void {
  const state = store.state;
  if (!state) return;
  const back = () => store.go({ name: state.roles.length ? 'manage' : 'main' });
  const using = credentialsField(state, {
    label: 'List roles with',
    name: 'list-with',
    hint: 'IAM lists the roles of these credentials’ account; they need iam:ListRoles there.',
  });
  const assumeAs = credentialsField(state, {
    label: 'On behalf of',
    name: 'assume-as',
    first: { value: SAME, label: 'The same' },
    hint: 'Who would assume the roles (e.g. your user, when listing with a role in another account).',
  });
  const results = h('div', { class: 'discover-results', 'aria-live': 'polite' });
  const find = h('button', { type: 'submit', class: 'primary' }, 'Find roles');
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    using.row,
    assumeAs.row,
    h('div', { class: 'actions start' }, find),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const listWith = credentialsFrom(using.value());
    const as = assumeAs.value() === SAME ? undefined : credentialsFrom(assumeAs.value());
    results.setAttribute('aria-busy', 'true');
    void busy(find, async () => {
      const result = await store.api.discoverRoles({ using: listWith, ...(as ? { assumeAs: as } : {}) });
      results.removeAttribute('aria-busy');
      if (result.ok) results.replaceChildren(found(store, result.value, as ?? listWith));
      else results.replaceChildren(notListed(store, result.error));
    });
  });
  root.replaceChildren(screenHeader('Find roles', null, back), form, results);
  using.input.focus();
}

function notListed(store: Store, error: { message: string; hint?: string | undefined }): HTMLElement {
  return h(
    'div',
    { class: 'panel' },
    errorBlock(error),
    h(
      'div',
      { class: 'actions start' },
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => store.go({ name: 'role' }) },
        'Type an ARN or a role name',
      ),
    ),
  );
}

function found(store: Store, view: DiscoveryView, assumer: CredentialsFromView): HTMLElement {
  const assumable = view.roles.filter((r) => r.canAssume !== 'no').length;
  return section(
    'discovered-title',
    `Account ${view.accountId}`,
    h(
      'p',
      { class: 'hint discover-summary' },
      `${view.roles.length} role${view.roles.length === 1 ? '' : 's'}, ${assumable} you can probably assume as `,
      h('code', {}, arnText(view.principalArn)),
      '.',
    ),
    view.roles.length
      ? h('ul', { class: 'items' }, ...view.roles.map((role) => discoveredRow(store, role, assumer)))
      : h('p', { class: 'muted' }, 'This account has no role.'),
  );
}

function discoveredRow(store: Store, role: DiscoveredRoleView, assumer: CredentialsFromView): HTMLElement {
  const verdict = VERDICT[role.canAssume];
  const needs = [
    role.mfa ? 'MFA' : '',
    role.externalId ? 'external ID' : '',
    role.needsIdentityPolicy ? 'your sts:AssumeRole permission' : '',
    ...role.otherConditions,
  ].filter(Boolean);
  const policies = h(
    'button',
    {
      type: 'button',
      class: 'link',
      'aria-label': `Policies for ${role.roleName}`,
      onclick: () =>
        void openPolicyDialog(store, role.roleName, {
          roleArn: role.arn,
          forSource: assumer,
          mfa: role.mfa,
          externalId: role.externalId,
        }),
    },
    'Policies',
  );
  return h(
    'li',
    { class: 'item discovered', 'data-role-name': role.roleName },
    h(
      'div',
      { class: 'item-text' },
      h(
        'span',
        { class: 'item-title' },
        role.roleName,
        ' ',
        h('span', { class: verdict.cls }, verdict.label),
      ),
      h('span', { class: 'item-detail' }, role.reason),
      needs.length ? h('span', { class: 'item-detail' }, `Needs: ${needs.join(', ')}`) : null,
    ),
    h('div', { class: 'item-actions' }, policies, addControl(store, role)),
  );
}

function addControl(store: Store, role: DiscoveredRoleView): HTMLElement | null {
  if (role.existingRoleId) return h('span', { class: 'badge badge-active' }, 'added');
  const draft = role.draft;
  if (!draft) return null;
  const add = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-label': `Add ${role.roleName}` },
    'Add',
  );
  add.addEventListener(
    'click',
    () =>
      void busy(add, async () => {
        const result = await store.api.addRole(draft);
        if (!result.ok) {
          add.closest('li')?.append(errorBlock(result.error));
          return;
        }
        toast(`Added ${result.value.label}. Switch to it from the main screen.`);
        const row = add.closest('li');
        add.replaceWith(h('span', { class: 'badge badge-active' }, 'added'));
        row?.querySelector('button')?.focus();
      }),
  );
  return add;
}
