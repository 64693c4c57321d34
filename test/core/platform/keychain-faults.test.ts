// A keychain that cannot answer never holds Rolebar hostage: a D-Bus socket that accepts and never answers
// gives a clear error and an exit within 10 s (SIGTERM honoured meanwhile), and a locked keyring is reported
// as locked, with how to unlock it, not as a missing entry. Real processes, a real D-Bus and gnome-keyring.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(root, 'out/cli/rolebar.mjs');
const run = promisify(execFile);

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
}

/**
 * Runs the built CLI's `identity add` (a keychain write) with `env`. `signal` is sent `signalAfterMs` after the
 * start, or (with 'after-error') as soon as the CLI has printed its error, when it should be on its way out.
 */
function identityAdd(
  env: NodeJS.ProcessEnv,
  signal?: { name: NodeJS.Signals; afterMs: number | 'after-error' },
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [CLI, 'identity', 'add', 'bob', '--access-key-id', 'AKIAFAKEBLACKHOLE000', '--no-verify'],
      { env, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (signal?.afterMs === 'after-error' && stderr === '') child.kill(signal.name);
      stderr += d;
    });
    // A watchdog far beyond the bound, so a regression fails the test instead of hanging the suite.
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
    if (signal && signal.afterMs !== 'after-error') {
      const { name, afterMs } = signal;
      setTimeout(() => child.kill(name), afterMs);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stderr, ms: Date.now() - started });
    });
    child.stdin.end('blackhole/FAKE/secret/EXAMPLE000000000000000\n');
  });
}

describe('a D-Bus socket that accepts and never answers', { skip: process.platform !== 'linux' }, () => {
  let sandbox: Sandbox;
  let server: Server | undefined;
  const connections = new Set<Socket>();
  let env: NodeJS.ProcessEnv;
  before(async () => {
    sandbox = makeSandbox('blackhole');
    const socket = path.join(sandbox.dir, 'bus');
    // Accepts, reads nothing, answers nothing; each connection is kept so that clean-up can end it.
    server = createServer((connection) => void connections.add(connection));
    await new Promise<void>((resolve) => server?.listen(socket, resolve));
    env = { ...sandbox.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`, DISPLAY: '' };
  });
  after(async () => {
    for (const connection of connections) connection.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    sandbox?.cleanup();
  });

  it('the CLI prints a clear error and exits within 10 s, changing nothing', async () => {
    const exit = await identityAdd(env);
    assert.ok(exit.ms < 10_000, `exited after ${exit.ms} ms`);
    assert.equal(exit.signal, null, 'exited by itself');
    assert.notEqual(exit.code, 0);
    assert.match(exit.stderr, /keychain did not answer/i);
    assert.doesNotMatch(exit.stderr, /blackhole\/FAKE/);
    assert.doesNotMatch(settingsText(sandbox.rolebarHome), /"bob"/, 'no identity was added');
  });

  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    it(`${name} ends the CLI at once, while the keychain hangs and once it has given up`, async () => {
      const during = await identityAdd(env, { name, afterMs: 1_000 });
      assert.ok(during.ms < 4_500, `${name} took effect after ${during.ms} ms (the keychain bound is 5 s)`);
      assert.ok(during.signal === name || during.code !== 0, `${during.signal} ${during.code}`);
      // Once the error is printed nothing may hold the exit (keytar's hung thread once did, ignoring signals).
      const after = await identityAdd(env, { name, afterMs: 'after-error' });
      assert.ok(after.ms < 10_000, `exited after ${after.ms} ms`);
    });
  }
});

function settingsText(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'settings.json'), 'utf8');
  } catch {
    return '';
  }
}

describe('a locked keyring', { skip: process.platform !== 'linux' }, () => {
  it('is reported as locked, with how to unlock it, not as a missing entry', async () => {
    // A private D-Bus session and gnome-keyring: locking the suite's own keyring would disturb other tests.
    const sandbox = makeSandbox('locked-keyring');
    try {
      const runtime = path.join(sandbox.dir, 'run');
      await run('mkdir', ['-m', '700', runtime]);
      const lock = [
        'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login',
      ].join(' ');
      const script = `
        import { execSync } from 'node:child_process';
        import { openKeychain } from './electron/core/platform/keychain/keychain.ts';
        const keychain = openKeychain({ service: 'rolebar-test-locked', timeoutMs: 4000 });
        const outcome = async (run) => { try { return { code: 'ok', value: await run() }; }
          catch (error) { return { code: error.code, message: error.toUserString() }; } };
        const stored = await outcome(() => keychain.set('alice', 'locked/FAKE/secret'));
        execSync(${JSON.stringify(lock)}, { stdio: 'ignore' });
        const read = await outcome(() => keychain.get('alice'));
        const listed = await outcome(() => keychain.list());
        console.log(JSON.stringify({ stored, read, listed }));
        process.exit(0);
      `;
      const shell = [
        'printf rolebar-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
        `exec "${process.execPath}" --import tsx --input-type=module -e "$0"`,
      ].join('\n');
      const env = {
        ...sandbox.env,
        HOME: sandbox.dir,
        DBUS_SESSION_BUS_ADDRESS: '',
        XDG_RUNTIME_DIR: runtime,
        XDG_DATA_HOME: path.join(sandbox.dir, 'data'),
        DISPLAY: '',
      };
      const { stdout } = await run('dbus-run-session', ['--', 'sh', '-c', shell, script], {
        cwd: root,
        env,
        timeout: 30_000,
      });
      const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<
        string,
        { code: string; message?: string }
      >;
      assert.equal(result.stored?.code, 'ok', 'stored while unlocked');
      for (const what of ['read', 'listed']) {
        assert.equal(result[what]?.code, 'keychain-locked', `${what}: ${JSON.stringify(result[what])}`);
        assert.match(result[what]?.message ?? '', /locked/);
        assert.match(result[what]?.message ?? '', /gnome-keyring-daemon --unlock|Seahorse/);
        assert.doesNotMatch(result[what]?.message ?? '', /rotate/);
      }
    } finally {
      sandbox.cleanup();
    }
  });
});
