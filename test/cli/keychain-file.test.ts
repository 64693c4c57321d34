// The built CLI on the encrypted keychain file with no D-Bus session bus at all (ssh, WSL, a container, CI):
// identity add, assume, credential-process (role and identity, full CLI and small entry), rotate and status
// work; no file under HOME holds a long-term secret in plaintext; credential_process without a passphrase or a
// terminal fails at once with the command that fixes it, and works once `keychain unlock` ran.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { askAgent } from '../../electron/core/platform/keychain/file-agent.js';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { keychainFileIn, openFileKeychain } from '../../electron/core/platform/keychain/file-store.js';
import {
  SEED_KEYS,
  seedWorldWithIdentityCenter,
  type StsEmulatorOptions,
} from '../../electron/emulator/index.js';
import { addAcme, loginThroughBrowser } from './sso-login.js';
import { TEST_COST } from '../support/keychain-file.js';
import { addAlice, addRole, CLI, type CliWorld, explain, runProgram, startCliWorld } from './helpers.js';
import { makeSandbox } from '../support/sandbox.js';

const PASS = 'a passphrase for the keychain file test';
const SMALL_ENTRY = path.join(path.dirname(CLI), 'credential-process.mjs');
const DAVE_ARN = 'arn:aws:iam::111111111111:user/dave';

/** Every regular file under `dir` (sockets and the like are skipped). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Starts a world on the keychain file with no D-Bus at all; the file is made with a cheap KDF (it is not under test here). */
async function startFileWorld(label: string, emulator: Partial<StsEmulatorOptions> = {}): Promise<CliWorld> {
  const w = await startCliWorld(label, emulator);
  delete w.env.DBUS_SESSION_BUS_ADDRESS;
  delete w.env.XDG_RUNTIME_DIR;
  Object.assign(w.env, { ROLEBAR_KEYCHAIN: 'file', ROLEBAR_KEYCHAIN_PASSPHRASE: PASS });
  await openFileKeychain({
    file: keychainFileIn(w.sandbox.rolebarHome),
    service: w.sandbox.keychainService,
    env: w.env,
    cost: TEST_COST,
  }).unlock();
  return w;
}

