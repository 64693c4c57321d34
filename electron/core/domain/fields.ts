/**
 * The one definition of each input rule: profile name, label, region, role ARN and the other fields a user
 * types. Everything that checks a field derives from here: the core's validators (model.ts), the IPC
 * validators (ipc/contract.ts), the window's field checks (renderer/src/validation.ts), the CLI (through the
 * core), the credentials-file writer (aws-files/sections.ts) and the parsers of stored records (records.ts).
 * Plain TypeScript with no Node or Electron reference: the renderer bundles this file as it is.
 */

/** A problem with one field: what is wrong, and what to do. */
export interface FieldProblem {
  message: string;
  hint: string;
}

/** A rule for one text field. `normalize` turns what was typed into what is checked and stored. */
export interface TextRule {
  /** The field in the user's words: `profile name`. */
  readonly field: string;
  /** The longest accepted value (after normalising): also the IPC validator's size bound. */
  readonly maxLength: number;
  normalize(value: string): string;
  /** Undefined when the (normalised) value is fine. */
  problem(value: string): FieldProblem | undefined;
}

/** A rule's verdict on what was typed: the value to store, or the problem. */
export type Checked = { ok: true; value: string } | { ok: false; problem: FieldProblem };

/** Normalises `raw` with `rule` and checks it: the one way every user of a rule applies it. */
export function applyRule(rule: TextRule, raw: string): Checked {
  const value = rule.normalize(raw);
  const problem = rule.problem(value);
  return problem ? { ok: false, problem } : { ok: true, value };
}

const problem = (message: string, hint: string): FieldProblem => ({ message, hint });
const trim = (value: string) => value.trim();

/**
 * A value as it may be shown in a message: at most 64 characters, control characters escaped, so a newline
 * or an ANSI escape typed into a field cannot rewrite the terminal or the log line that reports it.
 */
export function shown(value: string): string {
  const cut = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return cut.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function pattern(field: string, re: RegExp, maxLength: number, bad: (v: string) => FieldProblem): TextRule {
  return { field, maxLength, normalize: trim, problem: (v) => (re.test(v) ? undefined : bad(v)) };
}

/**
 * A profile name in ~/.aws: letters, digits and `_ . @ + / : , -`, 1–128 characters, and not `DEFAULT`.
 * Those are safe in a `[name]` header, in `[profile name]` (botocore splits that with shell rules, so no
 * quotes or spaces) and on a command line. `DEFAULT` is configparser's defaults section: its keys would leak
 * into every profile. Emoji, spaces, quotes, `!` and control characters are refused.
 */
const PROFILE_NAME = /^[\p{L}\p{N}_.@+/:,-]{1,128}$/u;
/** A run of characters a profile name cannot hold (what a label's spaces and brackets become). */
const NOT_IN_PROFILE_NAME = /[^\p{L}\p{N}_.@+/:,-]+/u;

export const profileName: TextRule = {
  field: 'profile name',
  maxLength: 128,
  normalize: trim,
  problem: (v) =>
    PROFILE_NAME.test(v) && v !== 'DEFAULT'
      ? confusableProblem('profile name', v)
      : problem(
          `"${shown(v)}" cannot be used as an AWS profile name.`,
          'Use up to 128 letters, digits and - _ . @ + / : , only (no spaces or quotes, and not DEFAULT).',
        ),
};

/** Invisible format characters: zero-width space and joiners, word joiner, byte order mark, soft hyphen, marks. */
const INVISIBLE = /\p{Cf}/u;
const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

/**
 * Undefined unless `v` could pass for another name: it holds an invisible character, or one of its words mixes
 * Latin, Cyrillic and Greek letters (`prоd` with a Cyrillic о reads as `prod`). Names in one script are fine.
 */
export function confusableProblem(field: string, v: string): FieldProblem | undefined {
  const hint = 'Type the name again with one keyboard layout, without invisible characters.';
  if (INVISIBLE.test(v))
    return problem(
      `The ${field} "${shown(v)}" holds an invisible character, so it can pass for another.`,
      hint,
    );
  const mixed = v
    .split(/[^\p{L}]+/u)
    .some((word) => SCRIPTS.filter((script) => script.test(word)).length > 1);
  return mixed
    ? problem(
        `The ${field} "${shown(v)}" mixes Latin, Cyrillic or Greek letters in one word, so it can pass for another.`,
        hint,
      )
    : undefined;
}

/** Control characters and the bidi overrides that can disguise text: never part of a name shown in menus. */
const UNSHOWABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

function nameRule(field: string, maxLength: number, empty: FieldProblem): TextRule {
  return {
    field,
    maxLength,
    normalize: trim,
    problem: (v) => {
      if (v === '' || v.length > maxLength) return empty;
      return UNSHOWABLE.test(v)
        ? problem(
            `The ${field} "${shown(v)}" holds a line break or another control character.`,
            'Use ordinary text on one line.',
          )
        : confusableProblem(field, v);
    },
  };
}

/** A role's label: free text on one line, 1–128 characters. Its profile name is derived (profileNameFromLabel). */
export const label = nameRule(
  'label',
  128,
  problem('A role needs a label of 1–128 characters.', 'Give it a short name, such as "prod read-only".'),
);

/** An identity's name: free text on one line, 1–64 characters. */
export const identityName = nameRule(
  'identity name',
  64,
  problem('An identity needs a name of 1–64 characters.', 'For example "alice@dev".'),
);

/**
 * The profile name a label gives when no profile name is chosen: each run of characters a profile name cannot
 * hold becomes one `-`, and such runs at either end are dropped (`prod (ro)` → `prod-ro`, `bob's role` →
 * `bob-s-role`). The result may still be invalid (`DEFAULT`, or nothing left of `🚀`): callers check it.
 */
export function profileNameFromLabel(labelText: string): string {
  return labelText
    .trim()
    .split(NOT_IN_PROFILE_NAME)
    .filter((part) => part !== '')
    .join('-');
}

/**
 * Undefined when a role labelled `labelText` with no profile name of its own gets a usable profile; else the
 * problem, asked for before anything is saved (never at the writer, after the STS calls).
 */
export function derivedProfileProblem(labelText: string): FieldProblem | undefined {
  const derived = profileNameFromLabel(labelText);
  return profileName.problem(derived)
    ? problem(
        `The label "${shown(labelText.trim())}" gives no usable profile name ("${shown(derived)}").`,
        'Choose the profile name yourself (--profile NAME, or "Profile" in the window): letters, digits and - _ . @ + / : , only, not DEFAULT.',
      )
    : undefined;
}

/**
 * A region name: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`: a 2–4 letter
 * area, one or more words, and a number.
 */
export const region = pattern('region', /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, 32, (v) =>
  problem(
    `"${shown(v)}" is not an AWS region name.`,
    'Use a name such as us-east-1, eu-west-1, cn-north-1 or us-gov-west-1.',
  ),
);

/** `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`; groups: partition, account, path, name. */
export const ROLE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)?([\w+=,.@-]{1,64})$/;

