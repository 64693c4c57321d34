/*
 * How profile names map to sections, and what makes a section ours, shared by the read and write sides.
 */
import { profileName as profileNameRule, shown } from '../domain/fields.js';
import { AwsFileError } from './errors.js';
import { type IniDocument, type IniSection, asciiLower, fromBytes, sectionValues, toBytes } from './ini.js';

/** Which shared file a section lives in: their section headers differ. */
export type AwsFileKind = 'credentials' | 'config';

/** The ownership mark we put in every section we write. */
export const OWNER_KEY = 'manager';
/** Value of the ownership mark. */
export const OWNER_VALUE = 'rolebar';

/** The header (without brackets) we write for a profile: `name` in credentials, `profile name` or `default` in config. */
export function headerFor(kind: AwsFileKind, name: string): string {
  return kind === 'config' && name !== 'default' ? `profile ${name}` : name;
}

/**
 * The profile a section header names, as botocore reads it: the exact header text in credentials;
 * in config, `default` or `profile NAME` (any spacing between the two words). Undefined for other
 * config sections (`sso-session …`, `services …`).
 */
export function profileNameOf(kind: AwsFileKind, header: string): string | undefined {
  // Decoding allocates; most headers are ASCII, where the byte string already is the text.
  const name = /[\x80-\xff]/.test(header) ? fromBytes(header) : header;
  if (kind === 'credentials' || name === 'default') return name;
  const parts = name.split(/[ \t]+/).filter((p) => p !== '');
  return parts.length === 2 && parts[0] === 'profile' ? parts[1] : undefined;
}

/** Every section (of a parsed document, or spans from the scan) that holds profile `name`; more than one means the file is ambiguous. */
export function findProfileSections<S extends { name: string }>(
  sections: readonly S[],
  kind: AwsFileKind,
  name: string,
): S[] {
  const exact = toBytes(name);
  return sections.filter((s) =>
    kind === 'credentials' ? s.name === exact : profileNameOf(kind, s.name) === name,
  );
}

/** True when a section carries long-term keys: an access key without a session token. */
export function holdsLongTermKeys(values: ReadonlyMap<string, string>): boolean {
  return values.has('aws_access_key_id') && !values.has('aws_session_token');
}

/** True when we may rewrite or remove the section without `force`: it has our mark and no long-term keys. */
export function isOwnedSection(doc: IniDocument, section: IniSection): boolean {
  const values = sectionValues(doc, section);
  return asciiLower(values.get(OWNER_KEY) ?? '') === OWNER_VALUE && !holdsLongTermKeys(values);
}

/** Throws 'invalid-input' unless `name` can be written as a profile name (the one rule, rules/fields.ts). */
export function assertProfileName(name: string): void {
  // Exactly as given: the writer never trims, a name with spaces around it is not the name the user chose.
  const found = profileNameRule.problem(name);
  if (found) {
    throw new AwsFileError('invalid-input', found.message, {
      hint: found.hint,
      context: { profile: shown(name) },
    });
  }
}

/** Throws 'invalid-input' unless `value` fits on one line of an INI file. `field` names it; the value is never shown. */
export function assertValue(field: string, value: string): void {
  if (value === '' || /[\r\n\0]/.test(value) || value.trim() !== value) {
    throw new AwsFileError(
      'invalid-input',
      `The ${field} to write is empty or contains line breaks or surrounding spaces.`,
      {
        hint: 'This is a bug in whatever produced the session; sign in again.',
        context: { field },
      },
    );
  }
}
