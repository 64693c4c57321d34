// The settings schema is checked by our own small walker (json-schema.ts) instead of conf's ajv, which cost every
// CLI start ~50 ms. The walker must say yes and no exactly where ajv (what conf used) does, on the real schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { assertCheckableSchema, schemaViolations } from '../../../electron/core/store/json-schema.js';
import * as limits from '../../../electron/core/domain/limits.js';
import { DEFAULT_PREFERENCES, SETTINGS_FILE_SCHEMA } from '../../../electron/core/store/settings.js';

const ajvCheck = new Ajv2020({ allErrors: true }).compile(SETTINGS_FILE_SCHEMA);
const ok = (value: unknown) => schemaViolations(SETTINGS_FILE_SCHEMA, value).length === 0;

const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('system', 'light', 'dark'),
);
// The bounds of every limit (rules/limits.ts) and one past each, where an off-by-one would hide.
const edge = fc.constantFrom(
  ...[limits.alertThresholdMin, limits.refreshMarginMin, limits.clipboardClearSeconds].flatMap((r) => [
    r.min - 1,
    r.min,
    r.max,
    r.max + 1,
  ]),
);
/** Mostly `valid`, sometimes anything: most generated files then break at most one rule, where a wrong check shows. */
const mostly = <T>(valid: fc.Arbitrary<T>, ...others: Array<fc.Arbitrary<unknown>>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, ...others.map((arbitrary) => ({ arbitrary, weight: 1 })));
const record = mostly(
  fc.record({ id: fc.string({ minLength: 1, maxLength: 2 }) }),
  fc.record({ id: anyValue }, { requiredKeys: [] }),
  anyValue,
);
const preferences = fc
  .tuple(
    fc.record({
      alertThresholdsMin: mostly(
        fc.array(mostly(fc.integer({ min: 1, max: 720 }), edge, anyValue), {
          maxLength: limits.MAX_ALERT_THRESHOLDS + 1,
        }),
        anyValue,
      ),
      refreshMarginMin: mostly(fc.integer({ min: 1, max: 60 }), edge, anyValue),
      clipboardClearSeconds: mostly(fc.integer({ min: 0, max: 3600 }), edge, anyValue),
      notifications: mostly(fc.boolean(), anyValue),
      launchAtLogin: mostly(fc.boolean(), anyValue),
      theme: mostly(fc.constantFrom('system', 'light', 'dark'), anyValue),
    }),
    fc.option(fc.constantFrom('notifications', 'theme', 'extra')),
    anyValue,
  )
  // Now and then a field is missing, or one too many.
  .map(([prefs, key, value]) => {
    const out: Record<string, unknown> = { ...prefs };
    if (key === 'extra') out.extra = value;
    else if (key !== null) delete out[key];
    return out;
  });
const settings = mostly(
  fc.record(
    {
      identities: mostly(fc.array(record, { maxLength: 3 }), anyValue),
      roles: fc.array(record, { maxLength: 3 }),
      sessions: fc.array(record, { maxLength: 2 }),
      catalogs: fc.array(record, { maxLength: 2 }),
      preferences: mostly(preferences, anyValue),
      __internal__: fc.constant({ migrations: { version: '1.0.0' } }),
    },
    { requiredKeys: ['preferences'] },
  ),
  anyValue,
  fc.array(anyValue),
);

describe('the settings schema checker', () => {
  it('agrees with ajv on every generated settings file', () => {
    fc.assert(
      fc.property(settings, (value) => assert.equal(ok(value), ajvCheck(value), JSON.stringify(value))),
      { numRuns: 3000 },
    );
  });

  it('names the path and the rule, in the words conf used', () => {
    const file = { roles: [{ id: '' }], preferences: { ...DEFAULT_PREFERENCES, refreshMarginMin: 0 } };
    assert.deepEqual(schemaViolations(SETTINGS_FILE_SCHEMA, file), [
      '`roles/0/id` must NOT have fewer than 1 characters',
      '`preferences/refreshMarginMin` must be >= 1',
    ]);
  });

  it('refuses a schema keyword it would not check, so no rule is silently dropped', () => {
    // Parsed, as a schema someone extended would arrive: the type would not let `pattern` through.
    const extended: unknown = JSON.parse('{"type":"string","pattern":"^a"}');
    assert.throws(() => assertCheckableSchema(Object.assign({}, extended)), /pattern/);
  });
});
