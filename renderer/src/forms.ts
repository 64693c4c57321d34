/** Labelled form fields with inline, per-field validation (errors tied to their input for screen readers). */
import type { Check } from './validation.js';
import { errorBlock, h, toast, uid } from './dom.js';
import type { UiError } from './store.js';

export interface Field {
  /** The wrapper: label, input, hint and error line. */
  row: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement;
  value(): string;
  /** Runs the check, shows or clears the error; true when valid. */
  validate(): boolean;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string | undefined;
  hint?: string;
  check?: Check;
  attrs?: Record<string, string | number | boolean | undefined>;
}

/** A text-like input with its label, hint and error line. */
export function textField(options: FieldOptions): Field {
  const id = uid(options.name);
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    ...options.attrs,
  });
  input.value = options.value ?? '';
  return wrap(options, id, input);
}

/** A select with its label. */
export function selectField(
  options: FieldOptions & { choices: Array<{ value: string; label: string; group?: string }> },
): Field {
  const id = uid(options.name);
  const select = h('select', { id, name: options.name });
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const choice of options.choices) {
    const option = h('option', { value: choice.value }, choice.label);
    if (choice.group) {
      let group = groups.get(choice.group);
      if (!group) {
        group = h('optgroup', { label: choice.group });
        groups.set(choice.group, group);
        select.append(group);
      }
      group.append(option);
    } else select.append(option);
  }
  if (options.value !== undefined) select.value = options.value;
  return wrap(options, id, select);
}

function wrap(options: FieldOptions, id: string, input: HTMLInputElement | HTMLSelectElement): Field {
  const hint = options.hint ? h('p', { class: 'hint', id: `${id}-hint` }, options.hint) : null;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  input.setAttribute('aria-describedby', [hint ? `${id}-hint` : '', `${id}-error`].join(' ').trim());
  const row = h('div', { class: 'field' }, h('label', { for: id }, options.label), input, hint, error);
  const validate = () => {
    const problem = options.check?.(input.value);
    error.textContent = problem ?? '';
    error.hidden = !problem;
    if (problem) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    return !problem;
  };
  // Check on leaving a field; once wrong, re-check as the user types so the error clears promptly.
  // Not when leaving for a submit button: an error appearing then would move the button from under the click
  // (the submit handler checks every field anyway).
  input.addEventListener('blur', (event) => {
    const next = (event as FocusEvent).relatedTarget as HTMLElement | null;
    if (input.value && !next?.matches('button[type=submit]')) validate();
  });
  input.addEventListener('input', () => void (input.getAttribute('aria-invalid') && validate()));
  return { row, input, value: () => input.value.trim(), validate };
}

/** A checkbox with its label (and an optional hint). */
export function checkboxField(options: { label: string; name: string; checked: boolean; hint?: string }) {
  const id = uid(options.name);
  const input = h('input', { id, name: options.name, type: 'checkbox' });
  input.checked = options.checked;
  const hint = options.hint ? h('p', { class: 'hint', id: `${id}-hint` }, options.hint) : null;
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  const row = h('div', { class: 'field check' }, input, h('label', { for: id }, options.label), hint);
  return { row, input };
}

/** Validates every field, focusing the first invalid one; true when all are valid. */
export function validateAll(fields: Field[]): boolean {
  const invalid = fields.filter((f) => !f.validate());
  invalid[0]?.input.focus();
  return invalid.length === 0;
}

/** Shows a request's failure at the foot of a form (replacing an earlier one). */
export function showFormError(slot: HTMLElement, error: UiError | undefined): void {
  slot.replaceChildren();
  if (error) slot.append(errorBlock(error));
}

/** Disables a submit button with a spinner while `work` runs; a refused call shows as a toast, not a crash. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T | undefined> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.classList.add('busy');
  try {
    return await work();
  } catch (error) {
    toast(`Not sent: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.classList.remove('busy');
  }
}
