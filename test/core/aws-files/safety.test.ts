/*
 * The file-safety rules with fixed examples: paths, modes, symlinks, ownership, backups, CRLF/BOM,
 * config keys, the lock, and a read side that shows no secrets.
 */
import assert from 'node:assert/strict';
import {
  chmod,
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import {
  AwsFileError,
  listProfiles,
  readProfile,
  readProfileCredentials,
  removeProfile,
  resolveAwsFilePaths,
  writeProfile,
} from '../../../electron/core/aws-files/index.js';
import { type TempHome, fakeSession, makeTempHome } from './helpers.js';

let home: TempHome;
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(() => home.cleanup());

const mode = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;
const seed = async (text: string, fileMode = 0o600): Promise<void> => {
  await mkdir(path.dirname(home.credentials), { recursive: true, mode: 0o700 });
  await writeFile(home.credentials, text, { mode: fileMode });
  await chmod(home.credentials, fileMode);
};
const code = (expected: string) => (error: unknown) =>
  error instanceof AwsFileError && error.code === expected;

test('paths follow AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else ~/.aws, with ~ expanded', () => {
  assert.deepEqual(resolveAwsFilePaths({ env: {}, homedir: '/h' }), {
    credentials: '/h/.aws/credentials',
    config: '/h/.aws/config',
  });
  assert.deepEqual(
    resolveAwsFilePaths({
      env: { AWS_SHARED_CREDENTIALS_FILE: '~/c', AWS_CONFIG_FILE: '/etc/x' },
      homedir: '/h',
    }),
    {
      credentials: '/h/c',
      config: '/etc/x',
    },
  );
});

test('a new file and ~/.aws are private (0600, 0700)', async () => {
  const result = await writeProfile(fakeSession('dev', 'A', 'eu-west-1'), home.where);
  assert.equal(await mode(home.credentials), 0o600);
  assert.equal(await mode(home.config), 0o600);
  assert.equal(await mode(path.dirname(home.credentials)), 0o700);
  assert.deepEqual(result.warnings, []);
  assert.deepEqual(result.backups, []); // nothing existed to back up
});

test('a group/world-readable file is tightened to 0600 with a warning; a stricter mode is kept', async () => {
  await seed('[x]\nk = v\n', 0o644);
  const result = await writeProfile(fakeSession('dev'), home.where);
  assert.equal(await mode(home.credentials), 0o600);
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /0644.*0600/);
  await chmod(home.credentials, 0o400);
  const again = await writeProfile(fakeSession('dev', 'B'), home.where);
  assert.equal(await mode(home.credentials), 0o400);
  assert.deepEqual(again.warnings, []);
});

