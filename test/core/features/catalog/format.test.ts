// The catalog format's field check: a known field whose name merely contains a forbidden word ("description"
// holds "script") is accepted; a secret or code-running field is refused, naming the line; so is an unknown one.
// Big catalogs: chains capped at MAX_CHAIN_HOPS hops, at most MAX_CATALOG_ROLES roles, each refused by name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asRole, chainPlace, parseCatalog } from '../../../../electron/core/features/catalog/format.js';
import type { RolebarError } from '../../../../electron/core/domain/errors.js';
import { MAX_CATALOG_ROLES, MAX_CHAIN_HOPS } from '../../../../electron/core/domain/limits.js';
import { takeCredential } from '../../../../electron/core/features/catalog/fetch.js';

const text = (role: Record<string, unknown>) =>
  JSON.stringify(
    {
      rolebarCatalog: 1,
      description: 'The acme accounts',
      accounts: [{ id: '222222222222', name: 'prod' }],
      roles: [{ id: 'ro', account: 'prod', roleName: 'readonly', ...role }],
    },
    null,
    2,
  );

describe('the catalog format', () => {
  it('accepts "description" (it contains "script", but it is a known field)', () => {
    const catalog = parseCatalog(text({ description: 'Read-only access' }), 'acme.json');
    assert.equal(catalog.roles[0]?.description, 'Read-only access');
    assert.equal(catalog.roles[0]?.roleArn, 'arn:aws:iam::222222222222:role/readonly');
  });

  it('never claims the profile "default", by profileName or by label', () => {
    for (const role of [{ profileName: 'default' }, { label: 'default' }]) {
      assert.throws(
        () => parseCatalog(text(role), 'acme.json'),
        /acme\.json, line \d+: A catalog role may not use the profile "default"/,
      );
    }
    // With a prefix it is another profile: allowed.
    const prefixed = JSON.parse(text({ profileName: 'default' })) as Record<string, unknown>;
    prefixed.profilePrefix = 'acme-';
    assert.equal(
      asRole(parseCatalog(JSON.stringify(prefixed), 'acme.json').roles[0]!, 'acme-', {
        kind: 'identity',
        id: 'x',
      }).profileName,
      'acme-default',
    );
  });

  it('refuses a profile name or label that can pass for another: mixed scripts, zero-width characters', () => {
    for (const role of [
      { profileName: 'pr\u043ed' }, // a Cyrillic о
      { label: 'pr\u043ed' },
      { profileName: 'prod\u200b' },
      { label: 'prod\u200bro' },
      { label: '\u03c1rod' }, // a Greek rho
    ]) {
      assert.throws(
        () => parseCatalog(text(role), 'acme.json'),
        /can pass for another|cannot be used as an AWS profile name/,
        JSON.stringify(role),
      );
    }
    // One script per word is fine, whatever the script.
    assert.equal(
      parseCatalog(text({ label: 'прод readonly' }), 'acme.json').roles[0]?.label,
      'прод readonly',
    );
  });

  it('refuses a secret field and an unknown field, naming the file and the line', () => {
    const secret = text({ secretAccessKey: 'x' });
    const line = secret.split('\n').findIndex((l) => l.includes('secretAccessKey')) + 1;
    assert.throws(
      () => parseCatalog(secret, 'acme.json'),
      new RegExp(`acme\\.json, line ${line}: "secretAccessKey" is not allowed`),
    );
    assert.throws(
      () => parseCatalog(text({ colour: 'red' }), 'acme.json'),
      /line \d+: unknown field "colour"/,
    );
  });
});

describe('a credential in a catalog source URL', () => {
  it('is taken out of the URL, decoded, and a malformed escape is kept as typed instead of throwing', () => {
    const plain = takeCredential({ kind: 'url', url: 'https://deploy:t%40ken@example.com/catalog.json' });
    assert.equal(plain.credential, 'deploy:t@ken');
    assert.deepEqual(plain.source, { kind: 'url', url: 'https://example.com/catalog.json' });
    const odd = takeCredential({ kind: 'url', url: 'https://deploy:%ZZ@example.com/catalog.json' });
    assert.equal(odd.credential, 'deploy:%ZZ');
    assert.deepEqual(odd.source, { kind: 'url', url: 'https://example.com/catalog.json' });
  });
});

describe('big catalogs', () => {
  const account = { id: '222222222222', name: 'prod' };
  /** A catalog of `n` roles, role i chained from role i-1 while `chained(i)`. */
  const catalog = (n: number, chained: (i: number) => boolean) =>
    JSON.stringify({
      rolebarCatalog: 1,
      accounts: [account],
      roles: Array.from({ length: n }, (_, i) => ({
        id: `r${i}`,
        account: 'prod',
        roleName: `r${i}`,
        ...(chained(i) ? { chainFrom: `r${i - 1}` } : {}),
      })),
    });

  it(`accepts a chain of ${MAX_CHAIN_HOPS} hops, each role after the one it starts from`, () => {
    const parsed = parseCatalog(
      catalog(MAX_CHAIN_HOPS, (i) => i > 0),
      'jump.json',
    );
    assert.equal(parsed.roles.length, MAX_CHAIN_HOPS);
    const last = parsed.roles[MAX_CHAIN_HOPS - 1];
    assert.ok(last);
    assert.equal(chainPlace(last).depth, MAX_CHAIN_HOPS - 1);
    assert.equal(chainPlace(last).root.id, 'r0');
  });

  it(`refuses a chain longer than ${MAX_CHAIN_HOPS} hops, naming the first role too far down it`, () => {
    // Listed from the far end too: the same refusal, whichever role is checked first.
    const long = catalog(2_000, (i) => i > 0);
    assert.throws(
      () => parseCatalog(long, 'jump.json'),
      (error: RolebarError) =>
        error.code === 'catalog-invalid' &&
        error.message.includes(`the chain of "r${MAX_CHAIN_HOPS}" takes more than ${MAX_CHAIN_HOPS} hops`) &&
        /nearer the start/.test(error.hint ?? ''),
    );
    const reversed = JSON.parse(long) as { roles: unknown[] };
    reversed.roles.reverse();
    assert.throws(
      () => parseCatalog(JSON.stringify(reversed), 'jump.json'),
      /the chain of "r1999" takes more than 10 hops; Rolebar follows at most 10/,
    );
  });

  it('refuses a loop and a link to a role the catalog does not have', () => {
    const loop = JSON.parse(catalog(3, (i) => i > 0)) as { roles: Array<Record<string, unknown>> };
    if (loop.roles[0]) loop.roles[0].chainFrom = 'r2';
    assert.throws(
      () => parseCatalog(JSON.stringify(loop), 'loop.json'),
      /the chain of "r0" leads back to itself/,
    );
    if (loop.roles[0]) loop.roles[0].chainFrom = 'gone';
    assert.throws(() => parseCatalog(JSON.stringify(loop), 'loop.json'), /no role "gone" to chain from/);
  });

  it(`refuses a catalog of more than ${MAX_CATALOG_ROLES} roles, naming the limit`, () => {
    assert.throws(
      () =>
        parseCatalog(
          catalog(100_000, () => false),
          'huge.json',
        ),
      (error: RolebarError) =>
        error.code === 'catalog-invalid' &&
        error.message.includes(
          `the catalog lists 100000 roles, more than the ${MAX_CATALOG_ROLES} one catalog may hold`,
        ) &&
        /Split it into several catalogs/.test(error.hint ?? ''),
    );
  });
});
