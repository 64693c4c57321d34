import { RolebarError } from '../errors.js';

/** Why an AWS shared-file operation was refused or failed; stable for programs and tests. */
export type AwsFileErrorCode =
  | 'not-owned' // the section exists and is not ours (or holds long-term keys): needs `force`
  | 'duplicate' // the profile's section appears more than once: which one is meant is ambiguous
  | 'locked' // another writer held the lock for longer than our timeout
  | 'invalid-input' // a profile name or value that cannot be written safely
  | 'io'; // the file system refused (permissions, missing disk, …)

/**
 * An expected failure reading or writing `~/.aws/credentials` or `~/.aws/config`. The message names
 * the file and profile and says what to do; it never contains a key, secret or token.
 */
export class AwsFileError extends RolebarError {
  declare readonly code: AwsFileErrorCode;

  constructor(
    code: AwsFileErrorCode,
    message: string,
    options: { hint?: string; context?: Record<string, string | number | boolean>; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** Wraps a Node file-system error as an `io` AwsFileError naming the file, keeping the errno code only. */
export function ioError(action: string, file: string, cause: unknown): AwsFileError {
  if (cause instanceof AwsFileError) return cause;
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  return new AwsFileError('io', `Could not ${action} ${file} (${errno}).`, {
    hint: 'Check that the file and its folder exist and belong to you, then try again.',
    context: { file, errno },
    cause,
  });
}
