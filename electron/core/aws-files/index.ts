/*
 * The AWS shared files (~/.aws/credentials and config) and the AWS CLI's SSO token cache: read as botocore reads
 * them, written only in Rolebar's own sections, under the one lock, atomically. This file is their public surface.
 */
export { AwsFileError, type AwsFileErrorCode } from './errors.js';
export { type AwsFilePaths, type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';
export { refuseIrregularAwsFiles } from './regular-files.js';
export {
  type ProfileSession,
  type RemoveProfileOptions,
  type RemoveProfileResult,
  type WriteProfileOptions,
  type WriteProfileResult,
  removeProfile,
  writeConfigProfile,
  type WriteConfigProfileResult,
  writeProfile,
} from './profiles.js';
export {
  type ProfileCredentials,
  type ProfileSummary,
  listProfiles,
  readProfile,
  readProfileCredentials,
} from './read.js';
export type { LockOptions } from '../platform/lock.js';
