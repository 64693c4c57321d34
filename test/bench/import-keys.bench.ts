// `rolebar import --remove-plaintext-keys` of 1,000 key pairs (issue 27 measured about 11 a second): keys per
// second into the OS keychain (gnome-keyring over the Secret Service) and into the encrypted keychain file, each
// import timed whole (settings, keychain, the ~/.aws edits), beside `node -e 0`; and an import killed part-way,
// with the time the next command takes to take its keychain entries back. Never fails on speed.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { makeSandbox, type Sandbox } from '../support/sandbox.js';
import { manyKeyPairs } from '../support/many-keys.js';
import { medianWallMs, report, runCli } from './measure.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'out/cli/rolebar.mjs');
const PAIRS = Number(process.env.ROLEBAR_BENCH_PAIRS ?? 1000);
const PASS = 'bench passphrase';
/** How long into its keychain batch the killed import runs. */
const KILL_AFTER_MS = 8_000;

/** One import of PAIRS key pairs into a fresh sandbox; returns its wall time in ms. */
async function importOnce(sandbox: Sandbox, env: NodeJS.ProcessEnv): Promise<number> {
  mkdirSync(path.dirname(sandbox.credentialsFile), { recursive: true });
  writeFileSync(sandbox.credentialsFile, manyKeyPairs(PAIRS).text, { mode: 0o600 });
  const started = performance.now();
  const code = await runCli(cli, ['import', '--remove-plaintext-keys', '--json'], env);
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`import exited with ${code}`);
  return ms;
}

const sandboxes: Sandbox[] = [];
try {
  const node = medianWallMs(process.execPath, ['-e', '0'], 5);
  report('node -e 0', node);

  const os = makeSandbox('bench-import-os');
  sandboxes.push(os);
  const osMs = await importOnce(os, os.env);
  report(`import ${PAIRS} pairs, OS keychain`, osMs, 'ms', `${((PAIRS * 1000) / osMs).toFixed(1)} keys/s`);
  const secrets = openKeychain({ service: os.keychainService, env: os.env });
  const held = await secrets.list();
  if (held.length !== PAIRS) throw new Error(`the OS keychain holds ${held.length} entries, not ${PAIRS}`);
  for (const account of held) await secrets.delete(account);

  // A kill part-way (SIGKILL some seconds into the keychain batch), then the next command taking it back.
  const killed = makeSandbox('bench-import-kill');
  sandboxes.push(killed);
  mkdirSync(path.dirname(killed.credentialsFile), { recursive: true });
  writeFileSync(killed.credentialsFile, manyKeyPairs(PAIRS).text, { mode: 0o600 });
  const child = spawn(process.execPath, [cli, 'import', '--remove-plaintext-keys'], {
    env: killed.env,
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const settingsText = () => {
    try {
      return readFileSync(path.join(killed.rolebarHome, 'settings.json'), 'utf8');
    } catch {
      return '';
    }
  };
  while (child.exitCode === null && !settingsText().includes('keychainIntents')) await sleep(5);
  await sleep(KILL_AFTER_MS);
  child.kill('SIGKILL');
  await exited;
  const left = openKeychain({ service: killed.keychainService, env: killed.env });
  const written = (await left.list()).length;
  const undoStarted = performance.now();
  if ((await runCli(cli, ['import', '--dry-run', '--json'], killed.env)) !== 0)
    throw new Error('dry run failed');
  const undoMs = performance.now() - undoStarted;
  const remaining = (await left.list()).length;
  report(
    `killed import taken back (${written} entries written)`,
    undoMs,
    'ms',
    `${remaining} left; ${((written * 1000) / undoMs).toFixed(1)} entries/s`,
  );
  for (const account of await left.list()) await left.delete(account);

  const file = makeSandbox('bench-import-file');
  sandboxes.push(file);
  const fileEnv: NodeJS.ProcessEnv = {
    ...file.env,
    ROLEBAR_KEYCHAIN: 'file',
    ROLEBAR_KEYCHAIN_PASSPHRASE: PASS,
  };
  delete fileEnv.DBUS_SESSION_BUS_ADDRESS;
  const fileMs = await importOnce(file, fileEnv);
  report(
    `import ${PAIRS} pairs, keychain file`,
    fileMs,
    'ms',
    `${((PAIRS * 1000) / fileMs).toFixed(1)} keys/s (one scrypt included)`,
  );
} finally {
  for (const sandbox of sandboxes) sandbox.cleanup();
}
