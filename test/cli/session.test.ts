// Sessions end to end: the built CLI against the STS emulator, the isolated keychain and the real AWS CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsCliPath } from '../support/prerequisites.js';
import { SEED_KEYS, SEED_MFA, SEED_ROLES } from '../../electron/emulator/index.js';
import { addAlice, addRole, CLI, type CliWorld, explain, startCliWorld } from './helpers.js';

const READONLY_ARN = 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice';

/** Credentials of a profile as the credentials file holds them (for comparisons only; never printed). */
function profileKeyId(text: string | undefined, profile: string): string | undefined {
  const section = text?.split(/^\[/m).find((s) => s.startsWith(`${profile}]`));
  return /aws_access_key_id = (\S+)/.exec(section ?? '')?.[1];
}

describe('rolebar sessions against the STS emulator', () => {
  let w: CliWorld;
  let step = 0;
  /** A fresh TOTP code: the emulator takes each code once, so move its clock a step. */
  const nextCode = () => {
    step += 1;
    w.emu.setClockOffset(step * 30_000);
    return w.emu.totp(SEED_MFA.alice.serial);
  };
  before(async () => {
    w = await startCliWorld('cli-session');
    assert.equal((await addAlice(w, ['--mfa-serial', SEED_MFA.alice.serial])).code, 0);
    await addRole(w);
    await addRole(w, 'prod-eu', SEED_ROLES.readonly, ['--region', 'eu-central-1']);
  });
  after(() => w.close());

  it('assumes a role: one summary line, notices on stderr, the profile written; whoami sees it', async () => {
    const run = await w.rolebar(['assume', 'prod-ro']);
    assert.equal(run.code, 0, explain(run));
    assert.equal(run.stdout.trim().split('\n').length, 1);
    assert.match(
      run.stdout,
      new RegExp(`${READONLY_ARN} → profile prod-ro, until \\d\\d:\\d\\d UTC\\+00:00 \\(59 min left\\)`),
    );
    assert.ok(profileKeyId(w.files().credentials, 'prod-ro')?.startsWith('ASIA'));
    const who = await w.rolebar(['whoami', '--json']);
    assert.equal(who.code, 0, explain(who));
    assert.deepEqual(JSON.parse(who.stdout), {
      account: '222222222222',
      arn: READONLY_ARN,
      userId: JSON.parse(who.stdout).userId,
      kind: 'assumed-role',
    });
    const status = await w.rolebar(['status']);
    assert.match(status.stdout, /Active sessions \(1\)[\s\S]*prod-ro\s+prod-ro\s+arn:\S+\s+(59|1:00):\d\d/);
  });

  it("chains the seed's hops by name and ARN (alice → readonly → deployer → auditor), reusing them next time", async () => {
    const args = ['assume', 'prod-ro', SEED_ROLES.deployer, SEED_ROLES.auditor];
    const run = await w.rolebar(args);
    assert.equal(run.code, 0, explain(run));
    assert.match(
      run.stdout,
      /arn:aws:sts::333333333333:assumed-role\/auditor\/rolebar-alice → profile auditor@333333333333/,
    );
    const labels = () =>
      w
        .rolebar(['role', 'list', '--json'])
        .then((r) => JSON.parse(r.stdout).map((x: { label: string }) => x.label));
    const after = await labels();
    assert.ok(
      after.includes('deployer@222222222222') && after.includes('auditor@333333333333'),
      after.join(),
    );
    assert.equal((await w.rolebar(args)).code, 0);
    assert.deepEqual(await labels(), after, 'no new roles the second time');
  });

  it('assumes a role by name in the caller’s account, like aws-assume-role ec2-worker', async () => {
    const run = await w.rolebar(['assume', 'ec2-worker']);
    assert.equal(run.code, 0, explain(run));
    assert.match(
      run.stdout,
      /arn:aws:sts::111111111111:assumed-role\/ec2-worker\/rolebar-alice → profile ec2-worker/,
    );
    // Saved once AWS said yes, and said so after the fact.
    const [asking, saved] = run.stderr.trimEnd().split('\n');
    assert.doesNotMatch(asking ?? '', /saved/);
    assert.match(
      saved ?? '',
      /^rolebar: saved "ec2-worker" as your role "ec2-worker" \('rolebar role rm ec2-worker' removes it\)\.$/,
    );
  });

  it('an unknown role name or a refused ARN says so before asking AWS, fails in one line and changes nothing', async () => {
    const before = w.files();
    for (const target of ['no-such-role', SEED_ROLES.billing]) {
      const run = await w.rolebar(['assume', target]);
      assert.equal(run.code, 1, explain(run));
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, run.stderr);
      assert.match(lines[0] ?? '', /^rolebar: ".*" is not one of your roles: assuming it as /);
      assert.doesNotMatch(run.stderr, /saved/, 'a typo is never said to be saved');
      assert.match(lines[1] ?? '', /^rolebar: .*(denied|not authorized)/i);
    }
    assert.deepEqual(w.files(), before);
  });

  it('eval "$(rolebar export ROLE)" in bash gives the role to the AWS CLI', async () => {
    const script = `set -e; eval "$("${process.execPath}" "${CLI}" export prod-ro)"; "${awsCliPath()}" sts get-caller-identity --endpoint-url "${w.emu.endpoint}" --output json`;
    const run = await w.run('bash', ['-c', script]);
    assert.equal(run.code, 0, explain(run));
    assert.equal(JSON.parse(run.stdout).Arn, READONLY_ARN);
    const dotenv = await w.rolebar(['export', 'prod-eu', '--format', 'dotenv']);
    assert.equal(dotenv.code, 0, explain(dotenv));
    // Never print the snippet itself: it holds the session's secret.
    assert.ok(/^AWS_ACCESS_KEY_ID=ASIA/m.test(dotenv.stdout), 'dotenv sets AWS_ACCESS_KEY_ID');
    assert.ok(/^AWS_REGION=eu-central-1$/m.test(dotenv.stdout), 'dotenv sets AWS_REGION');
  });

  it("export then unset leaves a user's AWS_REGION and everything else as it was, in bash, dash and fish", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rolebar-unset-'));
    try {
      const rolebar = `"${process.execPath}" "${CLI}"`;
      const shells = [
        {
          cmd: 'bash',
          script: `set -e; export AWS_REGION=us-west-2; env -0 > "$D/before"; eval "$(${rolebar} export prod-eu)"; printf %s "$AWS_REGION" > "$D/during"; eval "$(${rolebar} unset)"; env -0 > "$D/after"`,
        },
        {
          cmd: 'dash',
          script: `set -e; export AWS_REGION=us-west-2; env -0 > "$D/before"; eval "$(${rolebar} export prod-eu)"; printf %s "$AWS_REGION" > "$D/during"; eval "$(${rolebar} unset)"; env -0 > "$D/after"`,
        },
        {
          cmd: 'fish',
          script: `set -gx AWS_REGION us-west-2; env -0 > "$D/before"; ${rolebar} export prod-eu --format fish | source; printf %s "$AWS_REGION" > "$D/during"; ${rolebar} unset --format fish | source; env -0 > "$D/after"`,
        },
      ];
      for (const sh of shells) {
        const run = await w.run(
          sh.cmd,
          sh.cmd === 'fish' ? ['--no-config', '-c', sh.script] : ['-c', sh.script],
          {
            env: { D: dir, AWS_DEFAULT_REGION: undefined },
          },
        );
        assert.equal(run.code, 0, `${sh.cmd}: ${explain(run)}`);
        assert.equal(readFileSync(path.join(dir, 'during'), 'utf8'), 'eu-central-1', sh.cmd);
        // Compared as whole environments, but never printed: during the export they held a session.
        const envOf = (file: string) => readFileSync(path.join(dir, file), 'utf8').split('\0').sort();
        const before = envOf('before');
        assert.ok(before.includes('AWS_REGION=us-west-2'));
        assert.ok(
          JSON.stringify(envOf('after')) === JSON.stringify(before),
          `${sh.cmd}: the environment after unset differs from the one before export`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('export warns on stderr when AWS_PROFILE is set in the shell (the SDK would prefer the profile)', async () => {
    const run = await w.rolebar(['export', 'prod-ro'], { env: { AWS_PROFILE: 'users-own' } });
    assert.equal(run.code, 0, explain(run));
    assert.match(
      run.stderr,
      /warning: AWS_PROFILE is set \("users-own"\).*Remove it \(unset AWS_PROFILE\) to use prod-ro/,
    );
    const fish = await w.rolebar(['export', 'prod-ro', '--format', 'fish'], {
      env: { AWS_PROFILE: 'users-own' },
    });
    assert.match(fish.stderr, /set -e AWS_PROFILE/);
    const quiet = await w.rolebar(['export', 'prod-ro']);
    assert.doesNotMatch(quiet.stderr, /AWS_PROFILE/);
  });

  it('exec passes the session in the environment (without AWS_PROFILE) and the exit code, signals as 128+n', async () => {
    const probe =
      'const e = process.env; process.stdout.write(JSON.stringify({ id: e.AWS_ACCESS_KEY_ID, token: !!e.AWS_SESSION_TOKEN, ' +
      'secret: !!e.AWS_SECRET_ACCESS_KEY, region: e.AWS_REGION, def: e.AWS_DEFAULT_REGION, exp: e.AWS_CREDENTIAL_EXPIRATION, profile: e.AWS_PROFILE ?? null })); process.exit(7)';
    const run = await w.rolebar(['exec', 'prod-eu', '--', process.execPath, '-e', probe], {
      env: { AWS_PROFILE: 'someone-else' },
    });
    assert.equal(run.code, 7, explain(run));
    const seen = JSON.parse(run.stdout);
    assert.equal(seen.id, profileKeyId(w.files().credentials, 'prod-eu'));
    assert.deepEqual(
      { token: seen.token, secret: seen.secret, region: seen.region, def: seen.def, profile: seen.profile },
      { token: true, secret: true, region: 'eu-central-1', def: 'eu-central-1', profile: null },
    );
    assert.ok(Date.parse(seen.exp) > Date.now());
    const killed = await w.rolebar(['exec', 'prod-eu', '--', 'sh', '-c', 'kill -TERM $$']);
    assert.equal(killed.code, 143, explain(killed));
    const missing = await w.rolebar(['exec', 'prod-eu', '--', 'no-such-command-xyz']);
    assert.equal(missing.code, 127, 'the shell convention for a command that is not found');
    assert.match(
      missing.stderr,
      /^rolebar: Could not run "no-such-command-xyz" as prod-eu: command not found/,
    );
  });

  it('MFA: without a code off a terminal, or with a wrong one, fails in one line and changes nothing', async () => {
    await addRole(w, 'admin', SEED_ROLES.admin, ['--mfa']);
    const before = w.files();
    w.emu.clearRequests();
    const none = await w.rolebar(['assume', 'admin']);
    assert.equal(none.code, 1, explain(none));
    assert.match(none.stderr, /^rolebar: An MFA code is needed: .*--mfa-code/);
    assert.equal(w.emu.requests().length, 0, 'no STS call');
    const wrong = await w.rolebar(['assume', 'admin', '--mfa-code', '000000']);
    assert.equal(wrong.code, 1, explain(wrong));
    assert.equal(wrong.stderr.trimEnd().split('\n').length, 1);
    const malformed = await w.rolebar(['assume', 'admin', '--mfa-code', '12ab56']);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /exactly 6 digits/);
    assert.deepEqual(w.files(), before);
    const good = await w.rolebar(['assume', 'admin', '--mfa-code', nextCode()]);
    assert.equal(good.code, 0, explain(good));
    assert.match(good.stderr, /Started an MFA session/);
  });

  it('credential-process serves the cached session without STS, renews a missing one, and fails fast on MFA', async () => {
    w.emu.clearRequests();
    const cached = await w.rolebar(['credential-process', 'prod-ro']);
    assert.equal(cached.code, 0, explain(cached));
    const answer = JSON.parse(cached.stdout);
    assert.equal(answer.Version, 1);
    assert.equal(answer.AccessKeyId, profileKeyId(w.files().credentials, 'prod-ro'));
    assert.ok(answer.SecretAccessKey && answer.SessionToken && Date.parse(answer.Expiration) > Date.now());
    assert.equal(w.emu.requests().length, 0, 'served from the profile');
    await w.rolebar(['role', 'add', 'fresh', '--role-arn', SEED_ROLES.readonly, '--source', 'alice']);
    const renewed = await w.rolebar(['credential-process', 'fresh']);
    assert.equal(renewed.code, 0, explain(renewed));
    assert.equal(w.emu.countRequests('AssumeRole', 'OK'), 1);
    await w.rolebar([
      'role',
      'add',
      'admin-2h',
      '--role-arn',
      SEED_ROLES.admin,
      '--source',
      'alice',
      '--mfa',
      '--duration',
      '7200',
    ]);
    const mfa = await w.rolebar(['credential-process', 'admin-2h']);
    assert.equal(mfa.code, 1);
    assert.equal(mfa.stdout, '');
    assert.match(
      mfa.stderr,
      /^rolebar: "admin-2h" needs an MFA code: .*Rolebar tray.*rolebar assume admin-2h/,
    );
  });

  it('setup-profile writes credential_process, and the AWS CLI gets the role through it', async () => {
    const setup = await w.rolebar(['setup-profile', 'prod-ro']);
    assert.equal(setup.code, 0, explain(setup));
    const config = w.files().config ?? '';
    assert.match(
      config,
      /\[profile rolebar-prod-ro\]\ncredential_process = \S+node\S* \S+credential-process\.mjs credential-process prod-ro\nmanager = rolebar/,
    );
    const aws = await w.run(awsCliPath(), [
      'sts',
      'get-caller-identity',
      '--profile',
      'rolebar-prod-ro',
      '--endpoint-url',
      w.emu.endpoint,
      '--output',
      'json',
    ]);
    assert.equal(aws.code, 0, explain(aws));
    assert.equal(JSON.parse(aws.stdout).Arn, READONLY_ARN);
    const shadowed = await w.rolebar(['setup-profile', 'prod-ro', '--profile', 'prod-ro']);
    assert.equal(shadowed.code, 1);
    assert.match(shadowed.stderr, /credentials file/);
  });

  it('role rm removes the [profile rolebar-…] section setup-profile wrote for it, and nothing else', async () => {
    await addRole(w, 'short-lived', SEED_ROLES.readonly);
    const before = w.files().config;
    assert.equal((await w.rolebar(['setup-profile', 'short-lived'])).code, 0);
    assert.match(w.files().config ?? '', /^\[profile rolebar-short-lived\]$/m);
    const rm = await w.rolebar(['role', 'rm', 'short-lived']);
    assert.equal(rm.code, 0, explain(rm));
    assert.equal(rm.stdout, 'Removed role "short-lived" and its [profile rolebar-short-lived].\n');
    assert.equal(w.files().config, before, 'the config as it was before setup-profile');
  });

  it('console --print gives a federation login URL; chained sessions ask for under an hour', async () => {
    const run = await w.rolebar(['console', 'prod-ro', '--print']);
    assert.equal(run.code, 0, explain(run));
    const url = new URL(run.stdout.trim());
    assert.equal(`${url.origin}${url.pathname}`, w.emu.federationEndpoint);
    assert.equal(url.searchParams.get('Action'), 'login');
    assert.ok(url.searchParams.get('SigninToken'));
    assert.equal(url.searchParams.get('Destination'), 'https://console.aws.amazon.com/');
    const chained = await w.rolebar(['console', 'auditor@333333333333', '--print', '--duration', '7200']);
    assert.equal(chained.code, 0, explain(chained));
    assert.match(chained.stderr, /under 1 hour/);
    const issued = w.emu.federation.issued;
    assert.equal(issued[issued.length - 1]?.consoleSessionSeconds, 3599);
    assert.ok(!run.stderr.includes(SEED_KEYS.alice.secretAccessKey));
  });
});
