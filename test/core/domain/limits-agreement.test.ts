// The preferences' rules (alert thresholds, refresh margin, clipboard timing, key age, theme) and the snippet
// formats, run through every user: the IPC validator, the window's check, the settings file's schema (a real
// file), the stored preferences parser and the session clock. They once disagreed: thresholds up to 720 in
// settings and IPC, 2160 in the session clock; the stored parser knew no key age at all.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { parsePreferences } from '../../../electron/core/store/records.js';
import { SNIPPET_FORMATS, UNSET_FORMAT_IDS } from '../../../electron/core/domain/snippet-formats.js';
import { validateClockSettings } from '../../../electron/core/domain/session-clock.js';
import {
  DEFAULT_PREFERENCES,
  openSettings,
  type Preferences,
} from '../../../electron/core/store/settings.js';
import { requestArgs } from '../../../electron/ipc/contract.js';
import { checks } from '../../../renderer/src/validation.js';
import * as limits from '../../../electron/core/domain/limits.js';
import { isTheme } from '../../../electron/core/domain/preferences.js';
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

type Key =
  'alertThresholdsMin' | 'refreshMarginMin' | 'clipboardClearSeconds' | 'keyAgeWarningDays' | 'theme';
const cases: Array<{ key: Key; value: number | number[] | string; ok: boolean }> = [
  { key: 'alertThresholdsMin', value: [720, 15, 1], ok: true },
  { key: 'alertThresholdsMin', value: [721], ok: false },
  { key: 'alertThresholdsMin', value: [2160], ok: false },
  { key: 'alertThresholdsMin', value: [0], ok: false },
  { key: 'alertThresholdsMin', value: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], ok: false },
  { key: 'refreshMarginMin', value: 1, ok: true },
  { key: 'refreshMarginMin', value: 60, ok: true },
  { key: 'refreshMarginMin', value: 61, ok: false },
  { key: 'clipboardClearSeconds', value: 0, ok: true },
  { key: 'clipboardClearSeconds', value: 3600, ok: true },
  { key: 'clipboardClearSeconds', value: 3601, ok: false },
  { key: 'keyAgeWarningDays', value: 1, ok: true },
  { key: 'keyAgeWarningDays', value: 3650, ok: true },
  { key: 'keyAgeWarningDays', value: 0, ok: false },
  { key: 'keyAgeWarningDays', value: 3651, ok: false },
  { key: 'theme', value: 'dark', ok: true },
  { key: 'theme', value: 'blue', ok: false },
];

/** The window's own check of a value: its text fields' checks, and the theme menu's guard. */
function windowAccepts(key: Key, value: number | number[] | string): boolean {
  if (key === 'theme') return isTheme(value);
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  if (key === 'alertThresholdsMin') return checks.thresholds(text) === undefined;
  return checks.intIn(limits[key])(text) === undefined;
}

const accepted = (fn: () => unknown): boolean => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

describe('every user of a numeric rule agrees', () => {
  let sandbox: Sandbox;
  beforeEach(() => {
    sandbox = makeSandbox('limits');
  });
  afterEach(() => sandbox.cleanup());

  for (const c of cases) {
    it(`${c.key} ${JSON.stringify(c.value)}: ${c.ok ? 'accepted' : 'refused'} by all`, () => {
      const patch = { [c.key]: c.value } as Partial<Preferences>;
      const settings = openSettings({ dir: sandbox.rolebarHome });
      const verdicts: Record<string, boolean> = {
        ipc: accepted(() => requestArgs['preferences:set']([patch])),
        window: windowAccepts(c.key, c.value),
        'settings schema': accepted(() => settings.setPreferences(patch)),
        'stored parser': accepted(() =>
          parsePreferences({ ...DEFAULT_PREFERENCES, ...patch }, settings.path),
        ),
      };
      if (c.key === 'alertThresholdsMin' || c.key === 'refreshMarginMin')
        verdicts['session clock'] = validateClockSettings(patch).ok;
      for (const [user, ok] of Object.entries(verdicts)) assert.equal(ok, c.ok, `${user} disagrees`);
    });
  }
});

describe('the snippet formats are one list', () => {
  it('the IPC contract accepts exactly its formats, and its unset forms', () => {
    const ids = SNIPPET_FORMATS.map((f) => f.id);
    for (const id of ids)
      assert.ok(accepted(() => requestArgs['snippet:copy']([{ roleId: 'r', format: id }])));
    assert.ok(!accepted(() => requestArgs['snippet:copy']([{ roleId: 'r', format: 'zsh' }])));
    for (const id of ids) {
      const unset = accepted(() => requestArgs['snippet:copy-unset']([{ format: id }]));
      assert.equal(
        unset,
        UNSET_FORMAT_IDS.some((u) => u === id),
        id,
      );
    }
  });
});
