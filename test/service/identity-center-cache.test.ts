// The AWS CLI token cache turned on and off after the identity was added, through the service the window's IPC
// calls: on writes the file at once when signed in; off removes the file Rolebar wrote, never one the AWS CLI wrote.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { cliCacheFile } from '../../electron/core/aws-files/sso-cache.js';
import {
  cliCacheWriter,
  identityCenterOf,
  type SignInPrompt,
} from '../../electron/core/features/identity-center/index.js';
import { readTokens } from '../../electron/core/store/sso-tokens.js';
import { SEED_SSO, seedWorldWithIdentityCenter } from '../../electron/emulator/index.js';
import { requestArgs } from '../../electron/ipc/contract.js';
import { type ServiceFixture, startServiceFixture } from '../support/service-fixture.js';
import { allowSignIn } from '../support/sso-browser.js';
import { addAcme } from '../support/core-fixture.js';

const allowing: SignInPrompt = { openBrowser: allowSignIn, showDeviceCode: () => undefined };

/** A cache file as `aws sso login` writes it for its own sign-in: its own client registration. */
const AWS_CLI_FILE = JSON.stringify({
  startUrl: SEED_SSO.startUrl,
  region: SEED_SSO.region,
  accessToken: 'aws-cli-own-token',
  expiresAt: '2099-01-01T00:00:00Z',
  clientId: 'botocore-client-acme',
  clientSecret: 'aws-cli-own-secret',
  registrationExpiresAt: '2099-01-01T00:00:00Z',
  refreshToken: 'aws-cli-own-refresh',
});

