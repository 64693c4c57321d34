/*
 * Reads ~/.aws for `rolebar import` the way botocore does (see /work/shared/AWS-FACTS.md): a config header
 * `[profile "quoted name"]` is split with shell rules, keys may sit in the config file, the credentials file's
 * value wins for the same key, and there are no inline comments: `key = AKIA… ; old` is the whole value, which
 * the AWS CLI would fail with too. Nothing here throws on a value: each odd value is recorded on its profile.
 */
import { type AwsLocationOptions, resolveAwsFilePaths } from '../../aws-files/index.js';
import { readSharedFile } from '../../aws-files/file-update.js';
import { type IniDocument, fromBytes, sectionValues } from '../../aws-files/ini.js';
import type { AwsFileKind } from '../../aws-files/sections.js';
import * as rules from '../../domain/fields.js';
import { type TextRule, profileNameFromLabel, shown } from '../../domain/fields.js';
import { durationSeconds, rangeProblem } from '../../domain/limits.js';
import { rolebarCommand } from '../../domain/shell-quote.js';

/** One profile as botocore sees it: both files merged. */
export interface AwsProfile {
  name: string;
  /** Every setting, the credentials file's value winning over the config file's. */
  values: Map<string, string>;
  /** Keys that came from the credentials file. */
  inCredentialsFile: Set<string>;
  /** The config file's own key id, when it holds one (the credentials file's may hide it from botocore). */
  configKeyId?: string | undefined;
  /** Whether the config file's pair is the credentials file's too (undefined: not both files hold one). */
  configPairSame?: boolean | undefined;
  /** Settings whose value carries what looks like an inline comment (botocore keeps it as part of the value). */
  commented: string[];
}

/** Both files, read. */
export interface AwsProfiles {
  profiles: Map<string, AwsProfile>;
  /** The config file's `[sso-session NAME]` sections, by name. */
  ssoSessions: Map<string, Map<string, string>>;
  paths: { credentials: string; config: string };
}

/** Splits like Python's shlex.split for the simple cases botocore meets in a header; undefined on an open quote. */
function shellSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The profile a section header names, as botocore's build_profile_map reads it: the exact header in the
 * credentials file; in the config file `default`, or a header starting `profile` that splits (shell rules)
 * into exactly two words.
 */
export function importProfileName(kind: AwsFileKind, header: string): string | undefined {
  const name = fromBytes(header);
  if (kind === 'credentials' || name === 'default') return name;
  if (!name.startsWith('profile')) return undefined;
  const parts = shellSplit(name);
  return parts?.length === 2 ? parts[1] : undefined;
}

