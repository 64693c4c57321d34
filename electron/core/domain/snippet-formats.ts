/**
 * The one list of snippet formats, in menu order with their labels. The snippet writer (snippets.ts), the IPC
 * contract, the CLI's `--format`, the tray menu and the window all derive from it. Browser-safe.
 */

/** Menu entry for one snippet format. */
export interface SnippetFormatInfo {
  readonly id: string;
  /** Short human label for menus. */
  readonly label: string;
  /** Whether the format has an "unset" form (json, a credential_process answer, has none). */
  readonly canUnset: boolean;
}

/** The supported formats in menu order. `id`s are stable and safe to persist in settings. */
export const SNIPPET_FORMATS = Object.freeze([
  Object.freeze({ id: 'bash', label: 'bash / zsh', canUnset: true }),
  Object.freeze({ id: 'fish', label: 'fish', canUnset: true }),
  Object.freeze({ id: 'powershell', label: 'PowerShell', canUnset: true }),
  Object.freeze({ id: 'cmd', label: 'Windows cmd', canUnset: true }),
  Object.freeze({ id: 'dotenv', label: '.env / docker --env-file', canUnset: true }),
  Object.freeze({ id: 'json', label: 'credential_process JSON', canUnset: false }),
] as const satisfies readonly SnippetFormatInfo[]);

type Entry = (typeof SNIPPET_FORMATS)[number];

/** Identifier of one snippet format. */
export type SnippetFormat = Entry['id'];
/** A format that has an "unset" form. */
export type UnsetFormat = Extract<Entry, { canUnset: true }>['id'];

/** Every format id, in menu order. */
export const SNIPPET_FORMAT_IDS: readonly SnippetFormat[] = SNIPPET_FORMATS.map((f) => f.id);
/** The ids of formats that have an "unset" form. */
export const UNSET_FORMAT_IDS: readonly UnsetFormat[] = SNIPPET_FORMATS.filter(
  (f): f is Extract<Entry, { canUnset: true }> => f.canUnset,
).map((f) => f.id);

/** True when `value` is one of the format ids (for validating input and persisted settings). */
export function isSnippetFormat(value: unknown): value is SnippetFormat {
  return SNIPPET_FORMATS.some((f) => f.id === value);
}

/** True when `value` is a format with an "unset" form. */
export function isUnsetFormat(value: unknown): value is UnsetFormat {
  return UNSET_FORMAT_IDS.some((id) => id === value);
}
