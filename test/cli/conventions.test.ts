// The CLI's Unix conventions, through the built CLI as a user runs it: help about help, a pipe closed early,
// exit codes of exec, a browser that does not open, suggestions for typos, local times, and an environment
// without the SDK's Node warning (and without our switch for it in exec children).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

/** Runs the CLI with its stdout on a pipe whose reading end is already closed: every write fails with EPIPE. */
const CLOSED_PIPE =
  'import os, subprocess, sys\n' +
  'r, w = os.pipe()\n' +
  'os.close(r)\n' +
  'sys.exit(subprocess.run(sys.argv[1:], stdout=w).returncode)\n';

describe('rolebar follows the command-line conventions', () => {
  let w: CliWorld;
  let bin: string;
  before(async () => {
    w = await startCliWorld('cli-conventions');
    bin = mkdtempSync(path.join(os.tmpdir(), 'rolebar-bin-'));
    assert.equal((await addAlice(w)).code, 0);
    await addRole(w);
  });
  after(async () => {
    rmSync(bin, { recursive: true, force: true });
    await w?.close();
  });

  it('help --help, help help and version --help answer; -v prints the version', async () => {
    for (const args of [
      ['help', '--help'],
      ['help', 'help'],
      ['--help', '--help'],
    ]) {
      const run = await w.rolebar(args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${explain(run)}`);
      assert.match(run.stdout, /^Usage: rolebar/);
      assert.doesNotMatch(run.stderr, /RangeError|stack/);
    }
    const version = await w.rolebar(['version', '--help']);
    assert.equal(version.code, 0, explain(version));
    assert.match(version.stdout, /^Usage: rolebar version/);
    for (const flag of ['-v', '-V', '--version', 'version']) {
      assert.equal((await w.rolebar([flag])).stdout.trim(), '0.1.0', flag);
    }
  });

  it('output to a closed pipe (rolebar status | head -1) ends quietly', async () => {
    for (const args of [['status'], ['help'], ['role', 'list']]) {
      const run = await w.run('python3', ['-c', CLOSED_PIPE, process.execPath, CLI, ...args]);
      assert.equal(run.stderr, '', `${args.join(' ')}: no stack trace, no message`);
      assert.equal(run.code, 141, 'as a tool ended by SIGPIPE');
    }
    const head = await w.run('bash', ['-c', `"${process.execPath}" "${CLI}" status | head -1`]);
    assert.equal(head.code, 0);
    assert.equal(head.stdout, 'Identities (1)\n');
    assert.equal(head.stderr, '');
  });

  it('exec: 127 for a command that is not found, 126 for one that cannot be run', async () => {
    const missing = await w.rolebar(['exec', 'prod-ro', '--', 'no-such-command-xyz']);
    assert.equal(missing.code, 127, explain(missing));
    const notExecutable = path.join(bin, 'not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n');
    chmodSync(notExecutable, 0o644);
    const denied = await w.rolebar(['exec', 'prod-ro', '--', notExecutable]);
    assert.equal(denied.code, 126, explain(denied));
    assert.match(denied.stderr, /^rolebar: Could not run ".*not-executable" as prod-ro: EACCES/);
  });

  it('console says when no browser opened, and offers --print', async () => {
    const opener = path.join(bin, 'xdg-open');
    writeFileSync(opener, '#!/bin/sh\nexit 3\n');
    chmodSync(opener, 0o755);
    const run = await w.rolebar(['console', 'prod-ro'], { env: { PATH: `${bin}:${w.env.PATH ?? ''}` } });
    assert.equal(run.code, 1, explain(run));
    assert.doesNotMatch(run.stderr, /opened the console/);
    assert.match(
      run.stderr,
      /Could not open a browser: xdg-open exited 3\. .*rolebar console prod-ro --print/,
    );
  });

  it('typos get "did you mean": commands, subcommands, options, role labels (never sent to AWS)', async () => {
    const command = await w.rolebar(['asume', 'prod-ro']);
    assert.equal(command.code, 2);
    assert.equal(
      command.stderr,
      "rolebar: unknown command 'asume'. Did you mean 'assume'? Run 'rolebar help'.\n",
    );
    const sub = await w.rolebar(['role', 'lsit']);
    assert.match(
      sub.stderr,
      /unknown command 'role lsit'\. Did you mean 'list'\? Run 'rolebar role --help'\./,
    );
    const option = await w.rolebar(['assume', 'prod-ro', '--mfa', '123456']);
    assert.equal(option.code, 2);
    assert.match(
      option.stderr,
      /Unknown option '--mfa'\. Did you mean '--mfa-code'\? Run 'rolebar assume --help'\./,
    );
    const before = w.emu.requests().length;
    const filesBefore = w.files();
    const label = await w.rolebar(['assume', 'prod-r0']);
    assert.equal(label.code, 1, explain(label));
    assert.match(label.stderr, /No role "prod-r0"; nothing was sent to AWS\. Did you mean "prod-ro"/);
    assert.equal(w.emu.requests().length, before, 'no request reached the emulator');
    assert.deepEqual(w.files(), filesBefore);
    const exported = await w.rolebar(['export', 'prod-r0']);
    assert.match(exported.stderr, /No role "prod-r0"\. Did you mean "prod-ro"\?/);
  });

  it('a usage error points at the help of the command that was typed', async () => {
    const run = await w.rolebar(['role', 'add', 'x', '--role-arn', SEED_ROLES.readonly]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Run 'rolebar role add --help'\.\n$/);
    const exec = await w.rolebar(['exec']);
    assert.match(exec.stderr, /Run 'rolebar exec --help'\.\n$/);
  });

  it('suggested commands are quoted for the shell', async () => {
    const label = "bob's $HOME role";
    const add = await w.rolebar([
      'role',
      'add',
      label,
      '--role-arn',
      SEED_ROLES.readonly,
      '--source',
      'alice',
      '--profile',
      'bob',
    ]);
    assert.equal(add.code, 0, explain(add));
    const opener = path.join(bin, 'xdg-open');
    writeFileSync(opener, '#!/bin/sh\nexit 3\n');
    chmodSync(opener, 0o755);
    const run = await w.rolebar(['console', label], { env: { PATH: `${bin}:${w.env.PATH ?? ''}` } });
    const suggested = /`(rolebar console [^`]*)`/.exec(run.stderr)?.[1];
    assert.equal(suggested, `rolebar console 'bob'\\''s $HOME role' --print`, run.stderr);
    // The suggestion, pasted into a shell, runs the command for that very role.
    const pasted = await w.run('bash', [
      '-c',
      suggested.replace(/^rolebar/, `"${process.execPath}" "${CLI}"`),
    ]);
    assert.equal(pasted.code, 0, explain(pasted));
    assert.match(pasted.stdout, /^https?:\/\//);
    assert.equal((await w.rolebar(['role', 'rm', label])).code, 0);
  });

  it('times are local with their zone (TZ), --json keeps ISO 8601 UTC', async () => {
    const berlin = await w.rolebar(['assume', 'prod-ro'], { env: { TZ: 'Europe/Berlin' } });
    assert.equal(berlin.code, 0, explain(berlin));
    assert.match(berlin.stdout, /until \d\d:\d\d UTC\+0[12]:00 \(/);
    const expiration = new Date(
      JSON.parse((await w.rolebar(['status', '--json'])).stdout).sessions[0].expiration,
    );
    const inBerlin = (options: Intl.DateTimeFormatOptions) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', ...options }).format(expiration);
    const berlinTime = inBerlin({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    // `GMT+01:00` in en-GB: Berlin's offset at that instant (winter or summer time).
    const berlinOffset = inBerlin({ timeZoneName: 'longOffset' }).replace(/^.*GMT/, '');
    assert.match(berlin.stdout, new RegExp(`until ${berlinTime} UTC\\${berlinOffset} `));
    const tokyo = await w.rolebar(['assume', 'prod-ro', '--json'], { env: { TZ: 'Asia/Tokyo' } });
    assert.match(JSON.parse(tokyo.stdout).expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('the SDK never prints its Node version warning, and exec children never see the switch for it', async () => {
    const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined };
    const probe =
      'process.stdout.write(JSON.stringify(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? null))';
    const runs = [
      await w.rolebar(['signout', 'prod-ro'], { env }),
      await w.rolebar(['assume', 'prod-ro'], { env }),
      await w.rolebar(['whoami'], { env }),
      await w.rolebar(['assume', 'no-such-role-anywhere'], { env }),
      await w.rolebar(['exec', 'prod-ro', '--', process.execPath, '-e', probe], { env }),
    ];
    for (const run of runs) assert.doesNotMatch(run.stderr, /NodeVersionSupportWarning|node >=22/);
    assert.equal(runs[4]?.stdout, 'null', "exec's child gets the user's environment");
    const own = await w.rolebar(['exec', 'prod-ro', '--', process.execPath, '-e', probe], {
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'yes' },
    });
    assert.equal(own.stdout, '"yes"', "a user's own value is passed on as it was");
  });

  it('identity add checks the key with AWS (GetCallerIdentity); --no-verify skips it', async () => {
    const filesBefore = w.files();
    const wrong = await w.rolebar(
      ['identity', 'add', 'bob', '--access-key-id', SEED_KEYS.alice.accessKeyId],
      {
        input: `${'W'.repeat(40)}\n`,
      },
    );
    assert.equal(wrong.code, 1, explain(wrong));
    assert.match(wrong.stderr, /does not match the access key id\. Nothing was saved\. .*--no-verify/);
    assert.deepEqual(w.files(), filesBefore, 'nothing saved');
    assert.doesNotMatch((await w.rolebar(['identity', 'list'])).stdout, /bob/);
    const offline = await w.rolebar(
      ['identity', 'add', 'bob', '--access-key-id', SEED_KEYS.alice.accessKeyId, '--no-verify'],
      { input: `${'W'.repeat(40)}\n`, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } },
    );
    assert.equal(offline.code, 0, explain(offline));
    assert.match(offline.stdout, /not checked/);
    assert.equal((await w.rolebar(['identity', 'rm', 'bob'])).code, 0);
    const right = await addAlice(w, []);
    assert.equal(right.code, 1, 'alice exists already');
  });

  it('signout ends a session and removes its profile; role edit changes a role and its profile', async () => {
    assert.equal((await w.rolebar(['assume', 'prod-ro'])).code, 0);
    assert.match(w.files().credentials ?? '', /^\[prod-ro\]/m);
    const out = await w.rolebar(['signout', 'prod-ro']);
    assert.equal(out.code, 0, explain(out));
    assert.match(out.stdout, /Signed out of "prod-ro" \(profile prod-ro removed\)/);
    assert.doesNotMatch(w.files().credentials ?? '', /^\[prod-ro\]/m);
    assert.match((await w.rolebar(['signout', 'prod-ro'])).stdout, /no session/);
    assert.equal((await w.rolebar(['assume', 'prod-ro'])).code, 0);
    const edit = await w.rolebar(['role', 'edit', 'prod-ro', '--profile', 'readonly', '--duration', '1800']);
    assert.equal(edit.code, 0, explain(edit));
    assert.doesNotMatch(
      w.files().credentials ?? '',
      /^\[prod-ro\]/m,
      'the old profile went with the session',
    );
    const listed = JSON.parse((await w.rolebar(['role', 'list', '--json'])).stdout);
    const role = listed.find((r: { label: string }) => r.label === 'prod-ro');
    assert.deepEqual([role.profile, role.durationSeconds], ['readonly', 1800]);
    const bad = await w.rolebar(['role', 'edit', 'prod-ro', '--source', 'nobody']);
    assert.equal(bad.code, 1);
    assert.deepEqual(
      JSON.parse((await w.rolebar(['role', 'list', '--json'])).stdout),
      listed,
      'nothing changed',
    );
  });
});
