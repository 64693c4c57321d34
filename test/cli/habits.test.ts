// The habits aws-vault and granted users bring, through the built CLI: a picker for `assume` with no role (driven
// on a pseudo-terminal), `exec ROLE` alone starting $SHELL, completion scripts for bash, zsh and fish, global
// options before the command, unknown options named as options.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { runInTerminal } from '../support/terminal.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

/** The last picture the picker drew (each picture starts with its key line). */
const lastFrame = (transcript: string) => transcript.split('↑↓ move').pop() ?? '';

describe('rolebar: habits from aws-vault and granted', () => {
  let w: CliWorld;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    w = await startCliWorld('cli-habits');
    assert.equal((await addAlice(w)).code, 0);
    await addRole(w, 'prod-ro');
    await addRole(w, 'Prod Admin');
    await addRole(w, 'dev worker', SEED_ROLES.ec2Worker);
    // `rolebar` on PATH, as an installed CLI is, for the shells that complete it.
    const bin = path.join(w.sandbox.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'rolebar'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
    chmodSync(path.join(bin, 'rolebar'), 0o755);
    env = { ...w.env, PATH: `${bin}:${w.env.PATH ?? ''}`, TERM: 'xterm', PS1: '$ ', PROMPT: '$ ' };
  });
  after(() => w.close());

  it('`assume` with no role on a terminal: a picker, typing filters, Enter assumes the one picked', async () => {
    const run = await runInTerminal(['rolebar', 'assume'], env, [
      { expect: /Role to assume: $/, send: 'admin' },
      { expect: /Role to assume: admin$/, send: '\r' },
    ]);
    assert.equal(run.code, 0, run.transcript);
    assert.doesNotMatch(lastFrame(run.transcript), /prod-ro|dev worker/);
    assert.match(run.transcript, /Role to assume: Prod Admin\n/);
    assert.match(run.transcript, /assumed-role\/readonly\/.* → profile Prod-Admin/);
  });

  it('the picker filters by account, arrows move, Esc cancels with nothing done', async () => {
    const before_ = w.emu.requests().length;
    const run = await runInTerminal(['rolebar', 'assume'], env, [
      { expect: /Role to assume: $/, send: 'zzz' },
      { expect: /nothing matches "zzz"/, send: '\u007f\u007f\u007f2222' },
      { expect: /Role to assume: 2222$/, send: '\u001b[B' },
      { expect: /Role to assume: 2222$/, send: '\u001b' },
    ]);
    assert.equal(run.code, 1, run.transcript);
    const frame = lastFrame(run.transcript);
    assert.match(frame, /^ {2}prod-ro +222222222222\n> Prod Admin +222222222222 +profile Prod-Admin\n/m);
    assert.doesNotMatch(frame, /dev worker/);
    assert.match(run.transcript, /Cancelled\. Nothing was changed\./);
    assert.equal(w.emu.requests().length, before_);
  });

  it('a word matching several roles: listed off a terminal (nothing sent), the filtered picker on one', async () => {
    const before_ = w.emu.requests().length;
    const listed = await w.rolebar(['assume', 'prod']);
    assert.equal(listed.code, 1, explain(listed));
    assert.match(
      listed.stderr,
      /^ {2}prod-ro {2}222222222222\n {2}Prod Admin {2}222222222222 {2}profile Prod-Admin\n/,
    );
    assert.match(listed.stderr, /"prod" matches the 2 roles above; nothing was sent to AWS\./);
    assert.equal(w.emu.requests().length, before_);
    const none = await w.rolebar(['assume']);
    assert.equal(none.code, 2, explain(none));
    assert.match(
      none.stderr,
      /'assume' needs a ROLE \(on a terminal, 'rolebar assume' with no role opens a picker\)/,
    );
    const picked = await runInTerminal(['rolebar', 'assume', 'prod'], env, [
      { expect: /Role to assume: prod$/, send: '\u001b[B\r' },
    ]);
    assert.equal(picked.code, 0, picked.transcript);
    assert.match(picked.transcript, /Role to assume: Prod Admin\n/);
  });

  it('`exec ROLE` with no command starts $SHELL with the session and says so; `exit` returns', async () => {
    const run = await runInTerminal(['rolebar', 'exec', 'prod-ro'], { ...env, SHELL: '/bin/bash' }, [
      {
        expect: /[$#] $/,
        send: 'echo "as=$ROLEBAR_ROLE key=${AWS_ACCESS_KEY_ID:0:4} profile=${AWS_PROFILE-none}"\r',
      },
      { expect: /profile=none\n.*[$#] $/, send: 'exit 3\r' },
    ]);
    assert.match(
      run.transcript,
      /rolebar: starting \/bin\/bash with prod-ro's session \(until .*\); type 'exit' to return\./,
    );
    assert.match(run.transcript, /as=prod-ro key=ASIA profile=none/);
    assert.equal(run.code, 3, run.transcript);
    // Without a terminal the shell reads its commands from stdin, as `bash` itself does.
    const piped = await w.rolebar(['exec', 'prod-ro'], {
      env: { SHELL: '/bin/sh' },
      input: 'aws sts get-caller-identity --region us-east-1 --query Arn --output text\n',
    });
    assert.equal(piped.code, 0, explain(piped));
    assert.match(piped.stdout, /assumed-role\/readonly\//);
  });

  it('completion: bash, zsh and fish complete commands and a role label with a space, quoted', async () => {
    const bash = await runInTerminal(['bash', '--norc', '--noprofile', '-i'], env, [
      { expect: /\$ $/, send: 'source <(rolebar completion bash)\r' },
      { expect: /\$ $/, send: 'rolebar as\t' },
      { expect: /assume $/, send: 'Prod\t' },
      { expect: /Prod\\ Admin $/, send: '\u0015exit\r' },
    ]);
    assert.match(bash.transcript, /rolebar assume Prod\\ Admin /);
    const zsh = await runInTerminal(['zsh', '-f', '-i'], env, [
      {
        expect: /\$ $/,
        send: 'autoload -Uz compinit && compinit -u -D && source <(rolebar completion zsh)\r',
      },
      { expect: /\$ $/, send: 'rolebar as\t' },
      { expect: /assume $/, send: 'Prod\t' },
      { expect: /Prod\\ Admin $/, send: '\u0015exit\r' },
    ]);
    assert.match(zsh.transcript, /Prod\\ Admin/);
    const fish = await w.run(
      'fish',
      [
        '--no-config',
        '-c',
        'rolebar completion fish | source; complete -C "rolebar as"; complete -C "rolebar assume Pro"; complete -C "rolebar exec prod-ro --"',
      ],
      { env },
    );
    assert.equal(fish.code, 0, explain(fish));
    const lines = fish.stdout.split('\n').map((l) => l.split('\t')[0]);
    assert.ok(lines.includes('assume'), fish.stdout);
    assert.ok(lines.includes('Prod Admin'), fish.stdout);
    assert.ok(lines.includes('--mfa-code'), fish.stdout);
  });

  it('global options before the command work (as in git); unknown options are named as options', async () => {
    const before_ = await w.rolebar(['--json', 'role', 'list']);
    assert.equal(before_.code, 0, explain(before_));
    assert.deepEqual(
      JSON.parse(before_.stdout),
      JSON.parse((await w.rolebar(['role', 'list', '--json'])).stdout),
    );
    const status = await w.rolebar(['--json', 'status']);
    assert.equal(status.code, 0, explain(status));
    assert.ok(Array.isArray(JSON.parse(status.stdout).roles));
    const typo = await w.rolebar(['--versoin']);
    assert.equal(typo.code, 2);
    assert.equal(
      typo.stderr,
      "rolebar: unknown option '--versoin'. Did you mean '--version'? Run 'rolebar help'.\n",
    );
    const short = await w.rolebar(['-x', 'status']);
    assert.equal(short.code, 2);
    assert.equal(short.stderr, "rolebar: unknown option '-x'. Run 'rolebar help'.\n");
  });

  it('`status` on an empty setup says what adds the first identity', async () => {
    const run = await w.rolebar(['status'], { env: { ROLEBAR_HOME: path.join(w.sandbox.dir, 'empty') } });
    assert.equal(run.code, 0, explain(run));
    assert.match(run.stdout, /Identities \(0\)\n {2}none\. Add IAM user keys with 'rolebar identity add'/);
    assert.match(run.stdout, /Roles \(0\)\n {2}none\. Roles are assumed from an identity: add one first\.\n/);
  });
});