describe('the keychain file through the built CLI, without D-Bus', () => {
  let w: CliWorld;
  before(async () => {
    w = await startFileWorld('cli-keychain-file');
    w.env.AWS_ENDPOINT_URL_IAM = w.emu.endpoint;
    const added = await addAlice(w);
    assert.equal(added.code, 0, explain(added));
    await addRole(w);
  });
  after(() => w.close());

  it('identity add, assume, credential-process, rotate and status work; no plaintext long-term secret under HOME', async () => {
    const assumed = await w.rolebar(['assume', 'prod-ro']);
    assert.equal(assumed.code, 0, explain(assumed));
    const role = await w.rolebar(['credential-process', 'prod-ro']);
    assert.equal(role.code, 0, explain(role));
    assert.match(JSON.parse(role.stdout).AccessKeyId, /^ASIA/);
    const key = await w.rolebar(['credential-process', '--identity', 'alice']);
    assert.equal(key.code, 0, explain(key));
    assert.equal(JSON.parse(key.stdout).AccessKeyId, SEED_KEYS.alice.accessKeyId);
    const identity = await w.rolebar(['credential-process', '--identity', 'alice', '--session']);
    assert.equal(identity.code, 0, explain(identity));
    const session = JSON.parse(identity.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    assert.match(session.AccessKeyId, /^ASIA/);
    // The small entry reads the identity's session from the file itself.
    w.emu.clearRequests();
    const small = await w.run(process.execPath, [
      SMALL_ENTRY,
      'credential-process',
      '--identity',
      'alice',
      '--session',
    ]);
    assert.equal(small.code, 0, explain(small));
    assert.equal(JSON.parse(small.stdout).AccessKeyId, session.AccessKeyId);
    assert.equal(w.emu.requests().length, 0, 'served from the keychain file, not from AWS');

    const dave = await w.rolebar(['identity', 'add', 'dave', '--access-key-id', SEED_KEYS.dave.accessKeyId], {
      input: `${SEED_KEYS.dave.secretAccessKey}\n`,
    });
    assert.equal(dave.code, 0, explain(dave));
    const rotated = await w.rolebar(['identity', 'rotate', 'dave']);
    assert.equal(rotated.code, 0, explain(rotated));
    const user = w.emu.world.userByArn(DAVE_ARN);
    const [newKey] = user ? w.emu.world.keysOf(user) : [];
    assert.ok(newKey && newKey.accessKeyId !== SEED_KEYS.dave.accessKeyId);
    const who = await w.rolebar(['whoami', '--profile', 'prod-ro']);
    assert.equal(who.code, 0, explain(who));

    const status = await w.rolebar(['status']);
    assert.equal(status.code, 0, explain(status));
    assert.match(status.stdout, /Secrets: in an encrypted file \(.*secrets\.rolebar-keychain\)/);
    const json = JSON.parse((await w.rolebar(['status', '--json'])).stdout) as {
      keychain: { backend: string };
    };
    assert.equal(json.keychain.backend, 'file');

    const secrets = [SEED_KEYS.alice.secretAccessKey, SEED_KEYS.dave.secretAccessKey, newKey.secretAccessKey];
    secrets.push(session.SecretAccessKey);
    for (const file of filesUnder(w.sandbox.dir)) {
      const text = readFileSync(file, 'latin1');
      for (const secret of secrets) assert.ok(!text.includes(secret), `${file} holds a secret in plaintext`);
    }
  });

  it('credential_process without a passphrase or a terminal fails at once with the fix; keychain unlock fixes it', async () => {
    const noPass = { ROLEBAR_KEYCHAIN_PASSPHRASE: '' };
    const locked = await w.run(process.execPath, [SMALL_ENTRY, 'credential-process', '--identity', 'alice'], {
      env: noPass,
    });
    assert.equal(locked.code, 1, explain(locked));
    assert.match(locked.stderr, /keychain file is locked.*Run `rolebar keychain unlock` in a terminal/s);
    assert.equal(locked.stdout, '');
    const full = await w.rolebar(['credential-process', 'no-such-role'], { env: noPass });
    assert.notEqual(full.code, 0);

    const unlocked = await w.rolebar(['keychain', 'unlock', '--for', '10m']);
    assert.equal(unlocked.code, 0, explain(unlocked));
    assert.match(unlocked.stdout, /unlocked until .* \(10 min\)/);
    try {
      const served = await w.run(
        process.execPath,
        [SMALL_ENTRY, 'credential-process', '--identity', 'alice'],
        {
          env: noPass,
        },
      );
      assert.equal(served.code, 0, explain(served));
      const status = await w.rolebar(['keychain', 'status', '--json'], { env: noPass });
      assert.ok(JSON.parse(status.stdout).unlockedUntil, status.stdout);
      // The agent: a 0600 socket in the 0700 folder; neither the passphrase nor the key in its argv or environment.
      const socket = path.join(path.dirname(keychainFileIn(w.sandbox.rolebarHome)), 'agent.sock');
      assert.equal(statSync(socket).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(socket)).mode & 0o777, 0o700);
      const pid = (await askAgent(keychainFileIn(w.sandbox.rolebarHome), 'status'))?.pid;
      for (const part of ['cmdline', 'environ']) {
        const text = readFileSync(`/proc/${String(pid)}/${part}`, 'latin1');
        assert.ok(text.includes('keychain') && !text.includes(PASS), `the agent's ${part}`);
      }
      const assumed = await w.rolebar(['assume', 'prod-ro'], { env: noPass });
      assert.equal(assumed.code, 0, explain(assumed));
    } finally {
      const lockedAgain = await w.rolebar(['keychain', 'lock']);
      assert.equal(lockedAgain.stdout, 'The keychain file is locked.\n');
    }
    const after = await w.run(process.execPath, [SMALL_ENTRY, 'credential-process', '--identity', 'alice'], {
      env: noPass,
    });
    assert.equal(after.code, 1, explain(after));
  });
});

