/*
 * Writing and removing Rolebar's profiles in the AWS shared files, refusing to damage anything
 * that is not ours. See README-level notes on each export for the rules.
 */
import { region as regionRule } from '../domain/fields.js';
import { type Entry, UNDO_KEY, appendSection, removeSection, rewriteSection, shiftEdit } from './edit.js';
import { AwsFileError } from './errors.js';
import {
  type PlannedChange,
  type SharedFileView,
  type UpdateOutcome,
  readSharedFileView,
  updateSharedFile,
} from './file-update.js';
import { type IniDocument, type IniSection, sectionRange, sectionValues, toBytes } from './ini.js';
import type { AfterStep } from '../platform/atomic.js';
import type { LockOptions } from '../platform/lock.js';
import { type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';
import { type OpenedSection, openSection } from './scan.js';
import {
  type AwsFileKind,
  OWNER_KEY,
  OWNER_VALUE,
  assertProfileName,
  assertValue,
  findProfileSections,
  headerFor,
  holdsLongTermKeys,
  isOwnedSection,
} from './sections.js';

/** The lines of a key pair (and its token) in a profile. */
const KEY_LINES_LIST = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];

/** A session to store as a profile. Values are secrets: they are written, never logged or put in errors. */
export interface ProfileSession {
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  principalArn: string;
  /** Written to the config file when given. */
  region?: string;
}

/** Where the files are, how long to wait for the lock, and whether to overwrite a section that is not ours. */
export interface WriteProfileOptions extends AwsLocationOptions, LockOptions {
  /** Overwrite a section we did not write (or that holds long-term keys). A backup is still kept first. */
  force?: boolean;
  /**
   * Runs once, when every reader sees the profile as written, while the last fsync finishes (a switch
   * records its session there). A throw from it fails the write; the profile stays written.
   */
  afterWrite?: AfterStep;
}

/** Where the files are and how long to wait for the lock. */
export interface RemoveProfileOptions extends AwsLocationOptions, LockOptions {}

/** What a write did. */
export interface WriteProfileResult {
  credentialsFile: string;
  /** Set when a region was written. */
  configFile?: string;
  /** Backups made before this change (only on the first change to each file). */
  backups: string[];
  /** Things the user should know, e.g. a file's permissions were tightened. */
  warnings: string[];
}

/** What a removal did. */
export interface RemoveProfileResult {
  removedFromCredentials: boolean;
  removedFromConfig: boolean;
  backups: string[];
  warnings: string[];
}

function notOwned(
  kind: AwsFileKind,
  file: string,
  name: string,
  longTerm: boolean,
  action: 'overwrite' | 'remove',
): AwsFileError {
  const why = longTerm ? 'holds long-term access keys' : 'was not written by Rolebar';
  const hint =
    action === 'overwrite'
      ? "Use a different profile name, or confirm replacing it (force, the CLI's --force); a backup of the file is kept first."
      : 'Rolebar only removes profiles it wrote. Edit the file yourself if you want this one gone.';
  return new AwsFileError(
    'not-owned',
    `Profile "${name}" in ${file} ${why}; Rolebar will not ${action} it.`,
    {
      hint,
      context: { profile: name, file, kind },
    },
  );
}

/** The refusal for a profile that appears more than once in a file. */
export function duplicated(kind: AwsFileKind, file: string, name: string, count: number): AwsFileError {
  return new AwsFileError(
    'duplicate',
    `Profile "${name}" appears ${count} times in ${file}, so it is unclear which one to change.`,
    {
      hint: 'The AWS CLI cannot read a file with duplicate sections either: delete or rename the extra ones, then try again.',
      context: { profile: name, file, kind, count },
    },
  );
}

/**
 * Plans writing `entries` into profile `name` of one file. A missing section is appended; our own
 * section is rewritten in place; someone else's needs `force`. Duplicated sections are refused,
 * unless every copy is ours: then the first is rewritten and the others deleted (the AWS CLI cannot
 * read a file with duplicates, so this heals it).
 */
/**
 * Settings botocore and the SDKs take before a config profile's credential_process: a role, static keys, web
 * identity, Identity Center. A credential_process written over a user's section (`--force`) drops them (the
 * backup keeps them), or it would never run.
 */
const BEFORE_CREDENTIAL_PROCESS = new Set([
  'role_arn',
  'source_profile',
  'credential_source',
  'mfa_serial',
  'external_id',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  ...KEY_LINES_LIST,
]);

