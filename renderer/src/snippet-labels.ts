/**
 * The snippet formats in menu order with their labels, as electron/core/snippets.ts lists them (that module
 * also formats secrets and uses Node's Buffer, so the page does not bundle it; test/browser/validation.test.ts
 * checks the two lists agree).
 */
import type { SnippetFormatId } from '../../electron/ipc/contract.js';

export const SNIPPET_MENU: ReadonlyArray<{ id: SnippetFormatId; label: string; canUnset: boolean }> = [
  { id: 'bash', label: 'bash / zsh', canUnset: true },
  { id: 'fish', label: 'fish', canUnset: true },
  { id: 'powershell', label: 'PowerShell', canUnset: true },
  { id: 'cmd', label: 'Windows cmd', canUnset: true },
  { id: 'dotenv', label: '.env / docker --env-file', canUnset: true },
  { id: 'json', label: 'credential_process JSON', canUnset: false },
];
