/** IAM dialogs: the policy helper (both documents, who applies which) and revoking a role's older sessions. */
import type {
  CredentialsFromView,
  PolicyPlacementView,
  RolePoliciesView,
  RoleView,
} from '../../../electron/ipc/contract.js';
import { errorBlock, h, uid } from '../dom.js';
import { busy } from '../forms.js';
import type { Store } from '../store.js';
import { credentialsField, credentialsFrom, credentialsValue, liveRoles } from './credentials.js';
import { modal } from './dialogs.js';

/** What the policy helper needs: the role, who would assume it, and the conditions its trust policy should set. */
export interface PolicyRequest {
  roleArn: string;
  forSource: CredentialsFromView;
  mfa?: boolean | undefined;
  externalId?: string | undefined;
}

const DOCUMENT_TITLE = { trust: 'Trust policy', permission: 'Permission policy' } as const;

/** A configured role's ARN: its own, else its name in its known account (undefined when neither is known). */
export function configuredRoleArn(role: RoleView): string | undefined {
  if (role.roleArn) return role.roleArn;
  if (role.roleName && role.accountId) return `arn:aws:iam::${role.accountId}:role/${role.roleName}`;
  return undefined;
}

/** The policy request for a configured role, assumed from its own source. */
export function policyRequestOf(role: RoleView): PolicyRequest | undefined {
  const roleArn = configuredRoleArn(role);
  if (!roleArn) return undefined;
  return {
    roleArn,
    forSource: credentialsFrom(credentialsValue(role.source)),
    mfa: role.mfa,
    externalId: role.externalId,
  };
}

/** Opens the policy helper: asks the main process for both documents and shows them, each with a Copy button. */
export function openPolicyDialog(store: Store, title: string, request: PolicyRequest): HTMLDialogElement {
  const titleId = uid('policy-title');
  const body = h(
    'div',
    { class: 'policy-body', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Writing the policies…'),
  );
  const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const dialog = modal(
    titleId,
    h('h2', { id: titleId }, `Policies for ${title}`),
    body,
    h('div', { class: 'actions' }, close),
  );
  dialog.classList.add('wide-dialog');
  close.addEventListener('click', () => dialog.close());
  close.focus();
  const { roleArn, forSource, mfa, externalId } = request;
  void store.api
    .rolePolicies({
      roleArn,
      forSource,
      ...(mfa ? { mfa } : {}),
      ...(externalId ? { externalId } : {}),
    })
    .then((result) => {
      body.removeAttribute('aria-busy');
      if (!result.ok) body.replaceChildren(errorBlock(result.error));
      else body.replaceChildren(...policyDocuments(store, result.value));
    })
    .catch((error: unknown) => {
      body.removeAttribute('aria-busy');
      body.replaceChildren(
        errorBlock({ message: `Not sent: ${error instanceof Error ? error.message : String(error)}` }),
      );
    });
  return dialog;
}

function policyDocuments(store: Store, view: RolePoliciesView): HTMLElement[] {
  const explanation = h(
    'div',
    { class: 'policy-explanation' },
    h('h3', {}, 'Who applies which'),
    ...view.explanation
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => h('p', {}, line)),
  );
  const placement = (document: PolicyPlacementView['document']) =>
    view.placements.find((p) => p.document === document);
  return [
    policyDocument(store, 'trust', view.trustPolicy, placement('trust')),
    policyDocument(store, 'permission', view.permissionPolicy, placement('permission')),
    explanation,
  ];
}

