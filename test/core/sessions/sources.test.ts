// The credential sources: one per identity kind, and the only code that tells the kinds apart. The last test
// reads the tree, so a kind test written anywhere else fails here, naming the line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Identity } from '../../../electron/core/domain/model.js';
import {
  accessKeyIdOf,
  describeIdentity,
  identityKinds,
  sourceOf,
} from '../../../electron/core/sessions/sources/registry.js';
import { iamUserSource } from '../../../electron/core/sessions/sources/iam-user.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** One identity of each kind, as settings hold them. */
const ONE_OF_EACH: Identity[] = [
  { id: 'k', kind: 'iam-user', name: 'keys', accessKeyId: 'AKIAEXAMPLE000000001' },
  { id: 'p', kind: 'aws-profile', name: 'profile', profile: 'dev' },
  { id: 'c', kind: 'credential-source', name: 'ec2', source: 'Ec2InstanceMetadata' },
  {
    id: 's',
    kind: 'identity-center',
    name: 'acme',
    startUrl: 'https://acme.awsapps.com/start',
    ssoRegion: 'eu-west-1',
    awsCliCache: true,
  },
];

describe('the credential sources', () => {
  it('has one source for every kind, each finding its own kind', () => {
    assert.deepEqual(identityKinds().sort(), ONE_OF_EACH.map((i) => i.kind).sort());
    for (const identity of ONE_OF_EACH) {
      const { traits } = sourceOf(identity);
      assert.equal(traits.kind, identity.kind);
      // The registry's two tables agree: the traits the light lookups use are the source's own.
      assert.equal(traits.summary(identity), describeIdentity(identity).summary);
      assert.deepEqual(traits.can, describeIdentity(identity).can);
    }
  });

  it('says what each identity shows and can do, which the CLI and the window ask instead of the kind', () => {
    assert.deepEqual(
      ONE_OF_EACH.map((i) => [describeIdentity(i).summary, describeIdentity(i).can]),
      [
        ['AKIAEXAMPLE000000001', { keys: true, mfaDevice: true, signIn: false }],
        ['profile dev', { keys: false, mfaDevice: true, signIn: false }],
        ['Ec2InstanceMetadata', { keys: false, mfaDevice: true, signIn: false }],
        ['sso https://acme.awsapps.com/start', { keys: false, mfaDevice: false, signIn: true }],
      ],
    );
    assert.deepEqual(describeIdentity(ONE_OF_EACH[3] as Identity).details, {
      startUrl: 'https://acme.awsapps.com/start',
      awsCliCache: true,
    });
    assert.deepEqual(ONE_OF_EACH.map(accessKeyIdOf), [
      'AKIAEXAMPLE000000001',
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('refuses a new identity whose fields break their rules, before anything is saved', () => {
    assert.throws(
      () =>
        iamUserSource.draft({
          kind: 'iam-user',
          name: 'x',
          accessKeyId: 'not-a-key',
          secretAccessKey: 'S'.repeat(40),
        }),
      { code: 'invalid-input' },
    );
  });
});

/** Every .ts file under `dir`, relative to the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file));
}

/**
 * The lines that branch on an identity kind: `x.kind === 'iam-user'` (or !==, either way round) and
 * `case 'iam-user':`. Building an identity (`kind: 'iam-user'`) and the Identity union itself are not branches.
 */
function kindTests(text: string, kinds: readonly string[]): number[] {
  const kind = `['"](?:${kinds.join('|')})['"]`;
  const branch = new RegExp(
    `\\.kind\\s*[!=]==?\\s*${kind}|${kind}\\s*[!=]==?\\s*[\\w$?.\\]]*\\.kind\\b|\\bcase\\s+${kind}\\s*:`,
  );
  return text.split('\n').flatMap((line, index) => (branch.test(line) ? [index + 1] : []));
}

describe('no code outside the sources branches on the identity kind', () => {
  // The sources and their registry are where the kinds live; the emulator plays AWS, not Rolebar.
  const allowed = [path.join('electron', 'core', 'sessions', 'sources'), path.join('electron', 'emulator')];

  it('finds the kind tests it is meant to find (and none in a plain construction)', () => {
    const kinds = ['iam-user', 'identity-center'];
    assert.deepEqual(
      kindTests(
        [
          "if (identity.kind === 'iam-user') return;",
          "const x = identity?.kind !== 'identity-center';",
          "'iam-user' === identity.kind;",
          "  case 'identity-center':",
          "addIdentity({ kind: 'iam-user', name });",
          "type A = { kind: 'iam-user' };",
          "role.source.kind === 'identity';",
        ].join('\n'),
        kinds,
      ),
      [1, 2, 3, 4],
    );
  });

  it('in electron/ and renderer/', () => {
    const found = [...sourceFiles('electron'), ...sourceFiles(path.join('renderer', 'src'))]
      .filter((file) => !allowed.some((dir) => file.startsWith(dir + path.sep)))
      .flatMap((file) =>
        kindTests(readFileSync(path.join(root, file), 'utf8'), identityKinds()).map(
          (line) => `${file}:${line}`,
        ),
      );
    assert.deepEqual(found, [], 'ask the identity’s credential source (sources/registry.ts) instead');
  });
});
