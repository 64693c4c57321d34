// The window checks fields with renderer/src/validation.ts, built on electron/core/rules (browser-safe); its
// verdicts and words must be the core's own validators' (model.ts, endpoints.ts) on any input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as model from '../../electron/core/domain/model.js';
import { SNIPPET_FORMATS } from '../../electron/core/features/outputs/snippets.js';
import { checkRegion } from '../../electron/core/domain/endpoints.js';
import { checks } from '../../renderer/src/validation.js';

/** The core's verdict: undefined when accepted, else "message hint". */
function core(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const hint = 'hint' in e && typeof e.hint === 'string' ? e.hint : '';
    return `${e.message} ${hint}`.trim();
  }
}

const samples = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^[\w+=,.@:/ -]{1,70}$/),
  fc.constantFrom(
    'arn:aws:iam::222222222222:role/readonly',
    '  arn:aws:iam::222222222222:role/readonly ',
    'arn:aws-cn:iam::123456789012:role/team/x/deploy',
    'arn:aws:iam::12345:role/x',
    'arn:aws:iam::111111111111:mfa/alice',
    'us-east-1',
    'us-gov-west-1',
    'eusc-de-east-1',
    'eu-west',
    '123 456',
    'rolebar-alice',
    'prod (ro)',
    "bob's role",
    'DEFAULT',
    'a\nb',
    '\u001b[31mred',
    '🚀',
  ),
);
// Empty optional fields mean "not given" in the window: the core never sees them.
const given = samples.filter((v) => v.trim() !== '');

describe('the window refuses exactly what the core refuses, in the same words', () => {
  const pairs: Array<[string, (v: string) => string | undefined, (v: string) => unknown]> = [
    ['session name', checks.sessionName, (v) => model.checkSessionName(v)],
    ['external ID', checks.externalId, (v) => model.checkExternalId(v)],
    ['MFA serial', checks.mfaSerial, (v) => model.checkMfaSerial(v)],
    ['profile name', checks.profileName, (v) => model.checkProfileName(v)],
    ['region', checks.region, (v) => checkRegion(v)],
  ];
  for (const [name, window, main] of pairs) {
    it(name, () =>
      fc.assert(
        fc.property(given, (v) =>
          assert.equal(
            window(v),
            core(() => main(v)),
          ),
        ),
        { numRuns: 300 },
      ),
    );
  }

  it('role ARN or name', () =>
    fc.assert(
      fc.property(given, (v) =>
        assert.equal(
          checks.roleArnOrName(v),
          core(() =>
            v.trim().startsWith('arn:')
              ? model.parseRoleArn(v)
              : model.checkRole({
                  id: 'r',
                  label: 'x',
                  roleName: v,
                  source: { kind: 'identity', id: 'i' },
                  mfa: false,
                }),
          ),
        ),
      ),
      { numRuns: 300 },
    ));

  it('MFA code', () =>
    fc.assert(
      fc.property(samples, (v) =>
        assert.equal(
          checks.mfaCode(v),
          core(() => model.checkMfaCode(v)),
        ),
      ),
    ));

  it('duration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), (n) =>
        assert.equal(
          checks.duration(String(n)),
          core(() => model.checkDuration(n)),
        ),
      ),
    );
  });

  it('snippet formats and labels come from one list', () => {
    assert.deepEqual(
      SNIPPET_FORMATS.map((f) => f.id),
      ['bash', 'fish', 'powershell', 'cmd', 'dotenv', 'json'],
    );
  });
});
