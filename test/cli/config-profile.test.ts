// The additive config writer behind `rolebar setup-profile`, and the quoting of its command line.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { AwsFileError, removeProfile, writeConfigProfile } from '../../electron/core/aws-files/index.js';
import { quoteForCredentialProcess } from '../../electron/core/features/outputs/credential-process-command.js';
import { makeSandbox } from '../support/sandbox.js';

const USER_CONFIG = '# mine\n[default]\nregion = eu-west-1\n\n[profile other]\noutput=json\n';

describe('writeConfigProfile', () => {
  const sandbox = makeSandbox('cli-config');
  const where = { env: sandbox.env, homedir: sandbox.dir };
  const read = () => readFileSync(sandbox.configFile, 'utf8');
  after(() => sandbox.cleanup());

  it('appends an owned section with the keys, keeps every other byte, and rewrites it in place', async () => {
    mkdirSync(path.dirname(sandbox.configFile), { recursive: true });
    writeFileSync(sandbox.configFile, USER_CONFIG, { mode: 0o600 });
    await writeConfigProfile(
      'rolebar-x',
      { credential_process: "/usr/bin/node '/a b/rolebar.mjs' credential-process x" },
      where,
    );
    const written = read();
    assert.ok(written.startsWith(USER_CONFIG));
    assert.match(
      written,
      /\[profile rolebar-x\]\ncredential_process = \/usr\/bin\/node '\/a b\/rolebar.mjs' credential-process x\nmanager = rolebar\n/,
    );
    await writeConfigProfile(
      'rolebar-x',
      { credential_process: 'rolebar credential-process y', region: 'us-west-2' },
      where,
    );
    assert.match(read(), /credential_process = rolebar credential-process y\n/);
    assert.match(read(), /\nregion = us-west-2\n/);
    assert.equal(read().match(/\[profile rolebar-x\]/g)?.length, 1, 'rewritten in place');
    // removeProfile (a role's sign-out) only takes its own mark off a section holding other keys.
    await removeProfile('rolebar-x', where);
    assert.ok(read().startsWith(USER_CONFIG));
    assert.doesNotMatch(read(), /manager = rolebar/);
  });

  it('refuses a section it did not write unless forced, and keys or values that do not fit', async () => {
    const before = read();
    await assert.rejects(
      writeConfigProfile('other', { credential_process: 'x' }, where),
      (e: unknown) => e instanceof AwsFileError && e.code === 'not-owned',
    );
    await assert.rejects(
      writeConfigProfile('y', { 'Bad Key': 'x' }, where),
      /cannot be written as a config key/,
    );
    await assert.rejects(writeConfigProfile('y', { manager: 'me' }, where), /cannot be written/);
    await assert.rejects(writeConfigProfile('y', { credential_process: 'a\nb' }, where), /line breaks/);
    assert.equal(read(), before);
    await writeConfigProfile('other', { credential_process: 'x' }, { ...where, force: true });
    assert.match(read(), /\[profile other\]\noutput=json\ncredential_process = x\nmanager = rolebar\n/);
  });
});

describe('quoteForCredentialProcess', () => {
  it('leaves plain words alone and quotes the rest as botocore splits them', () => {
    assert.equal(quoteForCredentialProcess('/usr/bin/node', 'linux'), '/usr/bin/node');
    assert.equal(
      quoteForCredentialProcess('/home/me/My Tools/rolebar.mjs', 'linux'),
      "'/home/me/My Tools/rolebar.mjs'",
    );
    assert.equal(quoteForCredentialProcess("it's", 'darwin'), `'it'"'"'s'`);
    assert.equal(
      quoteForCredentialProcess('C:\\Program Files\\nodejs\\node.exe', 'win32'),
      '"C:\\Program Files\\nodejs\\node.exe"',
    );
    assert.equal(quoteForCredentialProcess('say "hi"', 'win32'), '"say \\"hi\\""');
  });
});
