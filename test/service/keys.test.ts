// Key age and last use in the window and the tray: the service's key channels against the emulator's IAM, and
// the daily age warning with "Rotate now", driven by a fake clock (the seed's keys were created 2024-01-01).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { location } from '../../electron/core/sessions/assume.js';
import { requestArgs } from '../../electron/ipc/contract.js';
import { createKeyAgeWatch } from '../../electron/service/key-age-watch.js';
import { createRolebarService, type RolebarService } from '../../electron/service/service.js';
import type { AppNotification } from '../../electron/service/tray-actions.js';
import { trayMenu } from '../../electron/service/tray-menu.js';
import { SEED_KEYS, SEED_MFA } from '../../electron/emulator/index.js';
import { addAlice, type CoreFixture, startCoreFixture, addDave } from '../support/core-fixture.js';
import { manualTimers, memoryClipboard } from '../support/service-fixture.js';

const CREATED = Date.parse('2024-01-01T00:00:00Z');
const DAY = 86_400_000;

describe('key age and last use in the window and the tray', () => {
  let f: CoreFixture;
  let service: RolebarService;
  let clock = CREATED + 91 * DAY + 3_600_000;
  let daveId: string;
  let aliceId: string;
  const notes: AppNotification[] = [];
  const timers = manualTimers();

  before(async () => {
    f = await startCoreFixture('service-keys');
    service = createRolebarService({
      core: f.core,
      settings: f.settings,
      clipboard: memoryClipboard(),
      timers: manualTimers(),
      app: { name: 'Rolebar', version: '0.1.0', platform: 'linux', demo: false },
      location: location({ env: f.sandbox.env, homedir: f.sandbox.dir }),
      now: () => clock,
    });
    daveId = (await addDave(f.core)).id;
    aliceId = (await addAlice(f.core)).id;
  });
  after(() => f.close());

  it('key-info: age and last use with the permission; unknown and which permission without it', async () => {
    const dave = await service['identity:key-info']({ id: daveId });
    assert.ok(dave.ok && dave.value, JSON.stringify(dave));
    assert.equal(dave.value.createDate, '2024-01-01T00:00:00.000Z');
    assert.match(
      dave.value.summary ?? '',
      /^created 2024-01-01 \(91 days ago\), last used \d{4}-\d\d-\d\d with (sts|iam) in us-east-1$/,
    );
    const alice = await service['identity:key-info']({ id: aliceId });
    assert.ok(alice.ok && alice.value, JSON.stringify(alice));
    assert.equal(alice.value.createDate, undefined);
    assert.equal(alice.value.summary, 'age unknown, last use unknown (unknown: needs iam:ListAccessKeys)');
    assert.throws(() => requestArgs['identity:key-info']([{ id: 42 }]));
    assert.throws(() => requestArgs['identity:rotate']([{ id: daveId, mfaCode: 'abc' }]));
    assert.throws(() => requestArgs['identity:rotate']([{ id: daveId, deleteKeyId: 'not a key' }]));
  });

  it('at 91 days: one warning a day with "Rotate now", in the notification, the state and the tray', async () => {
    const watch = createKeyAgeWatch({
      service,
      notifier: { notify: (n) => notes.push(n) },
      now: () => clock,
      timers,
    });
    try {
      await watch.check();
      assert.deepEqual(notes, [
        {
          title: 'The access key of dave is 91 days old',
          body: `${SEED_KEYS.dave.accessKeyId} is past the key age threshold: rotate it to a new key through IAM.`,
          actions: [{ label: 'Rotate now', action: { kind: 'rotate-identity', identityId: daveId } }],
        },
      ]);
      const state = await service.state();
      assert.deepEqual(state.keyAgeWarnings, [
        { identityId: daveId, name: 'dave', accessKeyId: SEED_KEYS.dave.accessKeyId, ageDays: 91 },
      ]);
      const menu = trayMenu(state, clock, { consoleAvailable: true });
      assert.deepEqual(menu[0], {
        type: 'normal',
        label: '⚠ The access key of dave is 91 days old: Rotate now',
        enabled: true,
        action: { kind: 'rotate-identity', identityId: daveId },
      });
      assert.equal(timers.pending(), 1, 'the next daily check is armed');

      await watch.check();
      assert.equal(notes.length, 1, 'once a day');
      clock += DAY;
      await watch.check();
      assert.equal(notes.length, 2, 'again the next day');
      assert.equal(notes[1]?.title, 'The access key of dave is 92 days old');

      // The threshold is a setting; under it, no warning.
      f.settings.setPreferences({ keyAgeWarningDays: 120 });
      await watch.check();
      assert.equal(notes.length, 2);
      assert.equal((await service.state()).keyAgeWarnings, undefined);
      f.settings.setPreferences({ keyAgeWarningDays: 90 });
      clock = CREATED + 89 * DAY;
      await watch.check();
      assert.equal((await service.state()).keyAgeWarnings, undefined, '89 days: no warning');
    } finally {
      watch.stop();
    }
  });

  it('Rotate from the window: a new key, the warning gone; then key-info says today', async () => {
    clock = CREATED + 91 * DAY;
    await service.checkKeyAges();
    assert.equal((await service.state()).keyAgeWarnings?.length, 1);
    const rotated = await service['identity:rotate']({ id: daveId });
    assert.ok(rotated.ok, JSON.stringify(rotated));
    assert.equal(rotated.value.oldKeyId, SEED_KEYS.dave.accessKeyId);
    assert.equal(rotated.value.oldKey, 'deleted');
    assert.equal((await service.state()).keyAgeWarnings, undefined);
    clock = Date.now();
    const info = await service['identity:key-info']({ id: daveId });
    assert.ok(info.ok && info.value);
    assert.equal(info.value.accessKeyId, rotated.value.newKeyId);
    assert.match(info.value.summary ?? '', /^created \d{4}-\d\d-\d\d \(today\)/);
    // alice has an MFA device: the denial may be IAM asking for MFA, so a code is asked for first.
    const asked = await service['identity:rotate']({ id: aliceId });
    assert.ok(!asked.ok && asked.error.code === 'mfa-required', JSON.stringify(asked));
    const denied = await service['identity:rotate']({
      id: aliceId,
      mfaCode: f.emu.totp(SEED_MFA.alice.serial),
    });
    assert.ok(!denied.ok);
    assert.equal(denied.error.code, 'iam-access-denied');
    assert.match(denied.error.message, /iam:ListAccessKeys/);
  });
});
