import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Conf from 'conf';
import { settingsDir } from '../../../electron/core/platform/paths.js';
import {
  assertNoSecrets,
  DEFAULT_PREFERENCES,
  openSettings,
  SETTINGS_VERSION,
  type SettingsData,
  SettingsFileError,
} from '../../../electron/core/store/settings.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

const fixedNow = () => new Date('2026-11-22T10:00:00Z');

describe('settings (real files through conf)', () => {
  let sandbox: Sandbox;
  let file: string;
  beforeEach(() => {
    sandbox = makeSandbox('settings');
    file = path.join(sandbox.rolebarHome, 'settings.json');
  });
  afterEach(() => sandbox.cleanup());

  const open = () => openSettings({ dir: sandbox.rolebarHome, now: fixedNow });

  it('creates a private file with defaults and the current format version', () => {
    const settings = open();
    assert.equal(settings.path, file);
    assert.deepEqual(settings.preferences(), DEFAULT_PREFERENCES);
    assert.deepEqual(settings.read().roles, []);
    const raw = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(raw.__internal__.migrations.version, SETTINGS_VERSION);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('persists updates, and a second opener (the CLI beside the app) sees them', () => {
    const app = open();
    const cli = open();
    app.update((data) => {
      data.roles.push({
        id: 'r1',
        label: 'prod read-only',
        roleArn: 'arn:aws:iam::222222222222:role/ReadOnly',
      });
    });
    assert.equal(cli.read().roles[0]?.label, 'prod read-only');
    cli.setPreferences({ theme: 'dark' });
    assert.equal(app.preferences().theme, 'dark');
  });

  it('refuses a value that breaks the schema and changes nothing', () => {
    const settings = open();
    const before = readFileSync(file, 'utf8');
    assert.throws(
      () => settings.setPreferences({ refreshMarginMin: 0 }),
      (error: unknown) => error instanceof Error && /refreshMarginMin|minimum|>= 1/.test(error.message),
    );
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  it('never stores a secret: by field name or by shape', () => {
    const settings = open();
    const before = readFileSync(file, 'utf8');
    assert.throws(
      () => settings.update((d) => void d.identities.push({ id: 'i1', secretAccessKey: 'x' })),
      /keychain/,
    );
    assert.throws(
      () =>
        settings.update(
          (d) => void d.identities.push({ id: 'i2', note: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
        ),
      /keychain/,
    );
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.doesNotThrow(() =>
      assertNoSecrets({ mfaSerial: 'arn:aws:iam::111111111111:mfa/alice', accessKeyId: 'AKIAFAKE' }),
    );
  });

  it('a long label a person typed is not mistaken for a secret', () => {
    const settings = open();
    const label = 'ProductionReadonlyAccessForTheDataTeamXY'; // 40 letters, as the old check refused
    assert.equal(label.length, 40);
    settings.update((d) => void d.roles.push({ id: 'r-long', label }));
    assert.ok(settings.read().roles.some((r) => r.label === label));
    assert.throws(
      () => assertNoSecrets({ label: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
      /secret key or token/,
    );
  });

  it('a corrupt file is kept in place, copied aside, and explained', () => {
    writeFileSync(file, '{ "roles": [ {"id": "r1"} ');
    const before = readFileSync(file, 'utf8');
    assert.throws(open, (error: unknown) => {
      assert.ok(error instanceof SettingsFileError);
      assert.equal(error.code, 'settings-corrupt');
      assert.match(error.toUserString(), /not valid JSON/);
      assert.match(error.toUserString(), /copy kept at/);
      assert.equal(readFileSync(error.keptAt, 'utf8'), before);
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), before, 'the original is never reset');
  });

  it('a file that breaks the schema is treated as corrupt, never reset', () => {
    writeFileSync(
      file,
      JSON.stringify({ roles: 'not-a-list', __internal__: { migrations: { version: SETTINGS_VERSION } } }),
    );
    const before = readFileSync(file, 'utf8');
    assert.throws(
      open,
      (error: unknown) => error instanceof SettingsFileError && /schema/.test(error.message),
    );
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.equal(readdirSync(sandbox.rolebarHome).filter((f) => f.includes('.corrupt-')).length, 1);
  });

  it('a file from a newer Rolebar is kept unchanged with a clear error', () => {
    const newer = { roles: [], future: { x: 1 }, __internal__: { migrations: { version: '9.0.0' } } };
    writeFileSync(file, JSON.stringify(newer));
    assert.throws(open, (error: unknown) => {
      assert.ok(error instanceof SettingsFileError);
      assert.equal(error.code, 'settings-too-new');
      assert.match(error.toUserString(), /newer Rolebar .*9\.0\.0.*Update Rolebar/);
      assert.ok(existsSync(error.keptAt));
      return true;
    });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), newer);
  });

  it('migrates a 0.x file forward, keeping what it had', () => {
    const old = {
      roles: [{ id: 'r1', label: 'kept' }],
      preferences: { theme: 'dark' },
      __internal__: { migrations: { version: '0.9.0' } },
    };
    writeFileSync(file, JSON.stringify(old));
    const settings = open();
    assert.equal(settings.read().roles[0]?.label, 'kept');
    assert.equal(settings.preferences().theme, 'dark');
    assert.equal(settings.preferences().refreshMarginMin, DEFAULT_PREFERENCES.refreshMarginMin);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).__internal__.migrations.version, SETTINGS_VERSION);
    const kept = readdirSync(sandbox.rolebarHome).filter((f) => f.includes('.before-migration-'));
    assert.equal(kept.length, 1, 'a copy is kept before migrating');
    assert.deepEqual(JSON.parse(readFileSync(path.join(sandbox.rolebarHome, kept[0] ?? ''), 'utf8')), old);
  });

  it('a file the migration would leave broken is refused before migrating: nothing is written to it', () => {
    for (const text of ['{"roles":5}', '{"preferences":{"theme":"blue"}}']) {
      writeFileSync(file, text);
      for (let run = 0; run < 2; run++) {
        assert.throws(
          open,
          (error: unknown) =>
            error instanceof SettingsFileError &&
            error.code === 'settings-corrupt' &&
            /breaks the settings schema/.test(error.message) &&
            /left unchanged/.test(error.toUserString()),
        );
        assert.equal(readFileSync(file, 'utf8'), text, `run ${run}: the refused file was rewritten`);
      }
      const names = readdirSync(sandbox.rolebarHome);
      assert.deepEqual(
        names.filter((f) => f.includes('.before-migration-')),
        [],
        'no migration copy of a file that is refused',
      );
      assert.ok(
        names.some((f) => f.includes('.corrupt-')),
        'a copy is kept aside, as for any damaged file',
      );
    }
  });

  it('takes any conf-shaped store (electron-store in the main process)', () => {
    let made = 0;
    const settings = openSettings({
      dir: sandbox.rolebarHome,
      createStore: (options) => {
        made++;
        return new Conf<SettingsData>(options);
      },
    });
    settings.setPreferences({ launchAtLogin: true });
    assert.equal(made, 1);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).preferences.launchAtLogin, true);
  });
});

describe('settingsDir', () => {
  const home = '/home/u';
  it('follows ROLEBAR_HOME first', () => {
    assert.equal(
      settingsDir({ env: { ROLEBAR_HOME: '/tmp/x' }, platform: 'linux', homedir: home }),
      '/tmp/x',
    );
  });
  it("matches Electron's userData folder for the app name on each OS", () => {
    assert.equal(settingsDir({ env: {}, platform: 'linux', homedir: home }), '/home/u/.config/Rolebar');
    assert.equal(
      settingsDir({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homedir: home }),
      '/xdg/Rolebar',
    );
    assert.equal(
      settingsDir({ env: {}, platform: 'darwin', homedir: home }),
      '/home/u/Library/Application Support/Rolebar',
    );
    assert.equal(
      settingsDir({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', homedir: home }),
      path.join('C:\\Users\\u\\AppData\\Roaming', 'Rolebar'),
    );
  });
});
