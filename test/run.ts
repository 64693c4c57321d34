/**
 * `npm test`: checks what the suite needs, isolates it, then runs every stage in order:
 * typecheck, lint, build, and every test file (unit, integration, browser) with node's test runner.
 *
 * Isolation: on Linux the whole run moves into its own D-Bus session with its own gnome-keyring, unlocked
 * with a throwaway password, and a temporary HOME; AWS_* variables from the caller's shell are dropped and the
 * AWS files point into that HOME. Tests therefore never see the user's keychain entries or ~/.aws.
 *
 * `npm test -- test/core/keychain.test.ts …` runs only the named test files (still isolated).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { INSTALL_COMMAND, missingPrerequisites } from './support/prerequisites.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const selected = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));

const missing = missingPrerequisites();
if (missing.length > 0) {
  console.error(`npm test needs ${missing.join(', ')}. Install with: ${INSTALL_COMMAND}`);
  process.exit(1);
}

if (process.platform === 'linux' && process.env.ROLEBAR_TEST_ISOLATED !== '1') {
  process.exit(await runIsolated());
}
process.exit(await runStages());

/** Re-runs this script inside a private D-Bus session with a private, unlocked keyring and HOME. */
async function runIsolated(): Promise<number> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rolebar-test-home-'));
  const runtime = path.join(home, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const env = isolatedEnv(home, runtime);
  const script = [
    // gnome-keyring reads the new keyring's password on stdin and unlocks (creating) the login collection.
    'printf rolebar-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    `exec "${process.execPath}" --import tsx test/run.ts "$@"`,
  ].join('\n');
  try {
    return await run('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...process.argv.slice(2)], env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function isolatedEnv(home: string, runtime: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The caller's AWS identity and session bus must not reach the tests.
    if (key.startsWith('AWS_') || key.startsWith('DBUS_') || key.startsWith('GNOME_KEYRING')) continue;
    env[key] = value;
  }
  return {
    ...env,
    ROLEBAR_TEST_ISOLATED: '1',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    XDG_DATA_HOME: path.join(home, '.local/share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    ROLEBAR_HOME: path.join(home, 'rolebar'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws/credentials'),
    AWS_CONFIG_FILE: path.join(home, '.aws/config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    // The SDK's notice about Node.js versions is noise in test output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Playwright must use Debian's Chromium and never fetch a browser of its own.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    NO_COLOR: process.env.NO_COLOR ?? '',
  };
}

async function runStages(): Promise<number> {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const eslint = path.join(root, 'node_modules/eslint/bin/eslint.js');
  const prettier = path.join(root, 'node_modules/prettier/bin/prettier.cjs');
  const stages: Array<[string, string, string[]]> = selected.length
    ? []
    : [
        ['typecheck: electron (Node + Electron main)', process.execPath, [tsc, '-p', 'electron']],
        ['typecheck: renderer (browser)', process.execPath, [tsc, '-p', 'renderer']],
        ['typecheck: test', process.execPath, [tsc, '-p', 'test']],
        ['lint: eslint', process.execPath, [eslint, '-c', 'build/eslint.config.js', '.']],
        ['lint: prettier', process.execPath, [prettier, '--check', '--log-level=warn', '.']],
      ];
  stages.push(['build', process.execPath, ['--import', 'tsx', 'build/build.ts']]);
  for (const [name, command, args] of stages) {
    console.log(`\n▶ ${name}`);
    const code = await run(command, args, process.env);
    if (code !== 0) {
      console.error(`✖ ${name} failed`);
      return code;
    }
  }
  const files = selected.length ? selected : findTests(path.join(root, 'test'));
  console.log(`\n▶ tests (${files.length} files)`);
  return run(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    process.env,
  );
}

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findTests(full));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path.relative(root, full));
  }
  return found.sort();
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
