// The keychain and settings agree after a process dies between its two steps: each state a kill can leave is set
// up exactly (a real dead pid, the real keychain, the real file), then the next opener settles it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createCore } from '../../../electron/core/index.js';
import type { SecretStore } from '../../../electron/core/platform/keychain/keychain.js';
import { openSettings } from '../../../electron/core/store/settings.js';
import {
  commitIntent,
  mfaSessionAccount,
  newIntent,
  recordIntent,
  secretAccount,
  settleInterrupted,
  stagedSecretAccount,
} from '../../../electron/core/store/secret-journal.js';
import { SEED_KEYS } from '../../../electron/emulator/index.js';
import { addAlice, type CoreFixture, startCoreFixture } from '../../support/core-fixture.js';

const NEW_KEY = {
  accessKeyId: 'AKIAALICENEW0EXAMPLE',
  secretAccessKey: 'alice/NEW/secret/key/for/tests/EXAMPLE0',
};

/** An intent as a process that has since died wrote it. */
function deadIntent(op: 'add' | 'rotate' | 'remove', identityId: string) {
  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return { ...newIntent(op, identityId), pid: Number(gone.stdout.trim()) };
}

describe('identities: a change cut short is finished or undone by the next opener', () => {
  let f: CoreFixture | undefined;
  const fx = () => {
    assert.ok(f, 'the fixture started');
    return f;
  };
  beforeEach(async () => {
    f = await startCoreFixture('identity-journal');
  });
  afterEach(() => f?.close());

  it('an add killed after its keychain write loses the secret', async () => {
    const intent = deadIntent('add', 'half-added');
    fx().settings.update((data) => recordIntent(data, intent));
    await fx().secrets.set(secretAccount('half-added'), 'half/added/secret/EXAMPLE00000000000000');
    assert.deepEqual((await fx().reopen().identities.orphans()).accounts, []);
    assert.deepEqual(await fx().secrets.list(), []);
    assert.equal(fx().settings.read().keychainIntents, undefined);
  });

  it('a rotation killed after its commit is completed: the new key and the new secret', async () => {
    const alice = await addAlice(fx().core);
    const intent = deadIntent('rotate', alice.id);
    fx().settings.update((data) => recordIntent(data, intent));
    await fx().secrets.set(stagedSecretAccount(alice.id), NEW_KEY.secretAccessKey);
    fx().settings.update((data) => {
      const record = data.identities.find((i) => i.id === alice.id);
      if (record) record.accessKeyId = NEW_KEY.accessKeyId;
      commitIntent(data, intent.id);
    });
    // Before anyone settles, the secret read for the new key is the new one.
    assert.equal(await fx().reopen().identities.secretOf(alice.id), NEW_KEY.secretAccessKey);
    await fx().reopen().identities.settle();
    assert.equal(await fx().secrets.get(secretAccount(alice.id)), NEW_KEY.secretAccessKey);
    assert.deepEqual(await fx().secrets.list(), [secretAccount(alice.id)]);
    assert.equal(fx().settings.read().keychainIntents, undefined);
  });

  it('a rotation killed before its commit is undone: the old pair stays', async () => {
    const alice = await addAlice(fx().core);
    fx().settings.update((data) => recordIntent(data, deadIntent('rotate', alice.id)));
    await fx().secrets.set(stagedSecretAccount(alice.id), NEW_KEY.secretAccessKey);
    await fx().reopen().identities.settle();
    const kept = fx()
      .settings.read()
      .identities.find((i) => i.id === alice.id);
    assert.equal(kept?.accessKeyId, SEED_KEYS.alice.accessKeyId);
    assert.equal(await fx().secrets.get(secretAccount(alice.id)), SEED_KEYS.alice.secretAccessKey);
    assert.deepEqual(await fx().secrets.list(), [secretAccount(alice.id)]);
  });

  it('a remove killed after settings loses the keychain leftovers', async () => {
    const alice = await addAlice(fx().core);
    await fx().secrets.set(mfaSessionAccount(alice.id), '{}');
    fx().settings.update((data) => {
      data.identities = data.identities.filter((i) => i.id !== alice.id);
      recordIntent(data, deadIntent('remove', alice.id));
    });
    await fx().reopen().identities.settle();
    assert.deepEqual(await fx().secrets.list(), []);
  });

  it("a live process's change is neither settled nor reported, and a second rotation waits for it", async () => {
    const alice = await addAlice(fx().core);
    const live = newIntent('rotate', alice.id);
    fx().settings.update((data) => recordIntent(data, live));
    await fx().secrets.set(stagedSecretAccount(alice.id), NEW_KEY.secretAccessKey);
    const other = fx().reopen();
    assert.deepEqual(await other.identities.orphans(), { accounts: [], identitiesWithoutSecret: [] });
    await assert.rejects(other.identities.rotateKeys(alice.id, NEW_KEY), /Another Rolebar process/);
    assert.ok((await fx().secrets.list()).includes(stagedSecretAccount(alice.id)));
  });

  it('a real rotation and removal leave exactly the entries the identities need', async () => {
    const alice = await addAlice(fx().core);
    await fx().core.identities.rotateKeys(alice.id, NEW_KEY);
    assert.deepEqual(await fx().secrets.list(), [secretAccount(alice.id)]);
    assert.equal(await fx().reopen().identities.secretOf(alice.id), NEW_KEY.secretAccessKey);
    await fx().core.identities.remove(alice.id);
    assert.deepEqual(await fx().secrets.list(), []);
    assert.equal(fx().settings.read().keychainIntents, undefined);
  });
  it('a batch that outlives the journal and is taken back by another process saves nothing', async () => {
    const { sandbox, secrets } = fx();
    const other = openSettings({ dir: sandbox.rolebarHome });
    let tookBack = false;
    // While the batch writes its secrets, another Rolebar settles the journal 11 minutes on: the intents count
    // as abandoned (older than the journal's limit), so it takes their secrets back.
    const slow: SecretStore = {
      service: secrets.service,
      get: (account) => secrets.get(account),
      delete: (account) => secrets.delete(account),
      list: () => secrets.list(),
      async set(account, secret) {
        await secrets.set(account, secret);
        if (tookBack) return;
        tookBack = true;
        await settleInterrupted(other, secrets, Date.now() + 11 * 60_000);
      },
    };
    const core = createCore({
      settings: openSettings({ dir: sandbox.rolebarHome }),
      secrets: slow,
      env: sandbox.env,
      homedir: sandbox.dir,
    });
    const input = (name: string, key: { accessKeyId: string; secretAccessKey: string }) => ({
      id: name,
      input: {
        kind: 'iam-user' as const,
        name,
        accessKeyId: key.accessKeyId,
        secretAccessKey: key.secretAccessKey,
      },
    });
    await assert.rejects(
      core.addIdentities([input('one', SEED_KEYS.alice), input('two', NEW_KEY)]),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'keychain-change-abandoned');
        assert.match(error.message, /took them back as abandoned\. Nothing was saved/);
        return true;
      },
    );
    assert.ok(tookBack);
    assert.deepEqual(fx().settings.read().identities, [], 'no identity saved without its secret');
    assert.deepEqual(await secrets.list(), []);
    assert.equal(fx().settings.read().keychainIntents, undefined);
    core.close();
  });
});
