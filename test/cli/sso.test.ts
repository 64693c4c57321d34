import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { SEED_SSO, seedWorldWithIdentityCenter } from '../../electron/emulator/index.js';
import { type CliWorld, explain, startCliWorld } from './helpers.js';
import { addAcme, loginThroughBrowser } from './sso-login.js';

/** Where the AWS CLI looks for the `acme` sso-session's token: SHA1 of the session name (computed here, not by Rolebar). */
function cacheFileOf(w: CliWorld): string {
  return path.join(
    w.sandbox.dir,
    '.aws',
    'sso',
    'cache',
    `${createHash('sha1').update('acme').digest('hex')}.json`,
  );
}

describe('rolebar sso (built CLI, against the emulator)', () => {
  // Each test has its own world (emulator, sandbox, keychain service): none depends on another's leftovers.
  let w: CliWorld | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  /** A world with the identity "acme" added (with the AWS CLI cache on) and, unless told, signed in. */
  async function world(signIn = true): Promise<CliWorld> {
    w = await startCliWorld('cli-sso', { world: seedWorldWithIdentityCenter() });
    const added = await addAcme(w, ['--aws-cli-cache']);
    assert.equal(added.code, 0, explain(added));
    if (signIn) {
      const run = await loginThroughBrowser(w.env, ['acme', '--no-browser']);
      assert.equal(run.code, 0, explain(run));
    }
    return w;
  }

  it('logs in through the browser (PKCE, loopback) and keeps the roles; tokens stay out of settings', async () => {
    const w = await world(false);
    const run = await loginThroughBrowser(w.env, ['acme', '--no-browser']);
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stdout, /3 roles, 3 new/);
    const settings = w.files().settings ?? '';
    assert.doesNotMatch(settings, /accessToken|refreshToken|clientSecret/);
    const roles = await w.rolebar(['sso', 'roles', 'acme', '--json', '--filter', 'dev']);
    assert.equal(roles.code, 0, explain(roles));
    const listed: unknown = JSON.parse(roles.stdout);
    assert.ok(Array.isArray(listed));
    assert.deepEqual(
      listed.map((r: { label?: string }) => r.label),
      ['dev/AdministratorAccess', 'dev/ReadOnlyAccess'],
    );
  });

  it('assume, export, exec and credential-process work on an Identity Center role', async () => {
    const w = await world();
    const assumed = await w.rolebar(['assume', 'dev/AdministratorAccess']);
    assert.equal(assumed.code, 0, explain(assumed));
    assert.match(w.files().credentials ?? '', /\[dev\/AdministratorAccess\]/);
    const exported = await w.rolebar(['export', 'dev/AdministratorAccess']);
    assert.equal(exported.code, 0, explain(exported));
    assert.match(exported.stdout, /AWS_SESSION_TOKEN/);
    const probe = 'process.stdout.write(String(process.env.AWS_ACCESS_KEY_ID).slice(0, 4))';
    const exec = await w.rolebar(['exec', 'prod/ReadOnlyAccess', '--', process.execPath, '-e', probe]);
    assert.equal(exec.code, 0, explain(exec));
    assert.equal(exec.stdout, 'ASIA');
    const served = await w.rolebar(['credential-process', 'dev/ReadOnlyAccess']);
    assert.equal(served.code, 0, explain(served));
    assert.equal(JSON.parse(served.stdout).Version, 1);
  });

  it('writes the AWS CLI token cache that botocore and the SDK v3 fromSSO read', async () => {
    const w = await world();
    const file = cacheFileOf(w);
    assert.ok(existsSync(file), 'no cache file');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const cached: unknown = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(Object.keys(cached ?? {}).sort(), [
      'accessToken',
      'clientId',
      'clientSecret',
      'expiresAt',
      'refreshToken',
      'region',
      'registrationExpiresAt',
      'startUrl',
    ]);
    // botocore's own loader finds it by the session name and parses its expiry.
    const python = [
      'import sys, os',
      'from botocore.utils import SSOTokenLoader, JSONFileCache',
      'from dateutil.parser import parse',
      "cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'sso', 'cache')))",
      "token = SSOTokenLoader(cache=cache)(sys.argv[1], session_name='acme')",
      "parse(token['expiresAt']); parse(token['registrationExpiresAt'])",
      "print(token['region'], len(token['accessToken']) > 0)",
    ].join('\n');
    const py = await w.run('python3', ['-c', python, SEED_SSO.startUrl]);
    assert.equal(py.code, 0, explain(py));
    assert.equal(py.stdout.trim(), `${SEED_SSO.region} True`);

    // The SDK's SSO provider, for an sso_session profile, pointed at the emulator through its endpoint setting.
    writeFileSync(
      w.sandbox.configFile,
      [
        '[profile from-cache]',
        'sso_session = acme',
        'sso_account_id = 222222222222',
        'sso_role_name = ReadOnlyAccess',
        'region = us-east-1',
        '',
        '[sso-session acme]',
        `sso_start_url = ${SEED_SSO.startUrl}`,
        `sso_region = ${SEED_SSO.region}`,
        'sso_registration_scopes = sso:account:access',
        '',
      ].join('\n'),
    );
    const saved = { HOME: process.env.HOME, SSO: process.env.AWS_ENDPOINT_URL_SSO };
    process.env.HOME = w.sandbox.dir;
    process.env.AWS_ENDPOINT_URL_SSO = w.emu.endpoint;
    try {
      const { fromSSO } = await import('@aws-sdk/credential-providers');
      const creds = await fromSSO({
        profile: 'from-cache',
        configFilepath: w.sandbox.configFile,
        filepath: w.sandbox.credentialsFile,
        ignoreCache: true,
      })();
      assert.match(creds.accessKeyId, /^ASIA/);
      assert.ok(creds.sessionToken);
    } finally {
      for (const [key, value] of [
        ['HOME', saved.HOME],
        ['AWS_ENDPOINT_URL_SSO', saved.SSO],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('logs out: the tokens leave the keychain and the cache file goes', async () => {
    const w = await world();
    const cacheDir = path.join(w.sandbox.dir, '.aws', 'sso', 'cache');
    assert.equal(readdirSync(cacheDir).length, 1);
    const run = await w.rolebar(['sso', 'logout', 'acme']);
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stdout, /Signed out of "acme"/);
    const again = await w.rolebar(['sso', 'roles', 'acme']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /not signed in.*rolebar sso login acme/s);
    assert.equal(w.emu.countRequests('Logout', 'OK'), 1);
    assert.deepEqual(readdirSync(cacheDir), []);
    const secrets = openKeychain({ service: w.sandbox.keychainService, env: w.env });
    assert.deepEqual(await secrets.list(), []);
  });

  it('sso edit turns the cache off (removing only the file Rolebar wrote) and on again (written at once)', async () => {
    const w = await world();
    const file = cacheFileOf(w);
    const ours = readFileSync(file, 'utf8');
    const off = await w.rolebar(['sso', 'edit', 'acme', '--no-aws-cli-cache']);
    assert.equal(off.code, 0, explain(off));
    assert.equal(off.stdout, `AWS CLI token cache off for "acme": removed ${file}.\n`);
    assert.equal(existsSync(file), false);
    const on = await w.rolebar(['sso', 'edit', 'acme', '--aws-cli-cache']);
    assert.equal(on.code, 0, explain(on));
    assert.equal(on.stdout, `AWS CLI token cache on for "acme": wrote ${file}.\n`);
    assert.equal(readFileSync(file, 'utf8'), ours, 'the same sign-in, written again');
    assert.equal(statSync(file).mode & 0o777, 0o600);

    // `aws sso login --sso-session acme` since: the file now holds the AWS CLI's own client. It is not Rolebar's.
    const awsCli = JSON.stringify({ ...JSON.parse(ours), clientId: 'botocore-client-acme' });
    writeFileSync(file, awsCli);
    const left = await w.rolebar(['sso', 'edit', 'acme', '--no-aws-cli-cache']);
    assert.equal(left.code, 0, explain(left));
    assert.match(left.stdout, /was left as it is \(the AWS CLI wrote it for its own sign-in, not Rolebar\)/);
    assert.equal(readFileSync(file, 'utf8'), awsCli);
    for (const run of [off, on, left]) assert.ok(!run.stdout.includes(JSON.parse(ours).accessToken));

    const both = await w.rolebar(['sso', 'edit', 'acme', '--aws-cli-cache', '--no-aws-cli-cache']);
    assert.equal(both.code, 2, explain(both));
    assert.match(both.stderr, /takes one of --aws-cli-cache and --no-aws-cli-cache/);
    const none = await w.rolebar(['sso', 'edit', 'acme']);
    assert.equal(none.code, 2, explain(none));
    assert.match(none.stderr, /needs a change/);
    const unknown = await w.rolebar(['sso', 'edit', 'nobody', '--aws-cli-cache']);
    assert.equal(unknown.code, 1, explain(unknown));
    assert.match(unknown.stderr, /No identity "nobody"/);
  });

  it('identity rm of an Identity Center identity removes the cache file Rolebar wrote', async () => {
    const w = await world();
    const file = cacheFileOf(w);
    assert.equal(existsSync(file), true);
    const listed = await w.rolebar(['sso', 'roles', 'acme', '--json']);
    for (const { label } of JSON.parse(listed.stdout) as Array<{ label: string }>) {
      const removed = await w.rolebar(['role', 'rm', label]);
      assert.equal(removed.code, 0, explain(removed));
    }
    const run = await w.rolebar(['identity', 'rm', 'acme']);
    assert.equal(run.code, 0, explain(run));
    assert.equal(existsSync(file), false);
  });

  it('signs in with the device code when asked', async () => {
    const w = await world(false);
    const run = await loginThroughBrowser(w.env, ['acme', '--use-device-code', '--no-browser']);
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stderr, /confirm the code [A-Z]{4}-[A-Z]{4}/);
    assert.match(run.stdout, /3 roles, 3 new/);
  });
});
