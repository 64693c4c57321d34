import { printable } from './printable.js';

/**
 * The base of every error Rolebar shows a user. `message` says what went wrong, `hint` what to do
 * about it; `code` is stable for programs (the CLI's exit codes, IPC's `{ ok: false, error }`).
 * Neither ever holds a secret: build them from names, ARNs and codes only.
 */
export class RolebarError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly context: Readonly<Record<string, string | number | boolean>>;

  constructor(
    code: string,
    message: string,
    options: {
      hint?: string;
      context?: Record<string, string | number | boolean>;
      cause?: unknown;
    } = {},
  ) {
    // Messages quote what others sent (AWS's <Message>, a server's headers, a file's text): never raw.
    super(printable(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint === undefined ? undefined : printable(options.hint);
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }

  /** One line for a terminal or a toast: the message, then what to do. */
  toUserString(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** The shape an expected failure takes when it crosses IPC or is printed as JSON. */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
}

/** Turns any thrown value into something safe to show: our own errors keep their text, others a generic one. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof RolebarError) {
    return error.hint === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, hint: error.hint };
  }
  // Foreign errors may quote request parameters; show only their class, never their text verbatim.
  const name = error instanceof Error ? error.name : typeof error;
  return { code: 'internal', message: `Unexpected ${name}. See the log for details.` };
}

/** Where a failed AWS call came from, for its `code` prefix (`sts-…`, `iam-…`). */
export type AwsService = 'sts' | 'iam';

/** AWS's own words and what else an AwsCallError carries besides its message and hint. */
export interface AwsErrorDetails {
  awsCode?: string;
  awsMessage?: string;
  cause?: unknown;
  context?: Record<string, string>;
}

/**
 * A failed AWS call: `failure` in Rolebar's words (the code is `<service>-<failure>`), plus AWS's own code and
 * message when AWS answered. Names, ARNs and codes only: never a secret.
 */
export class AwsCallError<F extends string> extends RolebarError {
  readonly failure: F;
  readonly awsCode: string | undefined;
  readonly awsMessage: string | undefined;

  constructor(service: AwsService, failure: F, message: string, hint: string, details: AwsErrorDetails = {}) {
    super(`${service}-${failure}`, message, {
      hint,
      cause: details.cause,
      context: { ...(details.context ?? {}), ...(details.awsCode ? { awsCode: details.awsCode } : {}) },
    });
    this.failure = failure;
    this.awsCode = details.awsCode === undefined ? undefined : printable(details.awsCode);
    this.awsMessage = details.awsMessage === undefined ? undefined : printable(details.awsMessage);
  }
}
