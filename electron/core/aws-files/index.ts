/*
 * Public surface of the AWS shared-file module: paths, writing/removing profiles safely, reading them.
 */
export { AwsFileError, type AwsFileErrorCode } from './errors.js';
export { type AwsFilePaths, type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';
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