/** A value with whitespace then `;` or `#` in it: an inline comment to the user, part of the value to botocore. */
export function hasInlineComment(value: string): boolean {
  return /\s[;#]/.test(value);
}

/** Reads both files (honouring AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE) into botocore's profiles. */
export async function readAwsProfiles(location: AwsLocationOptions): Promise<AwsProfiles> {
  const paths = resolveAwsFilePaths(location);
  const profiles = new Map<string, AwsProfile>();
  const ssoSessions = new Map<string, Map<string, string>>();
  const collect = (doc: IniDocument, kind: AwsFileKind) => {
    for (const section of doc.sections) {
      const words = kind === 'config' ? shellSplit(fromBytes(section.name)) : undefined;
      if (words?.length === 2 && words[0] === 'sso-session' && words[1]) {
        const values = new Map([...sectionValues(doc, section)].map(([k, raw]) => [k, fromBytes(raw)]));
        ssoSessions.set(words[1], values);
        continue;
      }
      const name = importProfileName(kind, section.name);
      if (name === undefined) continue;
      const entry = profiles.get(name) ?? {
        name,
        values: new Map<string, string>(),
        inCredentialsFile: new Set<string>(),
        commented: [],
      };
      const values = new Map([...sectionValues(doc, section)].map(([k, raw]) => [k, fromBytes(raw)]));
      if (kind === 'config') entry.configKeyId = values.get('aws_access_key_id');
      else if (entry.configKeyId !== undefined && values.has('aws_access_key_id')) {
        const same = (key: string) => values.get(key) === entry.values.get(key);
        entry.configPairSame = same('aws_access_key_id') && same('aws_secret_access_key');
      }
      for (const [key, value] of values) {
        // The credentials file is read second: its value wins, as in botocore.
        entry.values.set(key, value);
        if (kind === 'credentials') entry.inCredentialsFile.add(key);
      }
      profiles.set(name, entry);
    }
  };
  // Config first, then credentials over it.
  collect((await readSharedFile(paths.config)).doc, 'config');
  collect((await readSharedFile(paths.credentials)).doc, 'credentials');
  for (const p of profiles.values())
    p.commented = [...p.values].filter(([, value]) => hasInlineComment(value)).map(([key]) => key);
  return { profiles, ssoSessions, paths };
}

/** The rule each imported setting must pass, from the one definition of each rule. */
const SETTING_RULES: ReadonlyArray<[string, TextRule]> = [
  ['aws_access_key_id', rules.accessKeyId],
  ['aws_secret_access_key', rules.secretAccessKey],
  ['role_arn', rules.roleArn],
  ['region', rules.region],
  ['mfa_serial', rules.mfaSerial],
  ['external_id', rules.externalId],
  ['role_session_name', rules.sessionName],
];

/**
 * Why a profile's settings cannot be imported, in the user's words (never the value of a secret), or
 * undefined when every setting Rolebar would take passes its rule.
 */
export function settingsProblem(p: AwsProfile): string | undefined {
  const where = (key: string) => (p.inCredentialsFile.has(key) ? 'credentials' : 'config');
  const commented = p.commented[0];
  if (commented !== undefined)
    return `${commented} (in the ${where(commented)} file) has text after the value that looks like a comment; the AWS CLI reads it as part of the value. Move the comment to its own line, then import again`;
  for (const [key, rule] of SETTING_RULES) {
    const value = p.values.get(key);
    if (value === undefined) continue;
    const problem = rule.problem(rule.normalize(value));
    if (!problem) continue;
    // The rules' messages never quote a secret: the secret's rule names no value.
    return `${key} (in the ${where(key)} file): ${problem.message} ${problem.hint}`;
  }
  const duration = p.values.get('duration_seconds');
  if (duration !== undefined) {
    const seconds = /^\d+$/.test(duration) ? Number(duration) : Number.NaN;
    const problem = rangeProblem(durationSeconds, seconds);
    if (problem)
      return `duration_seconds = ${shown(duration)} is not whole seconds from 900 to 43200. ${problem.hint}`;
  }
  return undefined;
}

/** A role profile's settings, as the AWS CLI names them. */
export interface RoleProfile {
  roleArn: string;
  sourceProfile?: string | undefined;
  credentialSource?: string | undefined;
  mfaSerial?: string | undefined;
  externalId?: string | undefined;
  sessionName?: string | undefined;
  duration?: number | undefined;
  region?: string | undefined;
}

/** A profile's role settings (undefined without role_arn); values are checked by settingsProblem. */
export function roleProfile(p: AwsProfile): RoleProfile | undefined {
  const get = (key: string) => p.values.get(key);
  const roleArn = get('role_arn');
  if (!roleArn) return undefined;
  const duration = get('duration_seconds');
  return {
    roleArn,
    sourceProfile: get('source_profile'),
    credentialSource: get('credential_source'),
    mfaSerial: get('mfa_serial'),
    externalId: get('external_id'),
    sessionName: get('role_session_name'),
    duration: duration ? Number.parseInt(duration, 10) : undefined,
    region: get('region'),
  };
}

/** The profile an imported role's sessions are written to: its name made valid, then `-rolebar`. */
export function rolebarProfileOf(profile: string): string {
  const base = profileNameFromLabel(profile);
  return base === '' ? '' : `${base}-rolebar`; // nothing usable left (`🚀`): refused by the profile name rule
}

/**
 * Where an imported role's sessions go, and why not under the user's own name: Rolebar never rewrites a profile
 * it did not write unless asked, so `--profile NAME` keeps the AWS tool's own assume until the user runs the
 * command named here (the profile then serves Rolebar's session through credential_process; a backup is kept).
 */
export function keptNameNote(profile: string): string {
  return `Rolebar's sessions go to profile "${rolebarProfileOf(profile)}": your [profile ${profile}] stays as it is, so --profile ${profile} keeps assuming the role through the AWS tool itself (its own cache and MFA prompt); to make it use Rolebar's session, run ${rolebarCommand('setup-profile', profile, '--profile', profile, '--force')} after the import (a backup is kept)`;
}

/** Long-term keys in a profile (either file), or undefined. */
export function keysOf(p: AwsProfile): { keyId: string; secret: string } | undefined {
  const keyId = p.values.get('aws_access_key_id');
  const secret = p.values.get('aws_secret_access_key');
  if (!keyId || !secret || p.values.get('aws_session_token')) return undefined;
  return { keyId, secret };
}
