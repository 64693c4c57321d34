/** Modal dialogs (native <dialog>: focus is trapped, Esc closes): the MFA code prompt and confirmations. */
import { errorBlock, h, uid } from '../dom.js';
import type { UiError } from '../store.js';
import { checks } from '../validation.js';

/** Opens a modal dialog labelled by `labelledBy`; it removes itself once closed. */
export function modal(labelledBy: string, ...content: HTMLElement[]): HTMLDialogElement {
  const dialog = h('dialog', { 'aria-labelledby': labelledBy }, ...content);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * Asks for a 6-digit MFA code and calls `submit` with it; a returned error is shown in the dialog, which stays
 * open for another code. Pasted codes ("123 456", "123456\n") are cleaned and submitted at once.
 */
export function openMfaDialog(
  roleLabel: string,
  submit: (code: string) => Promise<UiError | undefined>,
  demoCode?: string,
) {
  const titleId = uid('mfa-title');
  const inputId = uid('mfa-code');
  const input = h('input', {
    id: inputId,
    name: 'mfa-code',
    class: 'code-input',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{6}',
    maxlength: 7,
    required: true,
    autofocus: true,
    'aria-describedby': `${inputId}-hint ${inputId}-error`,
  });
  const errorSlot = h('div', { id: `${inputId}-error` });
  const confirm = h('button', { type: 'submit', class: 'primary' }, 'Switch');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog', class: 'mfa-form' },
    h('h2', { id: titleId }, 'MFA code'),
    h('p', { class: 'muted' }, `“${roleLabel}” needs a code from your MFA device.`),
    h('label', { for: inputId }, 'Code'),
    input,
    h(
      'p',
      { class: 'hint', id: `${inputId}-hint` },
      demoCode
        ? `6 digits. The demo's device is not real: its code now is ${demoCode} (\`rolebar demo code\` prints it too).`
        : '6 digits. Paste or type it.',
    ),
    errorSlot,
    h('div', { class: 'actions' }, cancel, confirm),
  );
  const dialog = modal(titleId, form);
  dialog.classList.add('mfa-dialog');
  input.focus();
  cancel.addEventListener('click', () => dialog.close());

  const send = async () => {
    const code = input.value.replace(/\D+/g, '');
    const problem = checks.mfaCode(code);
    if (problem) {
      show({ code: 'invalid-input', message: problem });
      return;
    }
    confirm.disabled = true;
    confirm.classList.add('busy');
    confirm.setAttribute('aria-busy', 'true');
    const error = await submit(code);
    confirm.disabled = false;
    confirm.classList.remove('busy');
    confirm.removeAttribute('aria-busy');
    if (error) {
      show(error);
      input.value = '';
      input.focus();
    } else dialog.close();
  };
  const show = (error: UiError) => {
    errorSlot.replaceChildren(errorBlock(error));
    input.setAttribute('aria-invalid', 'true');
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  input.addEventListener('input', () => {
    const digits = input.value.replace(/\D+/g, '');
    if (digits !== input.value) input.value = digits.slice(0, 6);
  });
  input.addEventListener('paste', (event) => {
    const pasted = (event.clipboardData?.getData('text') ?? '').replace(/\D+/g, '');
    if (pasted.length !== 6) return;
    event.preventDefault();
    input.value = pasted;
    void send();
  });
  return dialog;
}

/** Asks before something that cannot be undone; resolves true only for the named action. */
export function confirmDialog(title: string, message: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('confirm-title');
    const yes = h('button', { type: 'button', class: 'danger' }, action);
    const no = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const dialog = modal(
      titleId,
      h('h2', { id: titleId }, title),
      h('p', {}, message),
      h('div', { class: 'actions' }, no, yes),
    );
    let answer = false;
    yes.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    no.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => resolve(answer));
    no.focus();
  });
}
