/**
 * `npm test`: checks what the suite needs, isolates it, then runs every stage in order:
 * typecheck, lint (ESLint, Prettier, electronegativity), build, and every test file (unit, integration, browser) with node's test runner.
 *
 * Isolation: on Linux the whole run moves into its own D-Bus session with its own gnome-keyring, unlocked
 * with a throwaway password, and a temporary HOME; AWS_* variables from the caller's shell are dropped and the
 * AWS files point into that HOME. Tests therefore never see the user's keychain entries or ~/.aws.
 *
 * `npm test -- test/core/keychain.test.ts …` runs only the named test files (still isolated).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsIsolation, runCommand, runIsolated } from './support/isolation.js';
import { missingPrerequisites } from './support/prerequisites.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const selected = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));

const missing = missingPrerequisites();
if (missing.length > 0) {
  const fixes = [...new Set(missing.map((m) => m.fix))];
  console.error(`npm test needs ${missing.map((m) => m.what).join(', ')}: ${fixes.join('; ')}.`);
  process.exit(1);
}

if (needsIsolation()) process.exit(await runIsolated(root, 'test/run.ts', process.argv.slice(2)));
process.exit(await runStages());

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
        // Doyensec's Electron security linter over our main process, preload and page (see the script).
        ['lint: electronegativity', process.execPath, ['--import', 'tsx', 'build/security-lint.ts']],
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
  return runCommand(command, args, env, root);
}
