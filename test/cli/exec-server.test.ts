// `rolebar exec ROLE --server` end to end: what the child gets, what a stranger gets, that the endpoint ends with
// the command, that it serves one role only, and that an MFA role needing a code gets a clear error, not old keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, addRole, type CliWorld, explain, startCliWorld } from './helpers.js';

/** What the child found out, written to a file (the token itself never leaves the child). */
interface ChildReport {
  url: string;
  staticKeys: string[];
  noToken: number;
  wrongToken: number;
  keyId: string;
  psHasToken: boolean;
}

// The child: checks the door with and without the token, looks for the token in every process's argv, and
// reports everything except the token and the secret.
const PROBE = `
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
const get = (headers) => fetch(url, { headers });
(async () => {
  const ok = await get({ authorization: token });
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  writeFileSync(process.env.REPORT, JSON.stringify({
    url,
    staticKeys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'].filter((n) => n in process.env),
    noToken: (await get({})).status,
    wrongToken: (await get({ authorization: token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a') })).status,
    keyId: (await ok.json()).AccessKeyId,
    psHasToken: ps.includes(token),
  }));
})();
`;

// Asks the endpoint every half second until it refuses; reports the refusal and whether any answer had ended.
const UNTIL_REFUSED = `
const { writeFileSync } = require('node:fs');
const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
(async () => {
  let expiredServed = false;
  for (let i = 0; i < 400; i++) {
    const res = await fetch(url, { headers: { authorization: token } });
    const text = await res.text();
    if (res.status !== 200) {
      writeFileSync(process.env.REPORT, JSON.stringify({ status: res.status, body: text, expiredServed }));
      return;
    }
    if (Date.parse(JSON.parse(text).Expiration) <= Date.now()) expiredServed = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  writeFileSync(process.env.REPORT, JSON.stringify({ status: 200, body: '', expiredServed }));
})();
`;

/** A GET that resolves to the status, or to the connection error's code. */
function probe(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}

describe('rolebar exec --server', () => {
  let w: CliWorld;
  before(async () => {
    // Sessions of 20 s, so the MFA role's renewal comes within the test.
    w = await startCliWorld('exec-server', { maxSessionSeconds: 20 });
    assert.equal((await addAlice(w, ['--mfa-serial', SEED_MFA.alice.serial])).code, 0);
    await addRole(w);
    await addRole(w, 'admin', SEED_ROLES.admin, ['--mfa']);
    await addRole(w, 'other-ro', SEED_ROLES.readonly);
  });
  after(() => w.close());

  it("gives the child the endpoint, not static keys; a stranger gets 403; the token is in no process's argv, log or output", async () => {
    // Another role, assumed just before, must not be what the endpoint serves.
    assert.equal((await w.rolebar(['assume', 'other-ro'])).code, 0);
    const otherKey = /aws_access_key_id = (\S+)/.exec(
      w.files().credentials?.split('[other-ro]')[1] ?? '',
    )?.[1];
    const report = path.join(w.sandbox.dir, 'probe.json');
    const run = await w.rolebar(['exec', 'prod-ro', '--server', '--', process.execPath, '-e', PROBE], {
      env: { REPORT: report, AWS_ACCESS_KEY_ID: 'AKIASHOULDNOTPASS', AWS_PROFILE: 'default' },
    });
    assert.equal(run.code, 0, explain(run));
    const child: ChildReport = JSON.parse(readFileSync(report, 'utf8'));
    assert.match(child.url, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.deepEqual(child.staticKeys, []);
    assert.equal(child.noToken, 403);
    assert.equal(child.wrongToken, 403);
    assert.equal(child.psHasToken, false);
    // One role only: the key served is a readonly session of prod-ro, not the other role's newer one.
    assert.notEqual(child.keyId, otherKey);
    assert.equal(w.emu.sessions.get(child.keyId)?.role?.arn, SEED_ROLES.readonly);
    const profileKey = /aws_access_key_id = (\S+)/.exec(
      w.files().credentials?.split('[prod-ro]')[1] ?? '',
    )?.[1];
    assert.equal(child.keyId, profileKey);
    // Nothing of the endpoint's secrets in Rolebar's own output or files.
    const session = w.emu.sessions.get(child.keyId);
    for (const text of [run.stdout, run.stderr, w.files().settings ?? '']) {
      assert.ok(session && !text.includes(session.sessionToken));
      assert.doesNotMatch(text, /AWS_CONTAINER_AUTHORIZATION_TOKEN=/);
    }
    // The endpoint ended with the command.
    assert.equal(await probe(child.url), 'ECONNREFUSED');
  });

  it('an MFA role whose renewal needs a code: a clear error body, never an ended session', async () => {
    const report = path.join(w.sandbox.dir, 'mfa.json');
    const code = w.emu.totp(SEED_MFA.alice.serial);
    const run = await w.rolebar(
      ['exec', 'admin', '--server', '--mfa-code', code, '--', process.execPath, '-e', UNTIL_REFUSED],
      { env: { REPORT: report } },
    );
    assert.equal(run.code, 0, `${explain(run)} ${run.stdout}`);
    const result: { status: number; body: string; expiredServed: boolean } = JSON.parse(
      readFileSync(report, 'utf8'),
    );
    assert.equal(result.status, 503);
    assert.equal(result.expiredServed, false);
    const body: unknown = JSON.parse(result.body);
    assert.ok(body !== null && typeof body === 'object' && 'code' in body && 'message' in body);
    assert.equal(body.code, 'mfa-required');
    assert.match(String(body.message), /"admin" needs a new MFA code .* no expired keys are served/);
    assert.match(String(body.message), /rolebar assume admin --mfa-code CODE/);
    assert.doesNotMatch(result.body, /ASIA/);
  });
});
