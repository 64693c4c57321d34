// The numeric rules (alert thresholds, refresh margin, clipboard timing) and the snippet formats, run through
// every user: the IPC validator, the window's check, the settings file's schema (a real file), the stored
// preferences parser and the session clock. They once disagreed: thresholds up to 720 in settings and IPC,
// 2160 in the session clock.
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
import { makeSandbox, type Sandbox } from '../../support/sandbox.js';

type Key = 'alertThresholdsMin' | 'refreshMarginMin' | 'clipboardClearSeconds';
const cases: Array<{ key: Key; value: number | number[]; ok: boolean }> = [
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
];

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
      const patch: Partial<Preferences> = { [c.key]: c.value };
      const text = Array.isArray(c.value) ? c.value.join(', ') : String(c.value);
      const window =
        c.key === 'alertThresholdsMin'
          ? checks.thresholds(text)
          : checks.intIn(
              c.key === 'refreshMarginMin' ? limits.refreshMarginMin : limits.clipboardClearSeconds,
            )(text);
      const settings = openSettings({ dir: sandbox.rolebarHome });
      const verdicts: Record<string, boolean> = {
        ipc: accepted(() => requestArgs['preferences:set']([patch])),
        window: window === undefined,
        'settings schema': accepted(() => settings.setPreferences(patch)),
        'stored parser': accepted(() =>
          parsePreferences({ ...DEFAULT_PREFERENCES, ...patch }, settings.path),
        ),
      };
      if (c.key !== 'clipboardClearSeconds') verdicts['session clock'] = validateClockSettings(patch).ok;
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