function planWrite(kind: AwsFileKind, file: string, name: string, entries: readonly Entry[], force: boolean) {
  const drop = entries.some(([key]) => key === 'credential_process') ? BEFORE_CREDENTIAL_PROCESS : undefined;
  return ({ data, existed, sections }: SharedFileView): PlannedChange => {
    // Only the sections holding the profile are parsed (see scan.ts): the rest of the file is copied through.
    const matches = findProfileSections(sections, kind, name).map((span) => openSection(data, span));
    const [first, ...rest] = matches;
    if (!first) return { edits: [appendSection(data, toBytes(headerFor(kind, name)), entries, existed)] };
    const owned = matches.every((o) => isOwnedSection(o.doc, o.section));
    if (rest.length > 0 && !owned) throw duplicated(kind, file, name, matches.length);
    if (!owned && !force)
      throw notOwned(
        kind,
        file,
        name,
        holdsLongTermKeys(sectionValues(first.doc, first.section)),
        'overwrite',
      );
    return {
      edits: [
        shiftEdit(rewriteSection(first.doc, first.section, entries, drop), first.base),
        ...rest.map(cutSection),
      ],
      overwritesForeign: !owned,
    };
  };
}

/** The edit deleting an opened section (header through last content line), in file offsets. */
function cutSection(o: OpenedSection): { start: number; end: number; text: string } {
  return shiftEdit({ ...sectionRange(o.doc, o.section), text: '' }, o.base);
}

/** Config keys we manage: a config section holding nothing else is wholly ours to remove. */
// credential_process: what setup-profile writes (a --force over a user's own line replaced it, with a backup).
const OUR_CONFIG_KEYS = new Set(['region', 'credential_process', OWNER_KEY, UNDO_KEY]);

function onlyOurKeys(doc: IniDocument, section: IniSection): boolean {
  for (let i = section.header + 1; i <= section.lastContent; i++) {
    const line = doc.lines[i];
    if (!line || line.kind === 'blank' || line.kind === 'comment' || line.kind === 'continuation') continue;
    if (line.kind !== 'key' || line.key === undefined || !OUR_CONFIG_KEYS.has(line.key)) return false;
  }
  return true;
}

/** Plans removing profile `name` from one file; see removeProfile. `undefined` means nothing to do. */
function planRemove(kind: AwsFileKind, file: string, name: string) {
  return ({ data, sections }: SharedFileView): PlannedChange | undefined => {
    const matches = findProfileSections(sections, kind, name).map((span) => openSection(data, span));
    const [first, ...rest] = matches;
    if (!first) return undefined;
    const owned = matches.every((o) => isOwnedSection(o.doc, o.section));
    if (!owned) {
      if (kind === 'config') return undefined; // a config section we do not own is simply not part of our sign-out
      if (rest.length > 0) throw duplicated(kind, file, name, matches.length);
      throw notOwned(kind, file, name, holdsLongTermKeys(sectionValues(first.doc, first.section)), 'remove');
    }
    if (rest.length > 0) return { edits: matches.map(cutSection) };
    if (kind === 'config' && !onlyOurKeys(first.doc, first.section)) {
      // A config section we adopted (force) or the user extended: give it back, minus our mark.
      const edit = rewriteSection(first.doc, first.section, [], new Set([OWNER_KEY, UNDO_KEY]));
      return { edits: [shiftEdit(edit, first.base)] };
    }
    return removeWhole(data, first);
  };
}

/** Removes an opened section, taking back the separator an append added (see removeSection). */
function removeWhole(data: Buffer, o: OpenedSection): PlannedChange {
  const undo = sectionValues(o.doc, o.section).get(UNDO_KEY);
  const { edit, deleteFile } = removeSection(data, cutSection(o), o.base, undo);
  return deleteFile ? { edits: [], deleteFile } : { edits: [edit] };
}

function validate(session: ProfileSession): void {
  assertProfileName(session.name);
  assertValue('access key id', session.accessKeyId);
  assertValue('secret access key', session.secretAccessKey);
  assertValue('session token', session.sessionToken);
  assertValue('principal ARN', session.principalArn);
  if (!(session.expiration instanceof Date) || Number.isNaN(session.expiration.getTime())) {
    throw new AwsFileError(
      'invalid-input',
      `The session for profile "${session.name}" has no valid expiry time.`,
      {
        hint: 'Sign in again.',
        context: { profile: session.name },
      },
    );
  }
  const regionProblem = session.region === undefined ? undefined : regionRule.problem(session.region);
  if (regionProblem) {
    throw new AwsFileError('invalid-input', regionProblem.message, {
      hint: regionProblem.hint,
      context: { profile: session.name },
    });
  }
}

/**
 * Writes `session` as profile `session.name`: its keys, `x_security_token_expires` (ISO 8601),
 * `x_principal_arn` and `manager = rolebar` in the credentials file; its region (and the mark) in
 * `[profile NAME]` / `[default]` of the config file when `region` is given, leaving the other keys
 * of that config section alone. Only the target section's bytes change. Refuses ('not-owned') to
 * touch a section we did not write, or one holding long-term keys, unless `force`; refuses
 * ('duplicate') an ambiguous, duplicated section. Locked, atomic, backed up on the first change.
 */