describe('keychain unlock for a bounded time', () => {
  let w: CliWorld | undefined;
  after(() => w?.close());

  it('forgets the key when its time is up, and removes its socket', async () => {
    w = await startFileWorld('cli-keychain-file-expiry');
    const file = keychainFileIn(w.sandbox.rolebarHome);
    const unlocked = await w.rolebar(['keychain', 'unlock', '--for', '2s']);
    assert.equal(unlocked.code, 0, explain(unlocked));
    assert.ok(await askAgent(file, 'status'), 'the agent answers at first');
    // Waits for the agent to go, however slow the machine: what is checked is that it goes, not how fast.
    for (let i = 0; i < 300 && (await askAgent(file, 'status')); i++) await sleep(100);
    assert.equal(await askAgent(file, 'status'), undefined, 'the agent is gone');
    const status = await w.rolebar(['keychain', 'status'], { env: { ROLEBAR_KEYCHAIN_PASSPHRASE: '' } });
    assert.match(status.stdout, /Locked: `rolebar keychain unlock` unlocks it for a while/);
    assert.ok(!readdirSync(path.dirname(file)).includes('agent.sock'), 'its socket is gone');
  });
});

describe('Identity Center sign-in on the keychain file, without D-Bus', () => {
  let w: CliWorld | undefined;
  after(() => w?.close());

  it('sso add, login and roles keep the tokens in the file, never in plaintext under HOME', async () => {
    w = await startFileWorld('cli-keychain-file-sso', { world: seedWorldWithIdentityCenter() });
    const added = await addAcme(w);
    assert.equal(added.code, 0, explain(added));
    const login = await loginThroughBrowser(w.env, ['acme', '--no-browser']);
    assert.equal(login.code, 0, explain(login));
    assert.match(login.stdout, /3 roles, 3 new/);
    const assumed = await w.rolebar(['assume', 'dev/ReadOnlyAccess']);
    assert.equal(assumed.code, 0, explain(assumed));
    // Without --aws-cli-cache, the refresh token and client secret are in the keychain file only.
    for (const file of filesUnder(w.sandbox.dir)) {
      assert.doesNotMatch(readFileSync(file, 'latin1'), /refreshToken|clientSecret|accessToken/, file);
    }
  });
});

describe('rolebar demo on the keychain file, without D-Bus', () => {
  const sandbox = makeSandbox('cli-keychain-file-demo');
  const env: NodeJS.ProcessEnv = {
    ...sandbox.env,
    ROLEBAR_DEMO_DIR: path.join(sandbox.dir, 'demo'),
    ROLEBAR_KEYCHAIN: 'file',
    ROLEBAR_KEYCHAIN_PASSPHRASE: PASS,
    NO_COLOR: '1',
  };
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'AWS_PROFILE', 'ROLEBAR_HOME'])
    delete env[name];
  after(async () => {
    await runProgram(process.execPath, [CLI, 'demo', 'stop'], env);
    sandbox.cleanup();
  });

  // The demo keeps its secrets in its own process (no keychain): ROLEBAR_KEYCHAIN=file must not get in its way.
  it('starts, assumes a role and stops', async () => {
    const script = [
      'set -euo pipefail',
      `rolebar() { "${process.execPath}" "${CLI}" "$@"; }`,
      'eval "$(rolebar demo)"',
      'rolebar assume "prod readonly"',
      'eval "$(rolebar demo stop)"',
    ].join('\n');
    const run = await runProgram('bash', ['-c', script], env);
    assert.equal(run.code, 0, `${explain(run)}\nstdout: ${run.stdout}`);
    assert.match(run.stdout, /assumed-role\/readonly\/.* → profile prod-readonly/);
  });
});
