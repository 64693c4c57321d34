import { RolebarError } from '../domain/errors.js';
import { LockedError } from '../platform/lock.js';

/** Why an AWS shared-file operation was refused or failed; stable for programs and tests. */
export type AwsFileErrorCode =
  | 'not-owned' // the section exists and is not ours (or holds long-term keys): needs `force`
  | 'duplicate' // the profile's section appears more than once: which one is meant is ambiguous
  | 'locked' // another writer held the lock for longer than our timeout
  | 'invalid-input' // a profile name or value that cannot be written safely
  | 'not-a-file' // the path is a folder, FIFO, socket or device: refused, never replaced
  | 'not-text' // the file holds binary data, not an INI text file: refused, never changed
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

/**
 * Wraps a Node file-system error as an `io` AwsFileError naming the file, keeping the errno code only. The file's
 * lock timing out stays 'locked' (the lock's own code and words), as an AwsFileError like every failure here.
 */
export function ioError(action: string, file: string, cause: unknown): AwsFileError {
  if (cause instanceof AwsFileError) return cause;
  if (cause instanceof LockedError) {
    const options = { context: { ...cause.context }, cause };
    return new AwsFileError('locked', cause.message, cause.hint ? { ...options, hint: cause.hint } : options);
  }
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  return new AwsFileError('io', `Could not ${action} ${file} (${errno}).`, {
    hint: 'Check that the file and its folder exist and belong to you, then try again.',
    context: { file, errno },
    cause,
  });
}

/** The refusal for a path that is not a regular file: named, with its kind, never replaced. */
export function notRegularFile(file: string, kind: string): AwsFileError {
  return new AwsFileError('not-a-file', `${file} is ${kind}, not a regular file; Rolebar left it as it is.`, {
    hint: 'Point AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE at a regular file (or unset them to use ~/.aws), or move that path aside.',
    context: { file, kind },
  });
}

/** The refusal for a symlink at `file` that points into a folder that does not exist: nothing is created. */
export function danglingLink(file: string, target: string): AwsFileError {
  return new AwsFileError(
    'not-a-file',
    `${file} is a symbolic link to ${target}, whose folder does not exist; Rolebar created nothing.`,
    {
      hint: 'Create that folder if the link is right, or remove the link so that Rolebar writes a regular file there.',
      context: { file, target },
    },
  );
}

/** The refusal for a file that holds binary data: named, never changed. */
export function notTextFile(file: string): AwsFileError {
  return new AwsFileError(
    'not-text',
    `${file} is not a text file (it holds binary data); Rolebar left it as it is.`,
    {
      hint: 'Check what wrote that file, move it aside, and try again: the AWS tools read only text INI files there.',
      context: { file },
    },
  );
}