describe('the AWS CLI token cache setting (service and IPC)', () => {
  let f: ServiceFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  async function start(signIn: boolean) {
    f = await startServiceFixture('service-sso-cache', { world: seedWorldWithIdentityCenter() });
    const identity = await addAcme(f.core);
    if (signIn) await f.core.identityCenter.signIn(identity.id, allowing);
    const file = cliCacheFile('acme', f.sandbox.dir);
    // Another sso-session's file (the AWS CLI's own sign-in elsewhere) must survive everything below.
    const other = cliCacheFile('other-session', f.sandbox.dir);
    mkdirSync(path.dirname(other), { recursive: true });
    writeFileSync(other, AWS_CLI_FILE);
    return { f, identity, file, other };
  }

  /** The keychain entry's fields (read here only to compare with the file). */
  async function kept(fx: ServiceFixture, id: string): Promise<Record<string, unknown>> {
    return JSON.parse((await fx.secrets.get(`sso-token:${id}`)) ?? '{}') as Record<string, unknown>;
  }

  it('checks the shape of the request', () => {
    assert.deepEqual(requestArgs['sso:set-cli-cache']([{ id: 'x', on: true }]), [{ id: 'x', on: true }]);
    assert.throws(() => requestArgs['sso:set-cli-cache']([{ id: 'x', on: 'yes' }]), /on/);
    assert.throws(() => requestArgs['sso:set-cli-cache']([{ id: 'x' }]), /on/);
    assert.throws(() => requestArgs['sso:set-cli-cache']([{ on: true }]), /id/);
  });

  it('on writes the file at once when signed in; off removes it; the window state follows', async () => {
    const { f, identity, file, other } = await start(true);
    assert.equal(existsSync(file), false, 'off by default');
    assert.equal((await f.service.state()).identities[0]?.awsCliCache, undefined);

    const on = await f.service['sso:set-cli-cache']({ id: identity.id, on: true });
    assert.deepEqual(on, { ok: true, value: { on: true, file, cache: 'written' } });
    const cached = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const tokens = await kept(f, identity.id);
    assert.equal(cached.accessToken, tokens.accessToken);
    assert.equal(cached.clientId, tokens.clientId);
    assert.equal(f.pushed.at(-1)?.identities[0]?.awsCliCache, true, 'the change was pushed to the window');
    assert.ok(!JSON.stringify(f.pushed).includes(String(tokens.accessToken)), 'no token in the state');

    const off = await f.service['sso:set-cli-cache']({ id: identity.id, on: false });
    assert.deepEqual(off, { ok: true, value: { on: false, file, cache: 'removed' } });
    assert.equal(existsSync(file), false);
    assert.equal(f.pushed.at(-1)?.identities[0]?.awsCliCache, undefined);
    assert.equal(f.core.identities.get(identity.id).kind === 'identity-center', true);
    assert.equal(readFileSync(other, 'utf8'), AWS_CLI_FILE, "another session's file is untouched");
    assert.equal((await f.core.identityCenter.status(identity.id)).signedIn, true, 'still signed in');
  });

  it('off leaves a file the AWS CLI wrote for the same session name, and so does sign-out', async () => {
    const { f, identity, file, other } = await start(true);
    assert.equal((await f.service['sso:set-cli-cache']({ id: identity.id, on: true })).ok, true);
    // The user ran `aws sso login --sso-session acme` since: the AWS CLI replaced the file with its own.
    writeFileSync(file, AWS_CLI_FILE);
    const off = await f.service['sso:set-cli-cache']({ id: identity.id, on: false });
    assert.deepEqual(off, { ok: true, value: { on: false, file, cache: 'not-rolebar' } });
    assert.equal(readFileSync(file, 'utf8'), AWS_CLI_FILE);
    assert.equal(f.core.identities.get(identity.id).kind, 'identity-center');

    assert.deepEqual(await f.core.identityCenter.signOut(identity.id), { removed: true });
    assert.equal(readFileSync(file, 'utf8'), AWS_CLI_FILE, 'sign-out removes only what Rolebar wrote');
    assert.equal(readFileSync(other, 'utf8'), AWS_CLI_FILE);
  });

  it('shared, an `aws sso login` file Rolebar took up is one sign-in: sign-out ends it for both and removes it', async () => {
    const { f, identity, file, other } = await start(true);
    assert.equal((await f.service['sso:set-cli-cache']({ id: identity.id, on: true })).ok, true);
    // The user ran `aws sso login --sso-session acme`: a newer sign-in, which Rolebar takes up at its next use.
    writeFileSync(file, AWS_CLI_FILE);
    await f.core.identityCenter.ensureSignedIn(identity.id);
    assert.equal((await kept(f, identity.id)).clientId, 'botocore-client-acme', 'taken up into the keychain');
    // As `aws sso logout` does for the AWS CLI: the shared sign-in ends, and its cache file goes with it.
    assert.deepEqual(await f.core.identityCenter.signOut(identity.id), { removed: true });
    assert.equal(existsSync(file), false, "the shared sign-in's file is removed");
    assert.equal(readFileSync(other, 'utf8'), AWS_CLI_FILE, "another session's file is untouched");
  });

  it('on before signing in writes the file at the next sign-in; off with no file says so', async () => {
    const { f, identity, file } = await start(false);
    const on = await f.service['sso:set-cli-cache']({ id: identity.id, on: true });
    assert.deepEqual(on, { ok: true, value: { on: true, file, cache: 'at-sign-in' } });
    assert.equal(existsSync(file), false);
    await f.core.identityCenter.signIn(identity.id, allowing);
    assert.equal(existsSync(file), true, 'written at sign-in');
    await f.core.identityCenter.signOut(identity.id);
    assert.equal(existsSync(file), false, "sign-out removes Rolebar's file");
    const off = await f.service['sso:set-cli-cache']({ id: identity.id, on: false });
    assert.deepEqual(off, { ok: true, value: { on: false, file, cache: 'absent' } });
  });

  it('removing the identity removes the cache file Rolebar wrote; refused while a role uses it, nothing changes', async () => {
    const { f, identity, file, other } = await start(true);
    assert.equal((await f.service['sso:set-cli-cache']({ id: identity.id, on: true })).ok, true);
    const { roles } = await f.core.identityCenter.syncRoles(identity.id);
    const refused = await f.service['identity:remove']({ id: identity.id });
    assert.equal(refused.ok ? '' : refused.error.code, 'identity-in-use');
    assert.equal(existsSync(file), true, 'a refused removal keeps the file');
    for (const role of roles) assert.equal((await f.service['role:remove']({ id: role.id })).ok, true);
    assert.deepEqual(await f.service['identity:remove']({ id: identity.id }), { ok: true, value: null });
    assert.equal(existsSync(file), false, 'the plaintext token does not outlive the identity');
    assert.deepEqual(await f.secrets.list(), []);
    assert.equal(readFileSync(other, 'utf8'), AWS_CLI_FILE);
  });

  it('a refresh that began before the cache was turned off does not write it again', async () => {
    const { f, identity, file } = await start(true);
    assert.equal((await f.service['sso:set-cli-cache']({ id: identity.id, on: true })).ok, true);
    const asTheRefreshBegan = identityCenterOf(f.core, identity.id);
    assert.equal(asTheRefreshBegan.awsCliCache, true);
    assert.equal((await f.service['sso:set-cli-cache']({ id: identity.id, on: false })).ok, true);
    const tokens = await readTokens(f.secrets, identity.id);
    assert.ok(tokens);
    await cliCacheWriter({ homedir: f.sandbox.dir, identities: f.core.identities })(
      asTheRefreshBegan,
      tokens,
    );
    assert.equal(existsSync(file), false);
  });

  it('refuses an identity that is not an Identity Center one, changing nothing', async () => {
    const { f } = await start(false);
    const source = (
      await f.core.addIdentity({ kind: 'credential-source', name: 'ec2', source: 'Ec2InstanceMetadata' })
    ).identity;
    const before = readFileSync(f.settings.path, 'utf8');
    const refused = await f.service['sso:set-cli-cache']({ id: source.id, on: true });
    assert.equal(refused.ok ? '' : refused.error.code, 'not-identity-center');
    assert.equal(readFileSync(f.settings.path, 'utf8'), before);
  });
});
