// The window checks fields with electron/core/field-rules.ts (browser-safe) and labels snippet formats from
// renderer/src/snippet-labels.ts; both must say what the core's own validators and SNIPPET_FORMATS say.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as rules from '../../electron/core/field-rules.js';
import * as model from '../../electron/core/model.js';
import { SNIPPET_FORMATS } from '../../electron/core/snippets.js';
import { checkRegion } from '../../electron/core/sts/endpoints.js';
import { SNIPPET_MENU } from '../../renderer/src/snippet-labels.js';

/** The core's verdict: undefined when accepted, else "message hint". */
function core(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    const e = error as { message: string; hint?: string };
    return `${e.message} ${e.hint ?? ''}`.trim();
  }
}
const words = (p: rules.FieldProblem | undefined) => p && `${p.message} ${p.hint}`;

const samples = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.stringMatching(/^[\w+=,.@:/ -]{0,70}$/),
  fc.constantFrom(
    'arn:aws:iam::222222222222:role/readonly',
    'arn:aws-cn:iam::123456789012:role/team/x/deploy',
    'arn:aws:iam::12345:role/x',
    'arn:aws:iam::111111111111:mfa/alice',
    'us-east-1',
    'us-gov-west-1',
    'eu-west',
    '123 456',
    '12345',
    'rolebar-alice',
    'a',
    'prod-readonly',
    'has space',
  ),
);

describe('the window refuses exactly what the core refuses', () => {
  const pairs: Array<[string, (v: string) => string | undefined, (v: string) => string | undefined]> = [
    ['role ARN', (v) => words(rules.roleArnProblem(v)), (v) => core(() => model.parseRoleArn(v))],
    ['session name', (v) => words(rules.sessionNameProblem(v)), (v) => core(() => model.checkSessionName(v))],
    ['external ID', (v) => words(rules.externalIdProblem(v)), (v) => core(() => model.checkExternalId(v))],
    ['MFA serial', (v) => words(rules.mfaSerialProblem(v)), (v) => core(() => model.checkMfaSerial(v))],
    ['MFA code', (v) => words(rules.mfaCodeProblem(v)), (v) => core(() => model.checkMfaCode(v))],
    ['profile name', (v) => words(rules.profileNameProblem(v)), (v) => core(() => model.checkProfileName(v))],
    ['region', (v) => words(rules.regionProblem(v)), (v) => core(() => checkRegion(v))],
  ];
  for (const [name, window, main] of pairs) {
    it(name, () =>
      fc.assert(
        fc.property(samples, (v) => assert.equal(window(v), main(v))),
        { numRuns: 300 },
      ),
    );
  }

  it('duration', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.double()), (n) =>
        assert.equal(
          words(rules.durationProblem(n)),
          core(() => model.checkDuration(n)),
        ),
      ),
    );
    assert.equal(rules.MIN_DURATION_SECONDS, model.MIN_DURATION_SECONDS);
    assert.equal(rules.MAX_ROLE_DURATION_SECONDS, model.MAX_ROLE_DURATION_SECONDS);
  });

  it('snippet formats and labels', () => {
    assert.deepEqual(
      SNIPPET_MENU,
      SNIPPET_FORMATS.map((f) => ({ ...f })),
    );
  });
});