/** A role ARN, checked and stored without the spaces around it. */
export const roleArn = pattern('role ARN', ROLE_ARN, 2048, (v) =>
  problem(
    `"${shown(v)}" is not a role ARN.`,
    'A role ARN looks like arn:aws:iam::123456789012:role/RoleName (the role name may include a path such as /team/).',
  ),
);

/** A role name, optionally with a path, looked up in the source account. */
export const roleName = pattern('role name', /^(\/?[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/, 512, (v) =>
  problem(`"${shown(v)}" is not a role name.`, 'Role names use letters, digits and + = , . @ _ -'),
);

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const sessionNameLike = (field: string) =>
  pattern(field, SESSION_NAME, 64, (v) =>
    problem(`The ${field} "${shown(v)}" is not valid.`, 'Use 2–64 letters, digits or + = , . @ _ -'),
  );

/** A role session name: 2–64 of `[\w+=,.@-]`. */
export const sessionName = sessionNameLike('session name');
/** A source identity: the same characters as a session name. */
export const sourceIdentity = sessionNameLike('source identity');

/** An external ID: 2–1224 of `[\w+=,.@:/-]`. */
export const externalId = pattern('external ID', /^[\w+=,.@:/-]{2,1224}$/, 1224, () =>
  problem('The external ID is not valid.', 'Use 2–1224 letters, digits or + = , . @ : / _ -'),
);

/** An MFA device serial: a virtual device ARN or a hardware serial, 9–256 characters. */
export const mfaSerial = pattern('MFA serial', /^[\w+=/:,.@-]{9,256}$/, 256, (v) =>
  problem(
    `"${shown(v)}" is not an MFA device serial.`,
    'Copy it from the IAM console: arn:aws:iam::123456789012:mfa/your-device, or a hardware token serial.',
  ),
);

/** An IAM Identity Center start URL (the AWS access portal): an https URL, as `sso_start_url` holds it. */
export const ssoStartUrl = pattern('start URL', /^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 512, (v) =>
  problem(
    `"${shown(v)}" is not an Identity Center start URL.`,
    'Copy the AWS access portal URL, such as https://my-company.awsapps.com/start.',
  ),
);

/** A 12-digit AWS account id. */
export const accountId = pattern('account ID', /^\d{12}$/, 12, (v) =>
  problem(`"${shown(v)}" is not an AWS account ID.`, 'An account ID is 12 digits.'),
);

/** An Identity Center permission set name (the portal's role name): 1–32 of `[\w+=,.@-]`. */
export const permissionSet = pattern('permission set', /^[\w+=,.@-]{1,32}$/, 32, (v) =>
  problem(
    `"${shown(v)}" is not a permission set name.`,
    'Use the name the AWS access portal shows (1–32 letters, digits or + = , . @ _ -).',
  ),
);

/** An MFA code: exactly 6 digits; spaces from copy-paste are removed. */
export const mfaCode: TextRule = {
  field: 'MFA code',
  maxLength: 12,
  normalize: (v) => v.replace(/\s+/g, ''),
  problem: (v) =>
    /^\d{6}$/.test(v)
      ? undefined
      : problem('An MFA code is exactly 6 digits.', 'Enter the current code from your MFA device.'),
};

/** A long-term access key id: 16–128 capital letters and digits, not a temporary `ASIA…` one. */
export const accessKeyId: TextRule = {
  field: 'access key id',
  maxLength: 128,
  normalize: trim,
  problem: (v) => {
    if (!/^[A-Z0-9]{16,128}$/.test(v)) {
      return problem(
        'That is not an access key id.',
        'An access key id has 20 upper-case letters and digits and starts with AKIA, as the IAM console shows it.',
      );
    }
    return v.startsWith('ASIA')
      ? problem(
          'That access key id belongs to temporary credentials.',
          'Rolebar stores long-term IAM user keys (AKIA…); temporary ones expire and need a session token.',
        )
      : undefined;
  },
};

/** A secret access key: 16–128 characters without spaces. Its messages never show it. */
export const secretAccessKey = pattern('secret access key', /^\S{16,128}$/, 128, () =>
  problem(
    'That does not look like a secret access key.',
    'A secret access key has 40 characters, without spaces; copy it again from where you saved it.',
  ),
);