function policyDocument(
  store: Store,
  document: PolicyPlacementView['document'],
  text: string,
  placement: PolicyPlacementView | undefined,
): HTMLElement {
  const headingId = uid(`${document}-policy`);
  const pre = h(
    'pre',
    { class: 'policy-json', tabindex: 0, role: 'region', 'aria-labelledby': headingId },
    text,
  );
  const status = h('p', { class: 'hint copy-status', role: 'status' });
  const copy = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'aria-label': `Copy the ${DOCUMENT_TITLE[document].toLowerCase()}`,
    },
    'Copy',
  );
  copy.addEventListener('click', () => void copyDocument(store, text, pre, status));
  return h(
    'div',
    { class: 'policy-doc' },
    h('div', { class: 'policy-head' }, h('h3', { id: headingId }, DOCUMENT_TITLE[document]), copy),
    placement && !placement.required
      ? h('p', { class: 'hint' }, 'Optional here: the other document already grants access.')
      : null,
    pre,
    status,
  );
}

/**
 * Copies a policy document (not a secret, so the page may). Electron denies the clipboard permission to the
 * page, so when the Clipboard API refuses, the text is selected for the user to copy with the keyboard.
 */
async function copyDocument(
  store: Store,
  text: string,
  pre: HTMLElement,
  status: HTMLElement,
): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied.';
  } catch {
    pre.focus();
    const selection = window.getSelection();
    selection?.selectAllChildren(pre);
    const keys = store.state?.app.platform === 'darwin' ? '⌘C' : 'Ctrl+C';
    status.textContent = `Selected: press ${keys} to copy.`;
  }
}

/**
 * Asks before revoking a role's older sessions: shows the main process's preview text word for word, lets the
 * user pick the credentials that will put the deny policy, and revokes only on the explicit danger button.
 */
export function openRevokeDialog(store: Store, role: RoleView): HTMLDialogElement | undefined {
  const state = store.state;
  if (!state) return undefined;
  const titleId = uid('revoke-title');
  const preview = h(
    'div',
    { class: 'revoke-preview', 'aria-busy': 'true' },
    h('p', { class: 'muted' }, 'Preparing…'),
  );
  const using = credentialsField(state, {
    label: 'Revoke with',
    name: 'revoke-using',
    hint: 'An identity or a live role session allowed iam:PutRolePolicy in the role’s account.',
    value: defaultRevoker(store, role),
  });
  const outcome = h('div', { class: 'revoke-outcome' });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger', disabled: true }, 'Revoke older sessions');
  const dialog = modal(
    titleId,
    h('h2', { id: titleId }, `Revoke older sessions of ${role.label}?`),
    preview,
    using.row,
    outcome,
    h('div', { class: 'actions' }, cancel, confirm),
  );
  dialog.classList.add('revoke-dialog');
  cancel.addEventListener('click', () => dialog.close());
  cancel.focus();
  void store.api.previewRevoke({ roleId: role.id }).then((result) => {
    preview.removeAttribute('aria-busy');
    if (!result.ok) return preview.replaceChildren(errorBlock(result.error));
    preview.replaceChildren(h('p', { class: 'preview-text' }, result.value.text));
    confirm.disabled = false;
  });
  confirm.addEventListener('click', () => {
    outcome.replaceChildren();
    void busy(confirm, async () => {
      const result = await store.api.revokeOlderSessions({
        roleId: role.id,
        using: credentialsFrom(using.value()),
        confirm: true,
      });
      if (!result.ok) return outcome.replaceChildren(errorBlock(result.error));
      const when = new Date(result.value.revokedBefore).toLocaleString();
      outcome.replaceChildren(
        h(
          'div',
          { class: 'row-ok', role: 'status' },
          h('p', {}, `Revoked. Sessions issued before ${when} are denied.`),
          h('p', {}, 'Switch to the role again for a fresh session that works.'),
        ),
      );
      confirm.hidden = true;
      cancel.textContent = 'Close';
      cancel.focus();
    });
  });
  return dialog;
}

/** A live role session in the same account as the role (not the role itself), else the role's own source. */
function defaultRevoker(store: Store, role: RoleView): string {
  const state = store.state;
  const sameAccount = state
    ? liveRoles(state).filter((r) => r.id !== role.id && r.accountId && r.accountId === role.accountId)
    : [];
  const pick = sameAccount[0];
  return pick ? credentialsValue({ kind: 'role', id: pick.id }) : credentialsValue(role.source);
}
