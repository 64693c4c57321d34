// Help and output agree with each other: every usage line names its options as the option list does, and
// tables use the same headers from command to command. An MFA code prompt shows what is typed.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

const COMMANDS = [
  'whoami',
  'status',
  'identity add',
  'identity rm',
  'identity rotate',
  'identity set-key',
  'identity list',
  'role add',
  'role edit',
  'role rm',
  'role list',
  'role discover',
  'assume',
  'export',
  'unset',
  'exec',
  'signout',
  'credential-process',
  'setup-profile',
  'console',
  'policy',
  'revoke',
  'import',
  'demo',
  'completion',
];

/** The options a `--help` lists: name → value placeholder ('' for a flag). */
function listedOptions(help: string): Map<string, string> {
  const options = new Map<string, string>();
  for (const match of help.matchAll(/^ {2}(?:-\w, )?--([\w-]+)(?: ([A-Z_|a-z]+))?\s{2,}/gm)) {
    if (match[1] !== 'help') options.set(match[1] ?? '', match[2] ?? '');
  }
  return options;
}

describe('rolebar help and output agree', () => {
  let w: CliWorld;
  before(async () => {
    w = await startCliWorld('cli-help');
    assert.equal((await addAlice(w, ['--mfa-serial', SEED_MFA.alice.serial])).code, 0);
    await addRole(w);
  });
  after(() => w?.close());

  it("each usage line names every option (or says [options]) with the option list's value", async () => {
    const problems: string[] = [];
    for (const command of COMMANDS) {
      const help = (await w.rolebar([...command.split(' '), '--help'])).stdout;
      const usage = help.split('\n')[0] ?? '';
      for (const [name, value] of listedOptions(help)) {
        const inUsage = new RegExp(`--${name}(?= |\\]|$)(?: ([^\\s\\]|)-][^\\s\\])]*))?`).exec(usage);
        if (!inUsage) {
          if (!usage.includes('[options]')) problems.push(`${command}: --${name} missing from "${usage}"`);
          continue;
        }
        const shown = inUsage[1] ?? '';
        // `--format bash|zsh|…` lists the values instead of naming them.
        if (value && shown !== value && !shown.includes('|')) {
          problems.push(`${command}: usage says --${name} ${shown}, options say --${name} ${value}`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('tables share their headers: upper case, and the same columns for the same things', async () => {
    const assumed = await w.rolebar(['assume', 'prod-ro', '--mfa-code', w.emu.totp(SEED_MFA.alice.serial)]);
    assert.equal(assumed.code, 0, explain(assumed));
    const headerOf = (text: string, after = '') =>
      (after ? (text.split(after)[1] ?? '') : text)
        .split('\n')
        .find((line) => /^\s*[A-Za-z]{2,}\s{2}/.test(line))
        ?.trim() ?? '';
    const status = (await w.rolebar(['status'])).stdout;
    const roleList = headerOf((await w.rolebar(['role', 'list'])).stdout);
    const identityList = headerOf((await w.rolebar(['identity', 'list'])).stdout);
    const whoami = headerOf((await w.rolebar(['whoami'])).stdout);
    assert.equal(headerOf(status, 'Roles ('), roleList);
    assert.ok(identityList.startsWith(headerOf(status, 'Identities (')), identityList);
    for (const header of [roleList, identityList, whoami, headerOf(status, 'Active sessions (')]) {
      assert.ok(header.length > 0);
      assert.equal(header, header.toUpperCase(), `upper case: ${header}`);
    }
  });

  it('the MFA code prompt shows what is typed (an MFA code is not a secret)', async () => {
    await addRole(w, 'admin', SEED_ROLES.admin, ['--mfa']);
    // Forget the MFA session from the test before, and use the next code (the emulator takes each code once).
    assert.equal(
      (
        await w.rolebar(['identity', 'set-key', 'alice', '--access-key-id', 'AKIAALICEKEY0EXAMPLE'], {
          input: 'alice/FAKE/secret/key/for/tests/EXAMPLE0\n',
        })
      ).code,
      0,
    );
    w.emu.setClockOffset(60_000);
    const code = w.emu.totp(SEED_MFA.alice.serial);
    // `script` gives the CLI a terminal and records it in a file; the code is typed once the prompt is there
    // (waiting for the prompt, not for a fixed time).
    const typescript = path.join(w.sandbox.dir, 'typescript');
    const feed = `for i in $(seq 1200); do grep -q 'MFA code for' '${typescript}' 2>/dev/null && break; sleep 0.1; done; printf '%s\\r' ${code}`;
    const run = await w.run('bash', [
      '-c',
      `(${feed}) | script -qefc "'${process.execPath}' '${CLI}' assume admin" '${typescript}' >/dev/null; cat '${typescript}'`,
    ]);
    // readline moves the cursor with escape codes; what the user sees is the text without them.
    // eslint-disable-next-line no-control-regex
    const seen = run.stdout.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
    assert.match(seen, new RegExp(`MFA code for ${SEED_MFA.alice.serial}: ${code}\r`), seen + run.stderr);
    assert.match(run.stdout, /assumed-role\/admin\//);
  });
});
