/*
 * The read side: what profiles exist, which are ours, when they expire. Secrets are returned only by
 * `readProfileCredentials`, whose name says so.
 */
import { AwsFileError } from './errors.js';
import { readSharedFile } from './file-update.js';
import { type IniDocument, fromBytes, sectionValues } from './ini.js';
import { type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';
import {
  type AwsFileKind,
  findProfileSections,
  holdsLongTermKeys,
  isOwnedSection,
  profileNameOf,
} from './sections.js';

/** A profile as listed: no secret values. */
export interface ProfileSummary {
  name: string;
  inCredentials: boolean;
  inConfig: boolean;
  /** Rolebar wrote it (its credentials section, or its config section when it has no credentials section). */
  owned: boolean;
  /** Its credentials section holds long-term keys (an access key without a session token). */
  longTermKeys: boolean;
  /** The section appears more than once in a file: the AWS CLI will refuse to read that file. */
  duplicated: boolean;
  /** `x_security_token_expires`, as written (ISO 8601). */
  expiresAt?: string;
  /** `x_principal_arn`. */
  principalArn?: string;
  /** `region` from the config file. */
  region?: string;
}

/** A profile's credentials: secrets. Never log this object. */
export interface ProfileCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: string;
}

function profileNames(doc: IniDocument, kind: AwsFileKind): string[] {
  const names: string[] = [];
  for (const s of doc.sections) {
    const name = profileNameOf(kind, s.name);
    if (name !== undefined) names.push(name);
  }
  return names;
}

function summarize(name: string, credentials: IniDocument, config: IniDocument): ProfileSummary | undefined {
  const inCredentials = findProfileSections(credentials.sections, 'credentials', name);
  const inConfig = findProfileSections(config.sections, 'config', name);
  const cred = inCredentials[0];
  const conf = inConfig[0];
  if (!cred && !conf) return undefined;
  const credValues = cred ? sectionValues(credentials, cred) : new Map<string, string>();
  const confValues = conf ? sectionValues(config, conf) : new Map<string, string>();
  const summary: ProfileSummary = {
    name,
    inCredentials: cred !== undefined,
    inConfig: conf !== undefined,
    owned: cred ? isOwnedSection(credentials, cred) : conf ? isOwnedSection(config, conf) : false,
    longTermKeys: holdsLongTermKeys(credValues),
    duplicated: inCredentials.length > 1 || inConfig.length > 1,
  };
  const expires = credValues.get('x_security_token_expires');
  const arn = credValues.get('x_principal_arn');
  const region = confValues.get('region');
  if (expires !== undefined) summary.expiresAt = fromBytes(expires);
  if (arn !== undefined) summary.principalArn = fromBytes(arn);
  if (region !== undefined) summary.region = fromBytes(region);
  return summary;
}

/**
 * Every profile named in the credentials or config file, in file order (credentials first), once
 * each, with ownership, expiry, principal ARN and region. Missing files are empty; never throws on
 * content, only ('io') when a file exists but cannot be read.
 */
export async function listProfiles(options: AwsLocationOptions = {}): Promise<ProfileSummary[]> {
  const paths = resolveAwsFilePaths(options);
  const [credentials, config] = await Promise.all([
    readSharedFile(paths.credentials),
    readSharedFile(paths.config),
  ]);
  const names = [
    ...new Set([...profileNames(credentials.doc, 'credentials'), ...profileNames(config.doc, 'config')]),
  ];
  return names.flatMap((name) => summarize(name, credentials.doc, config.doc) ?? []);
}

/** One profile's summary (no secrets), or undefined when neither file names it. */
export async function readProfile(
  name: string,
  options: AwsLocationOptions = {},
): Promise<ProfileSummary | undefined> {
  const paths = resolveAwsFilePaths(options);
  const [credentials, config] = await Promise.all([
    readSharedFile(paths.credentials),
    readSharedFile(paths.config),
  ]);
  return summarize(name, credentials.doc, config.doc);
}

/**
 * The SECRET key material of a profile's credentials section, or undefined when it has no access
 * key pair. Throws 'duplicate' when the section is duplicated (the AWS CLI would not read it either).
 */
export async function readProfileCredentials(
  name: string,
  options: AwsLocationOptions = {},
): Promise<ProfileCredentials | undefined> {
  const file = resolveAwsFilePaths(options).credentials;
  const { doc } = await readSharedFile(file);
  const sections = findProfileSections(doc.sections, 'credentials', name);
  if (sections.length > 1) {
    throw new AwsFileError('duplicate', `Profile "${name}" appears ${sections.length} times in ${file}.`, {
      hint: 'Delete or rename the extra sections, then try again.',
      context: { profile: name, file },
    });
  }
  const section = sections[0];
  if (!section) return undefined;
  const values = sectionValues(doc, section);
  const accessKeyId = values.get('aws_access_key_id');
  const secretAccessKey = values.get('aws_secret_access_key');
  if (!accessKeyId || !secretAccessKey) return undefined;
  const result: ProfileCredentials = {
    accessKeyId: fromBytes(accessKeyId),
    secretAccessKey: fromBytes(secretAccessKey),
  };
  const token = values.get('aws_session_token');
  const expires = values.get('x_security_token_expires');
  if (token !== undefined) result.sessionToken = fromBytes(token);
  if (expires !== undefined) result.expiresAt = fromBytes(expires);
  return result;
}
