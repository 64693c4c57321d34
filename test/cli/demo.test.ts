// `rolebar demo` from a user's shell: start it, point the shell at it with eval, use every kind of role through
// Rolebar and the real AWS CLI (2.9 here: it predates AWS_ENDPOINT_URL_STS, so it is given --endpoint-url), stop it. No AWS account and no Electron involved.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeSandbox, type Sandbox } from '../support/sandbox.js';
import { awsCliPath } from '../support/prerequisites.js';
import { DEMO_SSO_NAME } from '../../electron/core/features/demo/index.js';
import { CLI, explain, runProgram } from './helpers.js';
import { loginThroughBrowser } from './sso-login.js';

describe('rolebar demo', () => {
  let sandbox: Sandbox;
  let env: NodeJS.ProcessEnv;
  let demoDir: string;
  before(() => {
    sandbox = makeSandbox('cli-demo');
    demoDir = path.join(sandbox.dir, 'demo');
    env = { ...sandbox.env, ROLEBAR_DEMO_DIR: demoDir, NO_COLOR: '1' };
    // The demo sets its own; the user's shell may have anything here.
    for (const name of ['AWS_ENDPOINT_URL_STS', 'AWS_REGION', 'AWS_PROFILE', 'ROLEBAR_HOME'])
      delete env[name];
  });
  after(async () => {
    // Stop the background emulator even when the flow failed half-way.
    const serverFile = path.join(demoDir, 'server.json');
    if (existsSync(serverFile)) {
      const { pid } = JSON.parse(readFileSync(serverFile, 'utf8')) as { pid: number };
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await runProgram(process.execPath, [CLI, 'demo', 'stop'], env);
    sandbox?.cleanup();
  });

  it('a full flow: eval "$(rolebar demo)", assume plain, MFA and chained roles, the AWS CLI, stop', async () => {
    const script = [
      'set -euo pipefail',
      `rolebar() { "${process.execPath}" "${CLI}" "$@"; }`,
      `aws() { "${awsCliPath()}" "$@"; }`,
      'eval "$(rolebar demo)"',
      'echo "== status"; rolebar status',
      'echo "== assume"; rolebar assume "prod readonly"',
      'echo "== aws"; aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --profile prod-readonly --query Arn --output text',
      'echo "== mfa"; rolebar assume "prod admin" --mfa-code "$(rolebar demo code)"',
      'echo "== chain"; rolebar exec "prod deployer" -- aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text',
      'echo "== console"; rolebar console "dev worker" --print',
      'echo "== signout"; rolebar signout "prod readonly"',
      'echo "== again"; eval "$(rolebar demo)"; rolebar status --json | grep -c principalArn',
      'echo "== stop"; eval "$(rolebar demo stop)"; echo "endpoint=${AWS_ENDPOINT_URL_STS:-unset}"',
    ].join('\n');
    const run = await runProgram('bash', ['-c', script], env);
    assert.equal(run.code, 0, `${explain(run)}\nstdout: ${run.stdout}`);
    const part = (name: string) => run.stdout.split(`== ${name}\n`)[1]?.split('\n== ')[0] ?? '';
    assert.match(part('status'), /alice \(demo\)[\s\S]*prod admin[\s\S]*prod readonly[\s\S]*prod deployer/);
    assert.match(part('assume'), /assumed-role\/readonly\/.* → profile prod-readonly, until/);
    assert.equal(part('aws').trim(), 'arn:aws:sts::222222222222:assumed-role/readonly/rolebar-alice');
    assert.match(part('mfa'), /assumed-role\/admin\//);
    assert.match(part('chain'), /^arn:aws:sts::222222222222:assumed-role\/deployer\//);
    assert.match(part('console'), /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login/);
    assert.match(part('signout'), /Signed out of "prod readonly"/);
    assert.equal(part('again').trim(), '3', 'joining the running demo keeps its sessions');
    assert.match(part('stop'), /endpoint=unset/);
    assert.match(run.stderr, /eval "\$\(rolebar demo\)"/);
    assert.ok(!existsSync(demoDir), 'stop removes the demo folder');
    assert.ok(!existsSync(sandbox.credentialsFile), "the user's own AWS files are untouched");
  });

  it('has an IAM Identity Center instance to sign in to: sso login, its roles, a switch to one', async () => {
    // The variables a shell has after eval "$(rolebar demo)" (starting the demo, or joining the running one).
    const shell = await runProgram(
      'bash',
      ['-c', `eval "$("${process.execPath}" "${CLI}" demo)" && env`],
      env,
    );
    assert.equal(shell.code, 0, explain(shell));
    const demoEnv: NodeJS.ProcessEnv = { ...env };
    for (const line of shell.stdout.split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m?.[1]) demoEnv[m[1]] = m[2];
    }
    assert.match(demoEnv.AWS_ENDPOINT_URL_SSO_OIDC ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(
      demoEnv.AWS_ENDPOINT_URL_SSO,
      demoEnv.AWS_ENDPOINT_URL_STS,
      'the portal is the emulator too',
    );
    assert.ok(shell.stderr.includes(`rolebar sso login ${DEMO_SSO_NAME}`), shell.stderr);

    const login = await loginThroughBrowser(demoEnv, [DEMO_SSO_NAME, '--no-browser']);
    assert.equal(login.code, 0, explain(login));
    assert.ok(login.stdout.includes(`Signed in to "${DEMO_SSO_NAME}"`), login.stdout);
    assert.match(login.stdout, / 3 roles, 3 new\./);
    const roles = await runProgram(process.execPath, [CLI, 'sso', 'roles', DEMO_SSO_NAME, '--json'], demoEnv);
    assert.equal(roles.code, 0, explain(roles));
    const labels = (JSON.parse(roles.stdout) as Array<{ label: string }>).map((r) => r.label).sort();
    assert.deepEqual(labels, ['dev/AdministratorAccess', 'dev/ReadOnlyAccess', 'prod/ReadOnlyAccess']);
    const assumed = await runProgram(process.execPath, [CLI, 'assume', 'prod/ReadOnlyAccess'], demoEnv);
    assert.equal(assumed.code, 0, explain(assumed));
    assert.match(assumed.stdout, /222222222222.*ReadOnlyAccess/);

    // The AWS CLI token cache of the demo's sign-in goes into the demo's folder, never the real ~/.aws.
    const cache = await runProgram(
      process.execPath,
      [CLI, 'sso', 'edit', DEMO_SSO_NAME, '--aws-cli-cache'],
      demoEnv,
    );
    assert.equal(cache.code, 0, explain(cache));
    const home = demoEnv.HOME ?? '';
    assert.ok(home !== '' && !existsSync(path.join(home, '.aws', 'sso')), `nothing under ${home}/.aws/sso`);
    assert.ok(cache.stdout.includes(demoDir), `the cache file is in the demo's folder: ${cache.stdout}`);
  });
});
