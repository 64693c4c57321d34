// The window's import (import:apply through the service layer) writes the same credential_process line as the
// command line: Node and the small entry by absolute path (core/credential-process-command.ts), so the user's
// role_arn + source_profile profile keeps working where `rolebar` is not on PATH.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { location } from '../../electron/core/sessions/assume.js';
import {
  cliDirOf,
  findRolebarEntry,
  type RolebarEntry,
} from '../../electron/core/features/outputs/credential-process-command.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import { SEED_KEYS, SEED_ROLES } from '../../electron/emulator/index.js';
import { type AwsProxy, startAwsProxy } from '../support/aws-proxy.js';
import { type CoreFixture, startCoreFixture } from '../support/core-fixture.js';
import { packagedResources } from '../support/packaged.js';
import { awsCliPath } from '../support/prerequisites.js';
import { manualTimers, memoryClipboard } from '../support/service-fixture.js';
import { CLI, explain, runProgram } from '../cli/helpers.js';

const CREDENTIALS = `[default]\naws_access_key_id = ${SEED_KEYS.alice.accessKeyId}\naws_secret_access_key = ${SEED_KEYS.alice.secretAccessKey}\n`;
const CONFIG = `[default]\nregion = us-east-1\n\n[profile user-ro]\nrole_arn = ${SEED_ROLES.readonly}\nsource_profile = default\n`;
/** A PATH with the system's programs and no `rolebar` (never npm-linked into these folders). */
const BARE_PATH = '/usr/bin:/bin';

describe('import:apply from the window, --remove-plaintext-keys', () => {
  let f: CoreFixture | undefined;
  let proxy: AwsProxy | undefined;
  const fixture = () => {
    assert.ok(f, 'the fixture started');
    return f;
  };
  const serviceWith = (rolebarEntry: (() => RolebarEntry) | undefined): RolebarService => {
    const { core, settings, sandbox } = fixture();
    return createRolebarService({
      core,
      settings,
      clipboard: memoryClipboard(),
      timers: manualTimers(),
      app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: false },
      location: location({ env: sandbox.env, homedir: sandbox.dir }),
      ...(rolebarEntry ? { rolebarEntry } : {}),
    });
  };
  /** The AWS CLI reads the user's role_arn + source_profile profile through the written line, without rolebar. */
  const awsGetsTheRole = async (env: NodeJS.ProcessEnv) => {
    const aws = await runProgram(
      awsCliPath(),
      ['sts', 'get-caller-identity', '--profile', 'user-ro', '--output', 'json'],
      { ...env, ...proxy?.env, PATH: BARE_PATH, AWS_DEFAULT_REGION: 'us-east-1' },
    );
    assert.equal(aws.code, 0, explain(aws));
    assert.match(JSON.parse(aws.stdout).Arn, /^arn:aws:sts::222222222222:assumed-role\/readonly\//);
  };
  before(() => {
    assert.ok(
      !BARE_PATH.split(':').some((dir) => existsSync(path.join(dir, 'rolebar'))),
      'no rolebar on PATH',
    );
  });
  beforeEach(async () => {
    f = await startCoreFixture('service-import');
    proxy = await startAwsProxy({ target: f.emu.endpoint });
    mkdirSync(path.dirname(f.sandbox.credentialsFile), { recursive: true });
    writeFileSync(f.sandbox.credentialsFile, CREDENTIALS, { mode: 0o600 });
    writeFileSync(f.sandbox.configFile, CONFIG);
  });
  afterEach(async () => {
    await proxy?.close();
    await f?.close();
  });
  it('writes Node and the small entry by absolute path, and the AWS CLI gets the role without rolebar on PATH', async () => {
    const { sandbox, emu } = fixture();
    // Found as the main process finds it: the CLI bundle beside its own, run by this Node.
    const service = serviceWith(() =>
      findRolebarEntry({
        cliDir: path.dirname(CLI),
        execPath: process.execPath,
        runsOnNode: true,
        env: sandbox.env,
      }),
    );
    const applied = await service['import:apply']({ removePlaintextKeys: true });
    service.close();
    assert.ok(applied.ok, JSON.stringify(applied));
    assert.deepEqual(applied.value.keysRemovedFrom, ['default']);
    const written = readFileSync(sandbox.credentialsFile, 'utf8');
    const entry = path.join(path.dirname(CLI), 'credential-process.mjs');
    assert.ok(
      written.includes(
        `credential_process = ${process.execPath} ${entry} credential-process --identity default\n`,
      ),
      written.replace(/aws_secret_access_key.*/g, '…'),
    );

    await awsGetsTheRole(sandbox.env);
    assert.ok(emu.requests().some((r) => r.action === 'AssumeRole' && r.status === 200));
  });

  it('in the packaged app: the CLI it ships, run by the Node on PATH; every line written runs without rolebar on PATH', async () => {
    const { sandbox } = fixture();
    // resources/ as electron-builder lays it out from build/electron-builder.yml, found as the packaged main finds it.
    const resources = packagedResources(path.join(sandbox.dir, 'Rolebar', 'resources'));
    const cliDir = cliDirOf({ outDir: '/nowhere', packaged: true, resourcesPath: resources });
    const service = serviceWith(() =>
      findRolebarEntry({
        cliDir,
        execPath: path.join(sandbox.dir, 'Rolebar', 'rolebar'),
        runsOnNode: false,
        env: { PATH: `${path.dirname(process.execPath)}:${BARE_PATH}` },
      }),
    );
    const applied = await service['import:apply']({ removePlaintextKeys: true });
    service.close();
    assert.ok(applied.ok, JSON.stringify(applied));
    const written = [sandbox.credentialsFile, sandbox.configFile]
      .map((file) => readFileSync(file, 'utf8'))
      .join('');
    const lines = [...written.matchAll(/^credential_process = (.*)$/gm)].map((match) => match[1] ?? '');
    assert.ok(lines.length > 0, 'the import wrote credential_process lines');
    for (const line of lines) {
      assert.ok(line.includes(path.join(resources, 'cli', 'credential-process.mjs')), line);
      // As botocore runs it (split, not through a shell's PATH lookup of rolebar): from a PATH without rolebar.
      const run = await runProgram('sh', ['-c', line], {
        ...sandbox.env,
        ...proxy?.env,
        PATH: BARE_PATH,
        AWS_DEFAULT_REGION: 'us-east-1',
      });
      assert.equal(run.code, 0, `${line}: ${explain(run)}`);
      const answer = JSON.parse(run.stdout) as {
        Version: number;
        AccessKeyId: string;
        SecretAccessKey: string;
      };
      assert.equal(answer.Version, 1);
      assert.ok(
        answer.AccessKeyId.length > 0 && answer.SecretAccessKey.length > 0,
        'credentials in the answer',
      );
    }
    await awsGetsTheRole(sandbox.env);
  });

  it('refuses before anything changes when the command line cannot be found', async () => {
    const { sandbox, core } = fixture();
    const empty = path.join(sandbox.dir, 'no-cli-here');
    mkdirSync(empty);
    const service = serviceWith(() =>
      findRolebarEntry({ cliDir: empty, execPath: process.execPath, runsOnNode: true, env: sandbox.env }),
    );
    const applied = await service['import:apply']({ removePlaintextKeys: true });
    service.close();
    assert.equal(applied.ok, false);
    assert.equal(!applied.ok && applied.error.code, 'rolebar-cli-missing');
    assert.match((!applied.ok && applied.error.hint) || '', /rolebar import --remove-plaintext-keys/);
    assert.equal(readFileSync(sandbox.credentialsFile, 'utf8'), CREDENTIALS, 'the keys stay where they were');
    assert.equal(core.identities.list().length, 0, 'nothing imported');
  });
});

