// The session records' own file (store/sessions.ts): written asynchronously under its own lock, records an older
// Rolebar left in settings.json moved over, a damaged file refused with advice, concurrent writers losing nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SessionRecord } from '../../../electron/core/domain/model.js';
import { sessionRegistry, SESSIONS_FILE_NAME } from '../../../electron/core/store/sessions.js';
import { openSettings } from '../../../electron/core/store/settings.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

function record(roleId: string, minutes = 60): SessionRecord {
  return {
    id: roleId,
    roleId,
    profileName: `rolebar-${roleId}`,
    principalArn: `arn:aws:sts::111111111111:assumed-role/${roleId}/me`,
    accountId: '111111111111',
    expiration: new Date(Date.UTC(2026, 11, 7, 12, minutes)).toISOString(),
    clockOffsetMs: 0,
    startedAt: new Date(Date.UTC(2026, 11, 7, 11, 0)).toISOString(),
    via: 'direct',
    requiresMfa: false,
  };
}

describe('session records (sessions.json beside settings.json)', () => {
  let sandbox: Sandbox;
  let file: string;
  beforeEach(() => {
    sandbox = makeSandbox('sessions');
    file = path.join(sandbox.rolebarHome, SESSIONS_FILE_NAME);
  });
  afterEach(() => sandbox.cleanup());

  const open = () => {
    const settings = openSettings({ dir: sandbox.rolebarHome });
    return { settings, sessions: sessionRegistry(settings) };
  };

  it('saves into a private file of its own, never into settings.json, and a second opener sees it', async () => {
    const { settings, sessions } = open();
    const settingsBefore = readFileSync(settings.path, 'utf8');
    await sessions.save(record('a'));
    await sessions.save(record('a', 30)); // replaces, one record per role
    await sessions.save(record('b'));
    assert.equal(readFileSync(settings.path, 'utf8'), settingsBefore);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const other = open().sessions;
    assert.deepEqual(
      other.list().map((s) => [s.roleId, s.expiration]),
      [
        ['a', record('a', 30).expiration],
        ['b', record('b').expiration],
      ],
    );
    assert.equal(await other.remove('a'), true);
    assert.equal(await other.remove('a'), false);
    assert.deepEqual(
      sessions.list().map((s) => s.roleId),
      ['b'],
    );
  });

  it("reads an older Rolebar's records from settings.json and moves them on the next write", async () => {
    const { settings, sessions } = open();
    settings.update((data) => {
      data.sessions = [{ ...record('old') }, { ...record('gone') }];
    });
    assert.deepEqual(
      sessions.list().map((s) => s.roleId),
      ['old', 'gone'],
    );
    assert.equal(existsSync(file), false, 'reading writes nothing');
    await sessions.remove('gone');
    await sessions.save(record('new'));
    assert.deepEqual(settings.read().sessions, []);
    assert.deepEqual(
      sessions.list().map((s) => s.roleId),
      ['old', 'new'],
    );
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { sessions: SessionRecord[] };
    assert.deepEqual(
      stored.sessions.map((s) => s.roleId),
      ['old', 'new'],
    );
  });

  it('concurrent saves of different roles keep every record (one lock around each read-modify-write)', async () => {
    const writers = Array.from({ length: 4 }, () => open().sessions);
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => writers[i % writers.length]?.save(record(`r${i}`))),
    );
    assert.equal(open().sessions.list().length, 24);
  });

  it('a FIFO at its path is refused at once in its own words (never read, never replaced)', async () => {
    spawnSync('mkfifo', [file]);
    const before = lstatSync(file);
    const { sessions } = open();
    assert.throws(
      () => sessions.list(),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'settings-not-a-file');
        assert.match(error.message, /^The session records file .*sessions\.json is a named pipe \(FIFO\)/);
        return true;
      },
    );
    await assert.rejects(sessions.save(record('a')), /session records file/);
    assert.equal(lstatSync(file).ino, before.ino);
    assert.ok(lstatSync(file).isFIFO());
  });

  it('a damaged file is refused with what to do, and left as it is', async () => {
    const { sessions } = open();
    writeFileSync(file, '{"sessions": [', { mode: 0o600 });
    assert.throws(
      () => sessions.list(),
      (error: unknown) =>
        error instanceof Error &&
        error.message.includes(file) &&
        /damaged/.test(error.message) &&
        /Move it away/.test((error as { hint?: string }).hint ?? ''),
    );
    await assert.rejects(sessions.save(record('a')), /damaged/);
    assert.equal(readFileSync(file, 'utf8'), '{"sessions": [');
  });
});
