/*
 * `import --remove-plaintext-keys`: each profile's long-term key pair leaves the credentials file and, in the same
 * write, a credential_process line serving the same identity from the keychain takes its place, so every profile
 * that used those keys (directly or through source_profile) keeps working. One locked write, so one backup per run.
 */
import { rewriteSection, shiftEdit } from './edit.js';
import { type TextEdit } from './edit.js';
import { updateSharedFile } from './file-update.js';
import { sectionValues } from './ini.js';
import type { LockOptions } from '../platform/lock.js';
import { type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';
import { KEY_LINES, duplicated } from './profiles.js';
import { openSection } from './scan.js';
import { type AwsFileKind, findProfileSections, holdsLongTermKeys } from './sections.js';

/** One profile whose keys go, and the credential_process line that serves them instead. */
export interface KeyReplacement {
  /** The profile as its header names it (any name the AWS CLI reads, `Mixed Case Keys` too; in config `profile NAME`). */
  profile: string;
  /** Only when the file still holds this key id: a key changed since the preview is left alone. */
  accessKeyId: string;
  credentialProcess: string;
}

/** What the replacement did. */
export interface ReplaceKeysResult {
  replaced: string[];
  backup?: string;
}

/**
 * Replaces the key pairs of `replacements` in one file (the credentials file, or the config file for keys kept
 * there) with their credential_process lines, in one write after one backup.
 */
export async function replacePlaintextKeys(
  replacements: readonly KeyReplacement[],
  options: AwsLocationOptions & LockOptions = {},
  kind: AwsFileKind = 'credentials',
): Promise<ReplaceKeysResult> {
  const file = resolveAwsFilePaths(options)[kind];
  const replaced: string[] = [];
  const outcome = await updateSharedFile(
    file,
    ({ data, sections }) => {
      replaced.length = 0; // the plan may run again after a concurrent change
      const edits: TextEdit[] = [];
      for (const r of replacements) {
        const matches = findProfileSections(sections, kind, r.profile);
        const [span] = matches;
        if (!span) continue;
        if (matches.length > 1) throw duplicated(kind, file, r.profile, matches.length);
        const opened = openSection(data, span);
        const values = sectionValues(opened.doc, opened.section);
        if (!holdsLongTermKeys(values) || values.get('aws_access_key_id')?.trim() !== r.accessKeyId) continue;
        const edit = rewriteSection(
          opened.doc,
          opened.section,
          [['credential_process', r.credentialProcess]],
          KEY_LINES,
        );
        edits.push(shiftEdit(edit, opened.base));
        replaced.push(r.profile);
      }
      // The keys are the user's own bytes: overwritesForeign keeps them in the backup.
      return edits.length > 0 ? { edits, overwritesForeign: true } : undefined;
    },
    options,
  );
  return outcome.backup ? { replaced, backup: outcome.backup } : { replaced };
}