describe('findRolebarEntry', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(os.tmpdir(), `rolebar-entry-${process.pid}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(path.join(dir, 'cli'), { recursive: true });
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'cli', 'credential-process.mjs'), '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('under Electron, runs the entry with the first executable node on PATH, by absolute path', () => {
    writeFileSync(path.join(dir, 'bin', 'node'), '#!/bin/sh\n', { mode: 0o755 });
    const found = findRolebarEntry({
      cliDir: path.join(dir, 'cli'),
      execPath: '/opt/Rolebar/rolebar',
      runsOnNode: false,
      env: { PATH: `relative/bin:${path.join(dir, 'nothing')}:${path.join(dir, 'bin')}` },
      platform: 'linux',
    });
    assert.deepEqual(found, {
      node: path.join(dir, 'bin', 'node'),
      entry: path.join(dir, 'cli', 'credential-process.mjs'),
    });
  });

  it('under Electron without Node on PATH, says so with what to do (never the Electron binary)', () => {
    writeFileSync(path.join(dir, 'bin', 'node'), 'not executable', { mode: 0o644 });
    assert.throws(
      () =>
        findRolebarEntry({
          cliDir: path.join(dir, 'cli'),
          execPath: '/opt/Rolebar/rolebar',
          runsOnNode: false,
          env: { PATH: path.join(dir, 'bin') },
          platform: 'linux',
        }),
      (error: unknown) =>
        error instanceof Error &&
        'code' in error &&
        error.code === 'node-missing' &&
        /Node\.js/.test(error.message),
    );
  });
});
