// Times for people are printed as `date +'%H:%M UTC%:z'` prints them: local hours and minutes with the zone's
// offset from UTC (no zone names: naming them costs a CLI ICU's 15-30 ms set-up or a tz file parser of its own).
// Compared with the real `date` in each zone, in winter and in summer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { localTime } from '../../../electron/core/domain/local-time.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('local times', () => {
  it('prints hours, minutes and the offset from UTC, with its sign and minutes', () => {
    assert.match(localTime(new Date('2026-01-15T12:00:00Z')), /^\d\d:\d\d UTC[+-]\d\d:\d\d$/);
  });

  it(
    'prints what `date` prints, in zones with and without daylight time and with odd offsets',
    { skip: process.platform !== 'linux' || !existsSync('/usr/share/zoneinfo') },
    () => {
      const instants = ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z', '2026-03-29T00:30:00Z'];
      const script = `
        import { localTime } from './electron/core/domain/local-time.ts';
        console.log(JSON.stringify(${JSON.stringify(instants)}.map((t) => localTime(new Date(t)))));
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
        'Pacific/Marquesas',
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
          execFileSync('date', ['-d', t, '+%H:%M UTC%:z'], { env, encoding: 'utf8' }).trim(),
        );
        assert.deepEqual(ours, dates, zone);
      }
    },
  );
});
