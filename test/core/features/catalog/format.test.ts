// The catalog format's field check: a known field whose name merely contains a forbidden word ("description"
// holds "script") is accepted; a secret or code-running field is refused, naming the line; so is an unknown one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCatalog } from '../../../../electron/core/features/catalog/format.js';
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
