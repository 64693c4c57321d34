/** Add or edit a role: ARN or name, source identity or role (a chain), and the AssumeRole options. */
import type { AppState, RoleView } from '../../../electron/ipc/contract.js';
import { h, toast } from '../dom.js';
import {
  busy,
  checkboxField,
  type Field,
  selectField,
  showFormError,
  textField,
  validateAll,
} from '../forms.js';
import type { Store } from '../store.js';
import { checks, MAX_ROLE_DURATION_SECONDS, MIN_DURATION_SECONDS } from '../validation.js';
import { credentialsFrom, credentialsValue } from './credentials.js';
import { configuredRoleArn, openPolicyDialog } from './iam-dialogs.js';
import { roleDangerSection } from './danger.js';
import { screenHeader } from './shell.js';

/** Draws the role form: new when `id` is absent, else edit. */
export function renderRoleForm(root: HTMLElement, store: Store, id?: string): void {
  const state = store.state;
  if (!state) return;
  const existing: RoleView | undefined = id ? state.roles.find((r) => r.id === id) : undefined;
  const back = () => store.go({ name: existing ? 'manage' : 'main' });
  const label = textField({
    label: 'Label',
    name: 'label',
    value: existing?.label,
    // Without a profile name of its own, the role's profile is made from its label: that must be usable.
    check: (value) => (profile.value() ? checks.label(value) : checks.labelGivingProfile(value)),
    hint: 'What the menu shows, e.g. “prod read-only”.',
  });
  const arn = textField({
    label: 'Role ARN or name',
    name: 'role',
    value: existing?.roleArn ?? existing?.roleName,
    check: checks.roleArnOrName,
    hint: 'arn:aws:iam::123456789012:role/Name, or a role name in the source account.',
  });
  const source = sourceField(state, existing, id);
  const mfa = checkboxField({
    label: 'Needs an MFA code',
    name: 'mfa',
    checked: existing?.mfa ?? false,
    hint: 'Rolebar asks for a code only when no MFA session is alive.',
  });
  const profile = textField({
    label: 'Profile (optional)',
    name: 'profile',
    value: existing?.profileName,
    check: checks.profileName,
    hint: 'The ~/.aws/credentials profile written on switch. Default: made from the label (“prod (ro)” gives prod-ro).',
  });
  const [externalId, duration, sessionName, region, details] = moreOptions(existing);
  const fields: Field[] = [label, arn, source, externalId, duration, sessionName, profile, region];
  const errorSlot = h('div', { class: 'form-error' });
  const save = h('button', { type: 'submit', class: 'primary' }, existing ? 'Save' : 'Add role');
  // The policy helper for what the form says now (the ARN, the source, MFA, the external ID), saved or not.
  const policies = h('button', { type: 'button', class: 'secondary' }, 'Policies…');
  policies.addEventListener('click', () => {
    if (!arn.validate() || !source.value()) return arn.input.focus();
    const target = arn.value();
    const roleArn = target.startsWith('arn:')
      ? target
      : existing && configuredRoleArn({ ...existing, roleArn: undefined, roleName: target });
    if (!roleArn) {
      return showFormError(errorSlot, {
        code: 'invalid-input',
        message: 'The policy helper needs the role’s account.',
        hint: 'Type the full ARN: arn:aws:iam::<account>:role/<name>.',
      });
    }
    showFormError(errorSlot, undefined);
    openPolicyDialog(store, label.value() || target, {
      roleArn,
      forSource: credentialsFrom(source.value()),
      mfa: mfa.input.checked,
      externalId: externalId.value() || undefined,
    });
  });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    label.row,
    arn.row,
    source.row,
    mfa.row,
    profile.row,
    details,
    errorSlot,
    h('div', { class: 'actions' }, policies, save),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!validateAll(fields)) {
      if (fields.some((f) => f.input.getAttribute('aria-invalid') && details.contains(f.input)))
        details.open = true;
      fields.find((f) => f.input.getAttribute('aria-invalid'))?.input.focus();
      return;
    }
    const [kind, sourceId] = source.value().split(/:(.*)/s) as ['identity' | 'role', string];
    const target = arn.value();
    const input = {
      label: label.value(),
      ...(target.startsWith('arn:') ? { roleArn: target } : { roleName: target }),
      source: { kind, id: sourceId },
      mfa: mfa.input.checked,
      ...(externalId.value() ? { externalId: externalId.value() } : {}),
      ...(duration.value() ? { durationSeconds: Number(duration.value()) } : {}),
      ...(sessionName.value() ? { sessionName: sessionName.value() } : {}),
      ...(profile.value() ? { profileName: profile.value() } : {}),
      ...(region.value() ? { region: region.value() } : {}),
    };
    void busy(save, async () => {
      const result = existing
        ? await store.api.updateRole({ id: existing.id, changes: input })
        : await store.api.addRole(input);
      if (!result.ok) return showFormError(errorSlot, result.error);
      toast(existing ? `Saved ${result.value.label}.` : `Added ${result.value.label}. Click it to switch.`);
      back();
    });
  });
  root.replaceChildren(
    screenHeader(existing ? `Edit ${existing.label}` : 'Add a role', null, back),
    form,
    existing && existing.catalog === undefined ? roleDangerSection(store, existing) : '',
  );
  label.input.focus();
}

/** "Assume from": an identity, or another role to chain from (never the role itself). */
function sourceField(state: AppState, existing: RoleView | undefined, id: string | undefined): Field {
  const choices = [
    ...state.identities.map((i) => ({ value: `identity:${i.id}`, label: i.name, group: 'Identities' })),
    ...state.roles
      .filter((r) => r.id !== id)
      .map((r) => ({ value: `role:${r.id}`, label: r.label, group: 'Roles (chain)' })),
  ];
  return selectField({
    label: 'Assume from',
    name: 'source',
    choices,
    value: existing ? credentialsValue(existing.source) : choices[0]?.value,
    hint: 'An identity, or another role to chain from (chained sessions last at most 1 hour).',
  });
}

/** The form's “More options”: the AssumeRole settings most roles leave alone, open when the role sets one. */
function moreOptions(existing: RoleView | undefined): [Field, Field, Field, Field, HTMLDetailsElement] {
  const externalId = textField({
    label: 'External ID (optional)',
    name: 'external-id',
    value: existing?.externalId,
    check: checks.externalId,
  });
  const duration = textField({
    label: 'Duration in seconds (optional)',
    name: 'duration',
    type: 'number',
    value: existing?.durationSeconds?.toString(),
    check: checks.duration,
    hint: `${MIN_DURATION_SECONDS}–${MAX_ROLE_DURATION_SECONDS} s (15 min to 12 h), up to the role's maximum. Default 1 h.`,
    attrs: { min: MIN_DURATION_SECONDS, max: MAX_ROLE_DURATION_SECONDS, step: 60, inputmode: 'numeric' },
  });
  const sessionName = textField({
    label: 'Session name (optional)',
    name: 'session-name',
    value: existing?.sessionName,
    check: checks.sessionName,
    hint: 'Shows in CloudTrail. Default: rolebar-<your user name>.',
  });
  const region = textField({
    label: 'Region (optional)',
    name: 'region',
    value: existing?.region,
    check: checks.region,
  });
  // Open when the role sets any of them.
  const details = h(
    'details',
    { class: 'more', open: [externalId, duration, sessionName, region].some((f) => f.value()) },
    h('summary', {}, 'More options'),
    externalId.row,
    duration.row,
    sessionName.row,
    region.row,
  );
  return [externalId, duration, sessionName, region, details];
}
