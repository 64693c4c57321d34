/**
 * The input rules of electron/core/model.ts and sts/endpoints.ts as plain functions with no Node or Electron
 * reference, so that the renderer (a browser bundle) checks each field with the same rules and words before
 * anything is sent. Each returns undefined when the value is fine, else what is wrong and what to do.
 * test/browser/validation.test.ts checks that these agree with the core's own validators.
 */

/** A problem with one field: what is wrong, and what to do. */
export interface FieldProblem {
  message: string;
  hint: string;
}

/** The AssumeRole limit, whatever the role allows: 15 minutes to 12 hours (as model.ts). */
export const MIN_DURATION_SECONDS = 900;
export const MAX_ROLE_DURATION_SECONDS = 43_200;

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)?([\w+=,.@-]{1,64})$/;
const ROLE_NAME = /^(\/?[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

const problem = (message: string, hint: string): FieldProblem => ({ message, hint });

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
export function roleArnProblem(arn: string): FieldProblem | undefined {
  return ROLE_ARN.test(arn.trim())
    ? undefined
    : problem(
        `"${arn}" is not a role ARN.`,
        'A role ARN looks like arn:aws:iam::123456789012:role/RoleName (the role name may include a path such as /team/).',
      );
}

/** A role name, optionally with a path, looked up in the source account. */
export function roleNameProblem(name: string): FieldProblem | undefined {
  return ROLE_NAME.test(name)
    ? undefined
    : problem(`"${name}" is not a role name.`, 'Role names use letters, digits and + = , . @ _ -');
}

/** A role session name: 2–64 of `[\w+=,.@-]`. */
export function sessionNameProblem(value: string): FieldProblem | undefined {
  return /^[\w+=,.@-]{2,64}$/.test(value)
    ? undefined
    : problem(`The session name "${value}" is not valid.`, 'Use 2–64 letters, digits or + = , . @ _ -');
}

/** An external ID: 2–1224 of `[\w+=,.@:/-]`. */
export function externalIdProblem(value: string): FieldProblem | undefined {
  return /^[\w+=,.@:/-]{2,1224}$/.test(value)
    ? undefined
    : problem('The external ID is not valid.', 'Use 2–1224 letters, digits or + = , . @ : / _ -');
}

/** An MFA device serial: a virtual device ARN or a hardware serial, 9–256 characters. */
export function mfaSerialProblem(value: string): FieldProblem | undefined {
  return /^[\w+=/:,.@-]{9,256}$/.test(value)
    ? undefined
    : problem(
        `"${value}" is not an MFA device serial.`,
        'Copy it from the IAM console: arn:aws:iam::123456789012:mfa/your-device, or a hardware token serial.',
      );
}

/** An MFA code: exactly 6 digits once spaces are removed. */
export function mfaCodeProblem(value: string): FieldProblem | undefined {
  return /^\d{6}$/.test(value.replace(/\s+/g, ''))
    ? undefined
    : problem('An MFA code is exactly 6 digits.', 'Enter the current code from your MFA device.');
}

/** A role session duration in whole seconds, 900–43200. */
export function durationProblem(seconds: number): FieldProblem | undefined {
  return Number.isInteger(seconds) && seconds >= MIN_DURATION_SECONDS && seconds <= MAX_ROLE_DURATION_SECONDS
    ? undefined
    : problem(
        `A role session lasts 900–43200 seconds (15 minutes to 12 hours); ${seconds} is outside that.`,
        "Choose a duration in that range, and no longer than the role's maximum session duration.",
      );
}

/** A credentials-file profile name. */
export function profileNameProblem(value: string): FieldProblem | undefined {
  return /^[^\s[\]#;=]{1,128}$/.test(value)
    ? undefined
    : problem(
        `"${value}" cannot be used as a profile name.`,
        'Use up to 128 characters without spaces or any of [ ] # ; =',
      );
}

/** An AWS region name. */
export function regionProblem(region: string): FieldProblem | undefined {
  return REGION.test(region)
    ? undefined
    : problem(
        `"${region}" is not an AWS region name.`,
        'Use a name such as us-east-1, eu-west-1, cn-north-1 or us-gov-west-1.',
      );
}
