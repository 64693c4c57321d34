import { stsErrors } from './errors.js';

/** Request parameters of one STS call (last value wins for repeated names). */
export type Params = ReadonlyMap<string, string>;

/** AWS pattern texts, shown in validation messages exactly as STS prints them. */
export const PATTERNS = {
  sessionName: '[\\w+=,.@-]*',
  externalId: '[\\w+=,.@:\\/-]*',
  serialNumber: '[\\w+=/:,.@-]*',
  tokenCode: '[\\d]*',
  tagKey: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
  tagValue: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
} as const;

const REGEX: Record<keyof typeof PATTERNS, RegExp> = {
  sessionName: /^[\w+=,.@-]*$/,
  externalId: /^[\w+=,.@:/-]*$/,
  serialNumber: /^[\w+=/:,.@-]*$/,
  tokenCode: /^\d*$/,
  tagKey: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  tagValue: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
};

function shown(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}

/** Collects AWS-style constraint violations, then throws one ValidationError listing them all. */
export class Validator {
  private readonly problems: string[] = [];

  private fail(field: string, value: string | null, constraint: string): void {
    const v = value === null ? 'null' : `'${shown(value)}'`;
    this.problems.push(`Value ${v} at '${field}' failed to satisfy constraint: Member must ${constraint}`);
  }

  /** Required parameter. Returns the value (or undefined after recording the problem). */
  required(field: string, value: string | undefined): string | undefined {
    if (value === undefined) this.fail(field, null, 'not be null');
    return value;
  }

  /** Length in [min, max] (characters). */
  length(field: string, value: string | undefined, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.fail(field, value, `have length greater than or equal to ${min}`);
    else if (value.length > max) this.fail(field, value, `have length less than or equal to ${max}`);
  }

  /** Matches one of STS's documented patterns. */
  pattern(field: string, value: string | undefined, which: keyof typeof PATTERNS): void {
    if (value !== undefined && !REGEX[which].test(value)) {
      this.fail(field, value, `satisfy regular expression pattern: ${PATTERNS[which]}`);
    }
  }

  /** An integer parameter in [min, max]; returns it (undefined when absent or invalid). */
  integer(field: string, raw: string | undefined, min: number, max: number): number | undefined {
    if (raw === undefined) return undefined;
    const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (Number.isNaN(n)) {
      this.problems.push(
        `Value '${shown(raw)}' at '${field}' failed to satisfy constraint: Member must be a number`,
      );
      return undefined;
    }
    if (n < min) this.fail(field, raw, `have value greater than or equal to ${min}`);
    else if (n > max) this.fail(field, raw, `have value less than or equal to ${max}`);
    else return n;
    return undefined;
  }

  /** A list parameter's size. */
  listSize(field: string, size: number, max: number): void {
    if (size > max)
      this.problems.push(
        `Value '[...]' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
      );
  }

  /** Throws ValidationError when any problem was recorded. */
  done(): void {
    if (this.problems.length > 0) throw stsErrors.validation(this.problems);
  }
}

/** Reads `Name.member.1`, `Name.member.2`, … (stops at the first gap). */
export function memberList(params: Params, name: string, suffix = ''): string[] {
  const out: string[] = [];
  for (let i = 1; ; i++) {
    const v = params.get(`${name}.member.${i}${suffix}`);
    if (v === undefined) return out;
    out.push(v);
  }
}

/** Reads `Tags.member.N.Key` / `Tags.member.N.Value` pairs. */
export function tagList(params: Params): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (let i = 1; ; i++) {
    const key = params.get(`Tags.member.${i}.Key`);
    if (key === undefined) return out;
    out.push({ key, value: params.get(`Tags.member.${i}.Value`) ?? '' });
  }
}

/**
 * Validates the session tags and transitive tag keys shared by AssumeRole and GetFederationToken;
 * returns them as a map plus lower-cased transitive keys.
 */
export function readTags(
  params: Params,
  v: Validator,
): { tags: Map<string, string>; transitive: Set<string> } {
  const list = tagList(params);
  const transitiveRaw = memberList(params, 'TransitiveTagKeys');
  v.listSize('tags', list.length, 50);
  v.listSize('transitiveTagKeys', transitiveRaw.length, 50);
  list.forEach((t, i) => {
    v.length(`tags.${i + 1}.member.key`, t.key, 1, 128);
    v.pattern(`tags.${i + 1}.member.key`, t.key, 'tagKey');
    v.length(`tags.${i + 1}.member.value`, t.value, 0, 256);
    v.pattern(`tags.${i + 1}.member.value`, t.value, 'tagValue');
  });
  v.done();
  const tags = new Map<string, string>();
  const seen = new Set<string>();
  for (const t of list) {
    if (seen.has(t.key.toLowerCase())) {
      throw stsErrors.validationMessage(
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    }
    seen.add(t.key.toLowerCase());
    tags.set(t.key, t.value);
  }
  const transitive = new Set(transitiveRaw.map((k) => k.toLowerCase()));
  for (const k of transitive) {
    if (!seen.has(k))
      throw stsErrors.validationMessage(
        'The specified transitive tag key must be included in the requested tags.',
      );
  }
  return { tags, transitive };
}
