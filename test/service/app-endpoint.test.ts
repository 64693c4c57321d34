// The app's credentials endpoint, through the real service over the emulator: off by default; on, it serves the
// active role on loopback with a token that only the clipboard ever gets; a switch replaces it (the old one is
// gone, the new one never serves the other role); turning it off or closing the service stops it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice } from '../support/core-fixture.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';

/** GET with a token; undefined when nothing listens there any more. */
async function ask(url: string, token?: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url, token === undefined ? {} : { headers: { authorization: token } });
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

/** The URL and token of the two lines on the clipboard. */
function parseLines(text: string): { url: string; token: string } {
  const url = /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\S+)$/m.exec(text)?.[1];
  const token = /^export AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)$/m.exec(text)?.[1];
  assert.ok(url && token, 'two export lines');
  return { url, token };
}

describe("the app's credentials endpoint (service)", () => {
  let f: ServiceFixture;
  let aliceId: string;
  before(async () => {
    f = await startServiceFixture('app-endpoint');
    aliceId = (await addAlice(f.core, { mfa: false })).id;
  });
  after(() => f?.close());

  async function addRole(label: string, roleArn: string): Promise<string> {
    const role = await f.service['role:add']({
      label,
      roleArn,
      source: { kind: 'identity', id: aliceId },
      mfa: false,
    });
    assert.ok(role.ok, JSON.stringify(role));
    return role.value.id;
  }

  it('serves the active role only while the preference is on; the token reaches only the clipboard', async () => {
    const first = await addRole('served-ro', SEED_ROLES.readonly);
    const second = await addRole('served-worker', SEED_ROLES.ec2Worker);
    assert.ok((await f.service['role:switch']({ roleId: first })).ok);
    assert.equal((await f.service.state()).preferences.serveEndpoint, false, 'off by default');
    assert.equal((await f.service.state()).endpoint, undefined, 'nothing served while off');
    const off = await f.service['endpoint:copy']();
    assert.ok(!off.ok && off.error.code === 'endpoint-off' && /Settings/.test(off.error.hint ?? ''));

    assert.ok((await f.service['preferences:set']({ serveEndpoint: true })).ok);
    const on = f.pushed.at(-1)?.endpoint;
    assert.ok(on, 'the pushed state shows the endpoint');
    assert.equal(on.roleId, first);
    assert.match(on.url, /^http:\/\/127\.0\.0\.1:\d+\/role-credentials$/, 'loopback only');
    assert.deepEqual(on.maskedLines, [
      `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${on.url}`,
      'export AWS_CONTAINER_AUTHORIZATION_TOKEN=••••••••••••',
    ]);

    const copied = await f.service['endpoint:copy']();
    assert.ok(copied.ok && copied.value.clearsInSeconds > 0, 'copied, and cleared like snippets');
    const { url, token } = parseLines(f.clipboard.text);
    assert.equal(url, on.url);
    for (const state of [...f.pushed, await f.service.state()]) {
      assert.ok(!JSON.stringify(state).includes(token), 'the token is in no state the window gets');
    }
    assert.equal((await ask(url))?.status, 403, 'no token: refused');
    assert.equal((await ask(url, `${token}x`))?.status, 403, 'wrong token: refused');
    const served = await ask(url, token);
    assert.equal(served?.status, 200);
    const firstKey = (await f.core.credentialsOf(first))?.accessKeyId;
    assert.equal(JSON.parse(served.body).AccessKeyId, firstKey, "the active role's session");

    // Another role: a new endpoint (port and token); the old one is gone, the new one serves only the new role.
    assert.ok((await f.service['role:switch']({ roleId: second })).ok);
    const next = (await f.service.state()).endpoint;
    assert.ok(next && next.roleId === second && next.url !== url);
    assert.equal(await ask(url, token), undefined, 'the first endpoint no longer listens');
    assert.ok((await f.service['endpoint:copy']()).ok);
    const again = parseLines(f.clipboard.text);
    assert.notEqual(again.token, token, 'a new token');
    assert.equal((await ask(again.url, token))?.status, 403, 'the old token opens nothing');
    const secondBody = JSON.parse((await ask(again.url, again.token))?.body ?? '{}');
    assert.equal(secondBody.AccessKeyId, (await f.core.credentialsOf(second))?.accessKeyId);
    assert.notEqual(secondBody.AccessKeyId, firstKey, "never the other role's keys");

    assert.ok((await f.service['preferences:set']({ serveEndpoint: false })).ok);
    assert.equal((await f.service.state()).endpoint, undefined);
    assert.equal(await ask(again.url, again.token), undefined, 'off: nothing listens');
  });

  it('stops serving a role that is signed out, and stops when the service closes', async () => {
    const role = await addRole('closing-ro', SEED_ROLES.readonly);
    assert.ok((await f.service['preferences:set']({ serveEndpoint: true })).ok);
    assert.ok((await f.service['role:switch']({ roleId: role })).ok);
    assert.ok((await f.service['endpoint:copy']()).ok);
    const { url, token } = parseLines(f.clipboard.text);
    assert.equal((await ask(url, token))?.status, 200);
    assert.ok((await f.service['session:sign-out']({ roleId: role })).ok);
    assert.equal(await ask(url, token), undefined, 'the signed-out role is no longer served there');

    assert.ok((await f.service['role:switch']({ roleId: role })).ok);
    assert.ok((await f.service['endpoint:copy']()).ok);
    const reopened = parseLines(f.clipboard.text);
    assert.equal((await ask(reopened.url, reopened.token))?.status, 200);
    f.service.close();
    for (let i = 0; i < 100 && (await ask(reopened.url, reopened.token)) !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await ask(reopened.url, reopened.token), undefined, 'closed with the service');
  });
});
