/** Removing and revoking: on the edit screen of what they act on, never on a list row, each behind a confirmation. */
import type { IdentityView, RoleView } from '../../../electron/ipc/contract.js';
import { h, toast } from '../dom.js';
import type { Store } from '../store.js';
import { confirmDialog } from './dialogs.js';
import { openRevokeDialog } from './iam-dialogs.js';
import { section } from './shell.js';

const dangerButton = (label: string, onclick: () => void) =>
  h('button', { type: 'button', class: 'secondary danger-text', onclick }, label);

/** The role's own destructive actions: revoke its older sessions (everyone's), remove it. */
export function roleDangerSection(store: Store, role: RoleView): HTMLElement {
  return section(
    'role-danger-title',
    'Remove or revoke',
    h(
      'div',
      { class: 'actions start' },
      dangerButton('Revoke older sessions…', () => void openRevokeDialog(store, role)),
      dangerButton('Remove role…', () => {
        void (async () => {
          const ok = await confirmDialog(
            `Remove “${role.label}”?`,
            `Its session ends and the profile “${role.profileName}” is removed from ~/.aws/credentials.`,
            'Remove role',
          );
          if (!ok) return;
          const result = await store.api.removeRole({ id: role.id });
          toast(result.ok ? `Removed ${role.label}.` : `Not removed: ${result.error.message}`);
          if (result.ok) store.go({ name: 'manage' });
        })();
      }),
    ),
  );
}

/** The identity's own destructive action: remove it and its keychain entries. */
export function identityDangerSection(store: Store, identity: IdentityView): HTMLElement {
  const uses = (store.state?.roles ?? []).filter(
    (r) => r.source.kind === 'identity' && r.source.id === identity.id,
  ).length;
  return section(
    'identity-danger-title',
    'Remove',
    h(
      'div',
      { class: 'actions start' },
      dangerButton('Remove identity…', () => {
        void (async () => {
          const ok = await confirmDialog(
            `Remove “${identity.name}”?`,
            `Its keys are deleted from the keychain.${uses ? ` ${uses} role${uses === 1 ? '' : 's'} use it.` : ''}`,
            'Remove identity',
          );
          if (!ok) return;
          const result = await store.api.removeIdentity({ id: identity.id });
          toast(result.ok ? `Removed ${identity.name}.` : `Not removed: ${result.error.message}`);
          if (result.ok) store.go({ name: 'manage' });
        })();
      }),
    ),
  );
}
