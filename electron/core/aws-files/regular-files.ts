// What may stand at the AWS files' paths: a regular file or nothing. Anything else is refused at once, untouched.
import { statSync } from 'node:fs';
import { describeKind } from '../platform/file-kind.js';
import { notRegularFile } from './errors.js';
import { type AwsLocationOptions, resolveAwsFilePaths } from './paths.js';

/** Refuses at once (the 'not-a-file' AwsFileError) a path that exists and is not a regular file. */
export function assertRegularOrMissing(target: string): void {
  const stat = statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw notRegularFile(target, describeKind(stat));
}

/**
 * Refuses at once when the credentials or config file (as AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE or ~/.aws
 * name them) exists and is not a regular file. Called before any AWS SDK code runs that reads them: the SDK opens
 * them blocking, so a FIFO there would hang it forever. A missing file is fine (the SDK reads it as empty); a
 * symlink is judged by what it points at.
 */
export function refuseIrregularAwsFiles(options: AwsLocationOptions = {}): void {
  const paths = resolveAwsFilePaths(options);
  assertRegularOrMissing(paths.credentials);
  assertRegularOrMissing(paths.config);
}