test('a symlinked credentials file is written through to its target, the link stays a link', async () => {
  const realDir = path.join(home.home, 'dotfiles');
  await mkdir(realDir);
  await writeFile(path.join(realDir, 'creds'), '# mine\n', { mode: 0o600 });
  await mkdir(path.dirname(home.credentials), { recursive: true });
  await symlink('../dotfiles/creds', home.credentials);
  await writeProfile(fakeSession('dev'), home.where);
  assert.ok((await lstat(home.credentials)).isSymbolicLink());
  assert.equal(await readlink(home.credentials), '../dotfiles/creds');
  assert.match(await readFile(path.join(realDir, 'creds'), 'utf8'), /^# mine\n\n\[dev\]\n/);
  assert.ok(
    (await readdir(realDir)).some((f) => f.startsWith('creds.rolebar-backup-')),
    'the backup goes beside the target',
  );
  await removeProfile('dev', home.where);
  assert.equal(await readFile(path.join(realDir, 'creds'), 'utf8'), '# mine\n');
});

test('a dangling symlink is followed only into a folder that exists; no folder is made where it points', async () => {
  await mkdir(path.dirname(home.credentials), { recursive: true });
  const nowhere = path.join(home.home, 'nonexistent', 'dir');
  await symlink(path.join(nowhere, 'credentials'), home.credentials);
  await assert.rejects(writeProfile(fakeSession('dev'), home.where), (error: unknown) => {
    assert.ok(error instanceof AwsFileError && error.code === 'not-a-file', String(error));
    assert.match(
      error.message,
      /is a symbolic link to .*nonexistent\/dir\/credentials, whose folder does not exist/,
    );
    return true;
  });
  await assert.rejects(stat(path.join(home.home, 'nonexistent')), { code: 'ENOENT' });
  assert.ok((await lstat(home.credentials)).isSymbolicLink(), 'the link is left as it is');
  // Its folder made by the user, the link is written through.
  await mkdir(nowhere, { recursive: true });
  await writeProfile(fakeSession('dev'), home.where);
  assert.ok((await lstat(home.credentials)).isSymbolicLink());
  assert.match(await readFile(path.join(nowhere, 'credentials'), 'utf8'), /^\[dev\]\n/);
});

test('a section we did not write, or holding long-term keys, is refused without force; force overwrites it', async () => {
  const original = '[dev]\naws_access_key_id = AKIAFAKELONGTERM0000\naws_secret_access_key = fake\n';
  await seed(original);
  await assert.rejects(writeProfile(fakeSession('dev'), home.where), (error: unknown) => {
    assert.ok(error instanceof AwsFileError && error.code === 'not-owned');
    assert.match(error.message, /"dev".*long-term/);
    assert.match(error.hint ?? '', /force/);
    assert.ok(
      !error.message.includes('AKIA') && !error.toUserString().includes('fake'),
      'no secret in the message',
    );
    return true;
  });
  assert.equal(await readFile(home.credentials, 'utf8'), original);
  // Our mark alone does not make long-term keys ours.
  await seed(`${original}manager = rolebar\n`);
  await assert.rejects(writeProfile(fakeSession('dev'), home.where), code('not-owned'));
  await assert.rejects(removeProfile('dev', home.where), code('not-owned'));
  const forced = await writeProfile(fakeSession('dev', 'F'), { ...home.where, force: true });
  assert.equal(forced.backups.length, 1);
  assert.equal(await readFile(forced.backups[0] ?? '', 'utf8'), `${original}manager = rolebar\n`);
  assert.equal(await mode(forced.backups[0] ?? ''), 0o600);
  assert.match(path.basename(forced.backups[0] ?? ''), /^credentials\.rolebar-backup-\d{8}T\d{6}Z-forced$/);
  assert.equal(
    (await readProfileCredentials('dev', home.where))?.accessKeyId,
    fakeSession('dev', 'F').accessKeyId,
  );
});

test('a backup is made before the first change only', async () => {
  await seed('[other]\nk = v\n');
  const first = await writeProfile(fakeSession('a'), home.where);
  const second = await writeProfile(fakeSession('b'), home.where);
  assert.equal(first.backups.length, 1);
  assert.deepEqual(second.backups, []);
  assert.equal(await readFile(first.backups[0] ?? '', 'utf8'), '[other]\nk = v\n');
});

test('duplicated sections are refused unless all are ours (then healed to one)', async () => {
  await seed('[dev]\nk = 1\n[dev]\nk = 2\n');
  await assert.rejects(writeProfile(fakeSession('dev'), { ...home.where, force: true }), code('duplicate'));
  await seed('[dev]\nmanager = rolebar\n[x]\nk = v\n[dev]\nmanager = rolebar\n');
  await writeProfile(fakeSession('dev'), home.where);
  const text = await readFile(home.credentials, 'utf8');
  assert.equal(text.match(/\[dev\]/g)?.length, 1);
  assert.match(text, /\[x\]\nk = v\n$/);
});

test('CRLF, BOM, comments, odd spacing and a missing final newline survive; new lines use CRLF', async () => {
  const original =
    '\uFEFF; top\r\n[ dev ]\r\nkey=value\r\n\r\n# c\r\n[dev]\r\naws_session_token =old\r\nmanager=rolebar\r\n  cont = x\r\nzz\t=\ty';
  await seed(original);
  await writeProfile(fakeSession('dev', 'C'), home.where);
  const text = await readFile(home.credentials, 'latin1');
  const bom = '\xEF\xBB\xBF';
  assert.ok(
    text.startsWith(`${bom}; top\r\n[ dev ]\r\nkey=value\r\n\r\n# c\r\n[dev]\r\naws_session_token =`),
    'prefix kept',
  );
  assert.ok(text.includes('\r\nmanager=rolebar\r\n'), 'our existing lines keep their spacing');
  assert.ok(!text.includes('cont = x'), 'continuation of a replaced key goes with it');
  assert.ok(
    text.endsWith(`x_principal_arn = ${fakeSession('dev', 'C').principalArn}`),
    'still no final newline',
  );
  assert.equal(text.replaceAll('\r\n', '').includes('\n'), false, 'every line break is CRLF');
  assert.ok(text.includes('zz\t=\ty\r\n'), 'unknown key kept');
});

test('config: region under [profile NAME] / [default], other keys kept, only when ours or forced', async () => {
  await mkdir(path.dirname(home.config), { recursive: true });
  await writeFile(
    home.config,
    '[default]\noutput = json\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\nmanager = rolebar\ns3 =\n  max_concurrent_requests = 20\n',
  );
  await assert.rejects(
    writeProfile(fakeSession('default', 'D', 'eu-north-1'), home.where),
    code('not-owned'),
  );
  await assert.rejects(readFile(home.credentials), { code: 'ENOENT' }); // refused before touching credentials
  await writeProfile(fakeSession('default', 'D', 'eu-north-1'), { ...home.where, force: true });
  await writeProfile(fakeSession('dev', 'E', 'ap-south-1'), home.where);
  const config = await readFile(home.config, 'utf8');
  assert.equal(
    config,
    '[default]\noutput = json\nregion = eu-north-1\nmanager = rolebar\n[profile dev]\nregion = ap-south-1\nmanager = rolebar\ns3 =\n  max_concurrent_requests = 20\n',
  );
  // Sign-out of an adopted config section gives it back without our mark.
  const removed = await removeProfile('dev', home.where);
  assert.deepEqual([removed.removedFromCredentials, removed.removedFromConfig], [true, true]);
  assert.match(
    await readFile(home.config, 'utf8'),
    /\[profile dev\]\nregion = ap-south-1\ns3 =\n {2}max_concurrent_requests = 20\n$/,
  );
});

test('list and read show ownership, expiry, ARN and region but no secrets', async () => {
  await seed('[mine]\naws_access_key_id = AKIAFAKELONGTERM0000\naws_secret_access_key = fake\n');
  await writeProfile(fakeSession('dev', 'L', 'eu-west-1'), home.where);
  const list = await listProfiles(home.where);
  assert.deepEqual(
    list.map((p) => [p.name, p.owned, p.longTermKeys]),
    [
      ['mine', false, true],
      ['dev', true, false],
    ],
  );
  const dev = await readProfile('dev', home.where);
  assert.equal(dev?.expiresAt, '2030-01-02T03:04:05.000Z');
  assert.equal(dev?.principalArn, fakeSession('dev', 'L').principalArn);
  assert.equal(dev?.region, 'eu-west-1');
  const serialized = JSON.stringify(list);
  assert.ok(
    !serialized.includes('fakeSecret') && !serialized.includes('FakeToken') && !serialized.includes('AKIA'),
    'no secrets listed',
  );
  assert.equal(await readProfile('nope', home.where), undefined);
});

test('bad names and values are refused before anything is written', async () => {
  for (const name of ['', 'a b', 'x]', 'DEFAULT', 'a\nb']) {
    await assert.rejects(writeProfile(fakeSession(name), home.where), code('invalid-input'));
  }
  await assert.rejects(
    writeProfile({ ...fakeSession('dev'), sessionToken: 'a\nb' }, home.where),
    code('invalid-input'),
  );
  await assert.rejects(readFile(home.credentials), { code: 'ENOENT' });
});

test('a held lock makes a writer wait and then fail with "locked"; a stale one is broken', async () => {
  await seed('');
  const lock = `${home.credentials}.rolebar-lock`;
  await writeFile(lock, `${process.pid} ${os.hostname()} now x\n`); // held by a live process (us)
  const started = Date.now();
  await assert.rejects(
    writeProfile(fakeSession('dev'), { ...home.where, timeoutMs: 300 }),
    (error: unknown) => {
      assert.ok(error instanceof AwsFileError && error.code === 'locked');
      assert.match(error.hint ?? '', /rolebar-lock/);
      return true;
    },
  );
  assert.ok(Date.now() - started >= 250);
  // Released while we wait: the writer proceeds.
  setTimeout(
    () => void writeFile(lock, '').then(() => import('node:fs/promises').then((fs) => fs.rm(lock))),
    100,
  );
  await writeProfile(fakeSession('dev'), { ...home.where, timeoutMs: 3000 });
  // A dead holder (pid of an exited process) is broken at once.
  await writeFile(lock, `999999999 ${os.hostname()} then x\n`);
  await writeProfile(fakeSession('dev', 'B'), { ...home.where, timeoutMs: 500 });
  // An old lock of a live pid (pids get reused) is broken by age.
  await writeFile(lock, `${process.pid} ${os.hostname()} old x\n`);
  const old = new Date(Date.now() - 60_000);
  await utimes(lock, old, old);
  await writeProfile(fakeSession('dev', 'C'), { ...home.where, timeoutMs: 500 });
  await assert.rejects(stat(lock), { code: 'ENOENT' });
});

test('afterWrite runs once, when both files are in place; its throw is its own; a refused write never calls it', async () => {
  const seen: string[] = [];
  const afterWrite = () => {
    // Every reader already sees the new profile (a switch records its session here).
    seen.push(readFileSync(home.credentials, 'latin1'), readFileSync(home.config, 'latin1'));
  };
  await writeProfile(fakeSession('dev', 'A', 'eu-west-1'), { ...home.where, afterWrite });
  assert.equal(seen.length, 2, 'called exactly once');
  assert.match(seen[0] ?? '', /\[dev\][^[]*ASIAFAKEA/);
  assert.match(seen[1] ?? '', /\[profile dev\][^[]*region = eu-west-1/);

  // An unchanged profile (nothing to write) still calls it: the caller's step does not depend on a change.
  let calls = 0;
  await writeProfile(fakeSession('dev', 'A', 'eu-west-1'), { ...home.where, afterWrite: () => void calls++ });
  assert.equal(calls, 1);

  // The step's own error comes through as it is (not as an I/O error of the file); the profile stays written.
  const own = new Error('the session record could not be saved');
  await assert.rejects(
    writeProfile(fakeSession('dev', 'B'), {
      ...home.where,
      afterWrite: () => {
        throw own;
      },
    }),
    (error: unknown) => error === own,
  );
  assert.equal(
    (await readProfileCredentials('dev', home.where))?.accessKeyId,
    fakeSession('dev', 'B').accessKeyId,
  );

  // Refused (a section Rolebar did not write): nothing is written and the step never runs.
  await writeFile(home.credentials, '[mine]\naws_access_key_id = AKIAOWN\n', { mode: 0o600 });
  calls = 0;
  await assert.rejects(
    writeProfile(fakeSession('mine'), { ...home.where, afterWrite: () => void calls++ }),
    code('not-owned'),
  );
  assert.equal(calls, 0);
});
