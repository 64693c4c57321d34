/*
 * The settings file's last line of defence against secrets: every save is checked for a field named like a
 * secret or a value shaped like one. The code that builds records never puts a secret in them; this catches a bug.
 */
import { RolebarError } from '../domain/errors.js';

/** A value that looks like a secret was about to be written to settings. */
export class SecretInSettingsError extends RolebarError {
  constructor(field: string) {
    super(
      'settings-secret',
      `Refusing to save "${field}" in settings: it looks like an AWS secret key or token, and secrets belong in the keychain.`,
      {
        hint: 'If it is not a secret, change it a little (a space or a dash is enough); if it is, add it as an identity instead.',
        context: { field },
      },
    );
  }
}

const SECRET_FIELD = /secret|token|password|private.?key/i;
/** Shapes of AWS secret access keys (40 base64-ish chars) and session tokens (long base64). */
const SECRET_VALUE = /^[A-Za-z0-9/+=]{40}$|^[A-Za-z0-9/+=]{100,}$/;

/**
 * Random-looking: upper- and lower-case letters and a digit or `/` `+`, as a generated key has (all but about 1 in
 * 4,000 of them). A word a person typed, such as a 40-letter role label, is not.
 */
function looksLikeSecret(value: string): boolean {
  return SECRET_VALUE.test(value) && /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9/+]/.test(value);
}

/**
 * Throws SecretInSettingsError when any field name or string value looks like a secret. A last line of defence:
 * the code that builds records never puts secrets in them.
 */
export function assertNoSecrets(value: unknown, field = 'settings'): void {
  if (typeof value === 'string') {
    if (looksLikeSecret(value)) throw new SecretInSettingsError(field);
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) assertNoSecrets(item, `${field}[${i}]`);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_FIELD.test(key) && inner !== undefined && inner !== null && inner !== '') {
        throw new SecretInSettingsError(`${field}.${key}`);
      }
      assertNoSecrets(inner, `${field}.${key}`);
    }
  }
}
