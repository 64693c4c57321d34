import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestArgs } from '../../electron/ipc/contract.js';
import { args, int, list, object, optional, str } from '../../electron/ipc/validate.js';
import { isTrustedFrame } from '../../electron/main/trust.js';

const refused = (fn: () => unknown, field: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof TypeError && field.test(error.message));

describe('IPC payloads are checked before any handler sees them', () => {
  it('accepts a well-formed call and returns only the known fields', () => {
    const [input] = requestArgs['role:switch']([{ roleId: 'r1', mfaCode: '123456' }]);
    assert.deepEqual(input, { roleId: 'r1', mfaCode: '123456' });
    assert.deepEqual(requestArgs['state:get']([]), []);
  });

  it('refuses malformed payloads with a TypeError naming the field', () => {
    refused(() => requestArgs['role:switch']([{}]), /^argument 1\.roleId must be a string$/);
    refused(() => requestArgs['role:switch']([{ roleId: 7 }]), /argument 1\.roleId must be a string/);
    refused(() => requestArgs['role:switch'](['r1']), /argument 1 must be an object/);
    refused(() => requestArgs['role:switch']([null]), /argument 1 must be an object/);
    refused(() => requestArgs['role:switch']([[]]), /argument 1 must be an object/);
    refused(
      () => requestArgs['snippet:copy']([{ roleId: 'r', format: 'zsh' }]),
      /argument 1\.format must be one of bash, fish/,
    );
    refused(
      () => requestArgs['snippet:copy-unset']([{ format: 'json' }]),
      /argument 1\.format must be one of/,
    );
    refused(
      () => requestArgs['preferences:set']([{ refreshMarginMin: 1.5 }]),
      /refreshMarginMin must be a whole number from 1 to 60/,
    );
    refused(
      () => requestArgs['role:update']([{ id: 'r', changes: { notify: 'yes' } }]),
      /argument 1\.changes\.notify must be true or false/,
    );
    refused(
      () => requestArgs['identity:add']([{ name: 'a\nb' }]),
      /argument 1\.name must be a valid identity name/,
    );
  });

  it('refuses unknown fields, even nested ones, and extra or missing arguments', () => {
    refused(
      () => requestArgs['role:switch']([{ roleId: 'r', __proto__x: 1 }]),
      /argument 1\.__proto__x must be absent \(unknown field\)/,
    );
    refused(
      () => requestArgs['role:update']([{ id: 'r', changes: { roleArn: undefined, secret: 'x' } }]),
      /argument 1\.changes\.secret must be absent/,
    );
    refused(() => requestArgs['state:get'](['extra']), /expected 0 argument\(s\), got 1/);
    refused(() => requestArgs['role:switch']([]), /expected 1 argument\(s\), got 0/);
  });

  it('bounds sizes: string lengths, numbers, list lengths', () => {
    refused(
      () => requestArgs['role:switch']([{ roleId: 'x'.repeat(129) }]),
      /roleId must be 1–128 characters/,
    );
    refused(() => requestArgs['role:switch']([{ roleId: '' }]), /roleId must be 1–128 characters/);
    refused(
      () => requestArgs['preferences:set']([{ alertThresholdsMin: Array.from({ length: 11 }, () => 5) }]),
      /alertThresholdsMin must be a list of at most 10 items/,
    );
    refused(
      () => requestArgs['preferences:set']([{ alertThresholdsMin: [5, 721] }]),
      /alertThresholdsMin\[1\] must be a whole number from 1 to 720/,
    );
    const check = args(object({ a: optional(list(str({ max: 3 }), 2)), n: optional(int(0, 9)) }));
    assert.deepEqual(check([{ a: ['abc'], n: 9 }]), [{ a: ['abc'], n: 9 }]);
    refused(() => check([{ a: ['abcd'] }]), /argument 1\.a\[0\] must be 0–3 characters/);
    refused(() => check([{ n: Number.NaN }]), /argument 1\.n must be a whole number/);
  });

  it('role:add and role:update carry the optional per-role notify switch', () => {
    const [added] = requestArgs['role:add']([
      { label: 'x', roleName: 'r', source: { kind: 'identity', id: 'i' }, mfa: false, notify: false },
    ]);
    assert.equal(added.notify, false);
  });
});

describe('IPC sender check (isTrustedFrame) on the smallest stand-in of IpcMainInvokeEvent', () => {
  const page = 'file:///app/out/renderer/index.html';
  const mainFrame = { url: page };
  const ours = { mainFrame };
  const trusted = (sender: unknown) => sender === ours;

  it('trusts our window’s main frame showing our page', () => {
    assert.equal(isTrustedFrame({ sender: ours, senderFrame: mainFrame }, trusted, page), true);
    const withHash = { url: `${page}#roles` };
    const sender = { mainFrame: withHash };
    assert.equal(
      isTrustedFrame({ sender, senderFrame: withHash }, (s) => s === sender, page),
      true,
    );
  });

  it('refuses a missing frame, a subframe, another window, another page or another scheme', () => {
    assert.equal(isTrustedFrame({ sender: ours, senderFrame: null }, trusted, page), false, 'destroyed');
    assert.equal(
      isTrustedFrame({ sender: ours, senderFrame: { url: page } }, trusted, page),
      false,
      'iframe',
    );
    const other = { mainFrame: { url: page } };
    assert.equal(isTrustedFrame({ sender: other, senderFrame: other.mainFrame }, trusted, page), false);
    for (const url of [
      'file:///tmp/evil.html',
      'https://example.com/',
      'not a url',
      'http://127.0.0.1/index.html',
    ]) {
      const frame = { url };
      const sender = { mainFrame: frame };
      assert.equal(
        isTrustedFrame({ sender, senderFrame: frame }, () => true, page),
        false,
        url,
      );
    }
  });
});
