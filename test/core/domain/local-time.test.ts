// Times for people are printed as `date` prints them: local hours and minutes with the zone's abbreviation, which
// Rolebar takes from the zone's tz file, as the C library does (Intl's first formatter costs a CLI ~15-30 ms).
// Compared with the real `date` in each zone, in winter and in summer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { namesFromTzif, posixNames } from '../../../electron/core/platform/tz-names.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ZONES = '/usr/share/zoneinfo';

describe('local times', () => {
  it('reads standard and daylight names and offsets from a POSIX TZ string', () => {
    assert.deepEqual(posixNames('CET-1CEST,M3.5.0,M10.5.0/3'), [
      [3600, 'CET'],
      [7200, 'CEST'],
    ]);
    assert.deepEqual(posixNames('EST5EDT,M3.2.0,M11.1.0'), [
      [-18000, 'EST'],
      [-14400, 'EDT'],
    ]);
    assert.deepEqual(posixNames('NST3:30NDT,M3.2.0,M11.1.0'), [
      [-12600, 'NST'],
      [-9000, 'NDT'],
    ]);
    // Ireland's "negative daylight time": IST in summer is its standard time.
    assert.deepEqual(posixNames('IST-1GMT0,M10.5.0,M3.5.0/1'), [
      [3600, 'IST'],
      [0, 'GMT'],
    ]);
    assert.deepEqual(posixNames('<+04>-4'), [[14400, '+04']]);
    assert.deepEqual(posixNames('UTC0'), [[0, 'UTC']]);
    assert.deepEqual(posixNames(''), []);
  });

  it('falls back to the last transitions of a tz file without a footer', { skip: !existsSync(ZONES) }, () => {
    const berlin = readFileSync(path.join(ZONES, 'Europe/Berlin'));
    const v1 = Buffer.from(berlin);
    v1[4] = 0; // read as a version 1 file: its first block only, no footer
    const names = namesFromTzif(v1);
    assert.equal(names?.get(3600), 'CET');
    assert.equal(names?.get(7200), 'CEST');
    assert.equal(namesFromTzif(Buffer.from('not a tz file')), undefined);
  });

  it(
    'prints what `date` prints, in zones with and without daylight time and with odd offsets',
    { skip: process.platform !== 'linux' || !existsSync(ZONES) },
    () => {
      const instants = ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z', '2026-03-29T00:30:00Z'];
      const script = `
        import { localTime } from './electron/core/domain/local-time.ts';
        import { tzFileZoneName } from './electron/core/platform/tz-names.ts';
        console.log(JSON.stringify(${JSON.stringify(instants)}.map((t) => localTime(new Date(t), tzFileZoneName()))));
      `;
      const zones = [
        'Europe/Berlin',
        'America/New_York',
        'Asia/Tokyo',
        'Asia/Kolkata',
        'Asia/Dubai',
        'America/St_Johns',
        'Europe/Dublin',
        'Australia/Lord_Howe',
        'UTC',
      ];
      for (const zone of zones) {
        const env = { ...process.env, TZ: zone };
        const ours = JSON.parse(
          execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
            cwd: root,
            env,
            encoding: 'utf8',
          }),
        ) as string[];
        const dates = instants.map((t) =>
          execFileSync('date', ['-d', t, '+%H:%M %Z'], { env, encoding: 'utf8' }).trim(),
        );
        assert.deepEqual(ours, dates, zone);
      }
    },
  );
});
