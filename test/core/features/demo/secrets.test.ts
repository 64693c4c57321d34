// The demo's secret store: kept in the demo process's memory, reached on 127.0.0.1 with a token, and clear about
// a demo that is gone or a shell pointed at another one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEMO_SECRETS_TOKEN_VARIABLE,
  DEMO_SECRETS_VARIABLE,
  demoSecretStoreOf,
  serveDemoSecrets,
} from '../../../../electron/core/features/demo/secrets.js';

const envOf = (url: string, token: string) => ({
  [DEMO_SECRETS_VARIABLE]: url,
  [DEMO_SECRETS_TOKEN_VARIABLE]: token,
});

describe("the demo's secret store", () => {
  it('keeps, lists and forgets secrets per service, for callers holding the token', async () => {
    const server = await serveDemoSecrets();
    try {
      const store = demoSecretStoreOf(envOf(server.url, server.token), 'Rolebar-demo');
      const other = demoSecretStoreOf(envOf(server.url, server.token), 'other');
      assert.ok(store && other);
      assert.equal(await store.get('alice'), null);
      await store.set('alice', 'secret-1');
      assert.equal(await store.get('alice'), 'secret-1');
      assert.deepEqual(await store.list(), ['alice']);
      assert.deepEqual(await other.list(), [], 'one store per service name');
      assert.equal(await store.delete('alice'), true);
      assert.equal(await store.delete('alice'), false);
      assert.equal(await store.get('alice'), null);
    } finally {
      await server.close();
    }
  });

  it('refuses a caller without the token, and a request of another shape', async () => {
    const server = await serveDemoSecrets();
    try {
      const wrong = demoSecretStoreOf(envOf(server.url, 'not-the-token'), 'Rolebar-demo');
      await assert.rejects(wrong?.list() ?? Promise.resolve(), { code: 'demo-secrets-refused' });
      const odd = await fetch(server.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}` },
        body: JSON.stringify({ op: 'dump' }),
      });
      assert.equal(odd.status, 400);
    } finally {
      await server.close();
    }
  });

  it('says the demo is not running once its process is gone, and what to do', async () => {
    const server = await serveDemoSecrets();
    await server.close();
    const store = demoSecretStoreOf(envOf(server.url, server.token), 'Rolebar-demo');
    await assert.rejects(store?.get('alice') ?? Promise.resolve(), (error: Error & { hint?: string }) => {
      assert.match(error.message, /The demo is not running/);
      assert.match(error.hint ?? '', /eval "\$\(rolebar demo\)"/);
      return true;
    });
  });

  it('is used only in a demo shell, and only on a loopback address', () => {
    assert.equal(demoSecretStoreOf({}, 'Rolebar'), undefined);
    assert.throws(() => demoSecretStoreOf(envOf('http://example.com:80', 't'), 'Rolebar'), {
      code: 'demo-secrets-address',
    });
  });
});
