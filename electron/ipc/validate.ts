/**
 * Tiny run-time checks for IPC payloads: the renderer is untrusted, so every argument is checked for shape
 * before a handler sees it. Each validator returns the typed value or throws a TypeError naming the field.
 * Plain TypeScript, no dependencies, shared by the main process and the tests.
 */

import { applyRule, type TextRule } from '../core/domain/fields.js';
import { alertThresholdMin, type IntRange, inRange, MAX_ALERT_THRESHOLDS } from '../core/domain/limits.js';
import { type PreferenceRule, type Preferences, preferenceRules } from '../core/domain/preferences.js';

/** Checks an unknown value and returns it typed, or throws. */
export type Validator<T> = (value: unknown, path?: string) => T;

function fail(path: string, expected: string): never {
  throw new TypeError(`${path || 'argument'} must be ${expected}`);
}

/** A string of `min`..`max` characters on one line unless `multiline`. */
export function str(options: { min?: number; max?: number; multiline?: boolean } = {}): Validator<string> {
  const { min = 0, max = 4096, multiline = false } = options;
  return (value, path = '') => {
    if (typeof value !== 'string') fail(path, 'a string');
    if (value.length < min || value.length > max) fail(path, `${min}–${max} characters`);
    if (!multiline && /[\r\n\0]/.test(value)) fail(path, 'one line');
    return value;
  };
}

/** A whole number in [min, max]. */
export function int(min: number, max: number): Validator<number> {
  return (value, path = '') => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(path, `a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

/**
 * A text field checked by its rule (electron/core/rules/fields.ts): a string, normalised and checked by the
 * rule, so it refuses exactly what the core refuses. Returns the normalised value, the one the core stores.
 */
export function rule(textRule: TextRule): Validator<string> {
  return (value, path = '') => {
    if (typeof value !== 'string') fail(path, 'a string');
    // Room for the spaces normalising removes; the rule bounds the rest.
    if (value.length > textRule.maxLength + 64) fail(path, `at most ${textRule.maxLength} characters`);
    const checked = applyRule(textRule, value);
    if (!checked.ok) fail(path, `a valid ${textRule.field} (${checked.problem.message})`);
    return checked.value;
  };
}

/** A whole number inside one of the numeric rules (electron/core/rules/limits.ts). */
export function range(bounds: IntRange): Validator<number> {
  return (value, path = '') => {
    if (!inRange(bounds, value)) fail(path, `a whole number from ${bounds.min} to ${bounds.max}`);
    return value;
  };
}

/** true or false. */
export const bool: Validator<boolean> = (value, path = '') => {
  if (typeof value !== 'boolean') fail(path, 'true or false');
  return value;
};

/** One of the given strings. */
export function oneOf<const T extends string>(...options: T[]): Validator<T> {
  return (value, path = '') => {
    if (typeof value !== 'string' || !(options as string[]).includes(value))
      fail(path, `one of ${options.join(', ')}`);
    return value as T;
  };
}

/** The value may be absent (undefined). */
export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (value, path) => (value === undefined ? undefined : inner(value, path));
}

/** The value may be null (meaning "clear this field"). */
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (value, path) => (value === null ? null : inner(value, path));
}

/** A list of at most `max` items. */
export function list<T>(item: Validator<T>, max = 100): Validator<T[]> {
  return (value, path = '') => {
    if (!Array.isArray(value) || value.length > max) fail(path, `a list of at most ${max} items`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };
}

type Shape = Record<string, Validator<unknown>>;
type FromShape<S extends Shape> = {
  [K in keyof S as undefined extends ReturnType<S[K]> ? never : K]: ReturnType<S[K]>;
} & {
  [K in keyof S as undefined extends ReturnType<S[K]> ? K : never]?: ReturnType<S[K]>;
};

/** A plain object with exactly these fields (unknown fields are refused, so nothing unexpected reaches a handler). */
export function object<S extends Shape>(shape: S): Validator<FromShape<S>> {
  return (value, path = '') => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object');
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(key in shape)) fail(`${path ? `${path}.` : ''}${key}`, 'absent (unknown field)');
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const checked = check(record[key], `${path ? `${path}.` : ''}${key}`);
      if (checked !== undefined) out[key] = checked;
    }
    return out as FromShape<S>;
  };
}

/** A validator followed by a check across its fields; `problem` returns what is wrong, or undefined. */
export function refine<T>(inner: Validator<T>, problem: (value: T) => string | undefined): Validator<T> {
  return (value, path = '') => {
    const checked = inner(value, path);
    const found = problem(checked);
    if (found) throw new TypeError(`${path || 'argument'} is not valid: ${found}`);
    return checked;
  };
}

/** Checks an argument list of exactly these validators. */
export function args<const V extends readonly Validator<unknown>[]>(
  ...validators: V
): (raw: readonly unknown[]) => { [I in keyof V]: ReturnType<V[I]> } {
  return (raw) => {
    if (raw.length !== validators.length) {
      throw new TypeError(`expected ${validators.length} argument(s), got ${raw.length}`);
    }
    return validators.map((check, i) => check(raw[i], `argument ${i + 1}`)) as {
      [I in keyof V]: ReturnType<V[I]>;
    };
  };
}

/** One preference's check, from its rule (core/domain/preferences.ts). */
function preference(rule: PreferenceRule): Validator<unknown> {
  switch (rule.kind) {
    case 'boolean':
      return bool;
    case 'int':
      return range(rule.range);
    case 'choice':
      return oneOf(...rule.choices);
    case 'thresholds':
      return list(range(alertThresholdMin), MAX_ALERT_THRESHOLDS);
  }
}

/** A change to the preferences: any of their fields, each checked by its rule; an unknown field is refused. */
export function preferencesPatch(): Validator<Partial<Preferences>> {
  const shape = Object.fromEntries(preferenceRules().map(([key, rule]) => [key, optional(preference(rule))]));
  // The shape is built from the table typed by Preferences, field for field: what it returns is a Partial<Preferences>.
  return object(shape) as Validator<Partial<Preferences>>;
}
