// An import killed part-way leaves intents in the journal: whatever command runs next settles them, not only
// another import. Killed after its commit (identities saved, ~/.aws not yet edited), its files' edits are made;
// killed before it (a secret written, no identity), the secret goes. The journal records are the ones the code
// writes, owned by a process that is gone; the next command is `rolebar role list`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS } from '../../electron/emulator/index.js';
import { journalKeyMoves } from '../../electron/core/features/import/keys.js';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { newIntent, recordIntent, secretAccount } from '../../electron/core/store/secret-journal.js';
import { openSettings } from '../../electron/core/store/settings.js';
import { CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

const alice = SEED_KEYS.alice;
const CREDENTIALS = `[alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`;

describe('an import cut short', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('import-finish');
    mkdirSync(path.dirname(w.sandbox.credentialsFile), { recursive: true });
    writeFileSync(w.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(w.sandbox.configFile, '');
  });
  after(() => w.close());

  it('after its commit has its ~/.aws edits finished by the next command, whatever it is, and botocore then reads the key', async () => {
    const imported = await w.rolebar(['import']);
    assert.equal(imported.code, 0, explain(imported));
    // What the killed import had journaled in its commit, by a process that has since gone.
    const gone = spawnSync('true').pid;
    const line = `${process.execPath} ${CLI} credential-process --identity alice`;
    openSettings({ dir: w.sandbox.rolebarHome }).update((data) => {
      journalKeyMoves(
        data,
        {
          credentials: [{ profile: 'alice', accessKeyId: alice.accessKeyId, credentialProcess: line }],
          config: [],
          keysKept: [],
        },
        { env: w.env },
      );
      for (const record of data.keychainIntents ?? []) record.pid = gone;
    });
    assert.match(w.files().settings ?? '', /"move-keys"/);

    const next = await w.rolebar(['role', 'list']);
    assert.equal(next.code, 0, explain(next));
    assert.match(next.stderr, /finished the ~\/\.aws edits of an import that was cut short/);
    const credentials = w.files().credentials ?? '';
    assert.doesNotMatch(credentials, /aws_secret_access_key/, 'the plaintext key is gone');
    assert.match(credentials, /^\[alice\]\ncredential_process = /m);
    assert.doesNotMatch(w.files().settings ?? '', /keychainIntents/, 'the journal is empty');

    const again = await w.rolebar(['role', 'list']);
    assert.equal(again.stderr, '', 'nothing left to finish');
    const script = `import botocore.session as s; print(s.Session(profile='alice').get_credentials().access_key)`;
    const py = await w.run('/usr/bin/python3', ['-c', script]);
    assert.equal(py.stdout.trim(), alice.accessKeyId, explain(py));
  });
  it('before its commit has its secret taken back by the next command, whatever it is', async () => {
    const keychain = openKeychain({ service: w.sandbox.keychainService, env: w.env });
    const intent = { ...newIntent('add', 'half-imported'), pid: spawnSync('true').pid };
    openSettings({ dir: w.sandbox.rolebarHome }).update((data) => recordIntent(data, intent));
    await keychain.set(secretAccount('half-imported'), 'half/imported/secret/EXAMPLE0000000000000');

    const next = await w.rolebar(['role', 'list']);
    assert.equal(next.code, 0, explain(next));
    assert.ok(!(await keychain.list()).includes(secretAccount('half-imported')), 'the secret is gone');
    assert.doesNotMatch(w.files().settings ?? '', /keychainIntents/, 'the journal is empty');
  });
});