export async function writeProfile(
  session: ProfileSession,
  options: WriteProfileOptions = {},
): Promise<WriteProfileResult> {
  validate(session);
  const paths = resolveAwsFilePaths(options);
  const force = options.force === true;
  const mark: Entry = [OWNER_KEY, OWNER_VALUE];
  const credentials: Entry[] = [
    ['aws_access_key_id', toBytes(session.accessKeyId)],
    ['aws_secret_access_key', toBytes(session.secretAccessKey)],
    ['aws_session_token', toBytes(session.sessionToken)],
    ['x_security_token_expires', session.expiration.toISOString()],
    ['x_principal_arn', toBytes(session.principalArn)],
    mark,
  ];
  const planCredentials = planWrite('credentials', paths.credentials, session.name, credentials, force);
  const planConfig =
    session.region === undefined
      ? undefined
      : planWrite('config', paths.config, session.name, [['region', session.region], mark], force);

  // Refuse before changing anything if the config side would refuse (re-checked under its lock).
  if (planConfig) planConfig(await readSharedFileView(paths.config));

  const result: WriteProfileResult = { credentialsFile: paths.credentials, backups: [], warnings: [] };
  const { afterWrite } = options;
  const outcomes = [
    await updateSharedFile(paths.credentials, planCredentials, options, planConfig ? undefined : afterWrite),
  ];
  if (planConfig) {
    outcomes.push(await updateSharedFile(paths.config, planConfig, options, afterWrite));
    result.configFile = paths.config;
  }
  for (const o of outcomes) {
    if (o.backup) result.backups.push(o.backup);
    result.warnings.push(...o.warnings);
  }
  return result;
}

/**
 * Signs profile `name` out: removes its credentials section if we wrote it, and its config section
 * if we wrote that (a config section that also holds others' keys only loses our mark; one we do
 * not own is left alone). A section we appended, removed while still last in the file, takes the
 * separator we added with it, so write-then-remove leaves the file byte for byte as before (a file
 * we created is deleted again). Refuses ('not-owned') to remove a credentials section not ours.
 */
export async function removeProfile(
  name: string,
  options: RemoveProfileOptions = {},
): Promise<RemoveProfileResult> {
  assertProfileName(name);
  const paths = resolveAwsFilePaths(options);
  // A missing file has nothing to remove: do not create its folder or a lock just to find that out.
  const unchanged: UpdateOutcome = { changed: false, warnings: [] };
  const remove = async (kind: AwsFileKind, file: string): Promise<UpdateOutcome> =>
    (await readSharedFileView(file)).existed
      ? updateSharedFile(file, planRemove(kind, file, name), options)
      : unchanged;
  const credentials = await remove('credentials', paths.credentials);
  const config = await remove('config', paths.config);
  const result: RemoveProfileResult = {
    removedFromCredentials: credentials.changed,
    removedFromConfig: config.changed,
    backups: [],
    warnings: [...credentials.warnings, ...config.warnings],
  };
  for (const o of [credentials, config]) if (o.backup) result.backups.push(o.backup);
  return result;
}

/** The lines a key pair (with its token) takes in a credentials section. */
export const KEY_LINES = new Set(KEY_LINES_LIST);

/** What writing a config-only profile did. */
export interface WriteConfigProfileResult {
  configFile: string;
  /** Backups made before this change (only on the first change to the file). */
  backups: string[];
  warnings: string[];
}

/**
 * Writes `entries` (such as `credential_process`) into the config file's `[profile NAME]` (`[default]`), with
 * Rolebar's mark, leaving the section's other keys alone. The same rules as writeProfile: a section Rolebar did
 * not write needs `force`; locked, atomic, backed up on the first change. Keys are lowercase `[a-z0-9_]`; values
 * fit on one line. Removing the profile later (removeProfile) gives back a section the user extended, minus the mark.
 */
export async function writeConfigProfile(
  name: string,
  entries: Readonly<Record<string, string>>,
  options: WriteProfileOptions = {},
): Promise<WriteConfigProfileResult> {
  assertProfileName(name);
  const list: Entry[] = [];
  for (const [key, value] of Object.entries(entries)) {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(key) || key === OWNER_KEY || key === UNDO_KEY) {
      throw new AwsFileError('invalid-input', `"${key.slice(0, 64)}" cannot be written as a config key.`, {
        hint: 'Use lowercase letters, digits and _.',
        context: { profile: name },
      });
    }
    assertValue(key, value);
    list.push([key, toBytes(value)]);
  }
  list.push([OWNER_KEY, OWNER_VALUE]);
  const file = resolveAwsFilePaths(options).config;
  const outcome = await updateSharedFile(
    file,
    planWrite('config', file, name, list, options.force === true),
    options,
  );
  return { configFile: file, backups: outcome.backup ? [outcome.backup] : [], warnings: outcome.warnings };
}
