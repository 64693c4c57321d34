// One definition of each rule: every user of a rule (the IPC validator, the window's field check, the built
// CLI, the credentials-file writer and the stored-record parser) accepts and refuses the same inputs, and
// stores what it checked. Among them the inputs that once slipped through one user and failed at another.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeProfile } from '../../electron/core/aws-files/index.js';
import { assertProfileName } from '../../electron/core/aws-files/sections.js';
import { parseRoleRecord } from '../../electron/core/store/records.js';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { requestArgs } from '../../electron/ipc/contract.js';
import { checks } from '../../renderer/src/validation.js';
import { fakeSession, makeTempHome, type TempHome } from '../core/aws-files/helpers.js';
import { addAlice, type CliWorld, explain, startCliWorld } from './helpers.js';

const ARN = SEED_ROLES.readonly;
const SOURCE = { kind: 'identity', id: 'i-1' } as const;

/** What a user of the rule made of one input: refused, or accepted and stored as `stored`. */
type Verdict = { ok: false } | { ok: true; stored?: string | number };
type Field = 'profileName' | 'label' | 'region' | 'durationSeconds' | 'roleArn';

interface Case {
  field: Field;
  input: string;
  ok: boolean;
  /** What every user stores, when accepted (default: the input). */
  stored?: string | number;
}

const cases: Case[] = [
  { field: 'profileName', input: 'prod-ro.x', ok: true },
  { field: 'profileName', input: 'team/prod:ro@x', ok: true },
  { field: 'profileName', input: 'café', ok: true },
  { field: 'profileName', input: 'prod (ro)', ok: false },
  { field: 'profileName', input: "bob's role", ok: false },
  { field: 'profileName', input: 'a!b', ok: false },
  { field: 'profileName', input: 'DEFAULT', ok: false },
  { field: 'profileName', input: 'a"b', ok: false },
  { field: 'profileName', input: 'a\nb', ok: false },
  { field: 'profileName', input: '\u001b[31mred', ok: false },
  { field: 'profileName', input: 'rocket🚀', ok: false },
  { field: 'label', input: 'prod (ro)', ok: true, stored: 'prod-ro' },
  { field: 'label', input: "bob's role", ok: true, stored: 'bob-s-role' },
  { field: 'label', input: '🚀 deploy', ok: true, stored: 'deploy' },
  { field: 'label', input: 'a!b', ok: true, stored: 'a-b' },
  { field: 'label', input: 'DEFAULT', ok: false },
  { field: 'label', input: '🚀', ok: false },
  { field: 'label', input: 'line\nbreak', ok: false },
  { field: 'label', input: 'red \u001b[31m', ok: false },
  { field: 'region', input: 'eu-west-1', ok: true },
  { field: 'region', input: 'us-gov-west-1', ok: true },
  { field: 'region', input: ' ap-south-1 ', ok: true, stored: 'ap-south-1' },
  { field: 'region', input: 'Europe', ok: false },
  { field: 'region', input: 'eu-west', ok: false },
  { field: 'durationSeconds', input: '900', ok: true, stored: 900 },
  { field: 'durationSeconds', input: '43200', ok: true, stored: 43200 },
  { field: 'durationSeconds', input: '899', ok: false },
  { field: 'durationSeconds', input: '43201', ok: false },
  { field: 'roleArn', input: `  ${ARN}  `, ok: true, stored: ARN },
  { field: 'roleArn', input: 'arn:aws:iam::12345:role/x', ok: false },
];

let n = 0;
/** A role as each user receives it, with the case's field set; labels are unique so profiles never clash. */
function roleInput(c: Case): Record<string, unknown> {
  const label = c.field === 'label' ? c.input : `case-${++n}`;
  const value = c.field === 'durationSeconds' ? Number(c.input) : c.input;
  const base = { label, roleArn: ARN, source: SOURCE, mfa: false };
  return c.field === 'label' ? base : { ...base, [c.field]: value };
}

/** The value a user stores for the field; for a label, the profile name made from it. */
function storedOf(c: Case, role: Record<string, unknown>): string | number | undefined {
  const value = c.field === 'label' ? (role.profileName ?? role.profile) : role[c.field];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

const verdict = (fn: () => string | number | undefined): Verdict => {
  try {
    return { ok: true, stored: fn() };
  } catch {
    return { ok: false };
  }
};

function ipc(c: Case): Verdict {
  return verdict(() => {
    const [checked] = requestArgs['role:add']([roleInput(c)]);
    return c.field === 'label' ? undefined : storedOf(c, checked);
  });
}

function window(c: Case): Verdict {
  const check = {
    profileName: checks.profileName,
    label: checks.labelGivingProfile,
    region: checks.region,
    durationSeconds: checks.duration,
    roleArn: checks.roleArnOrName,
  }[c.field];
  return check(c.input) === undefined ? { ok: true } : { ok: false };
}

function parser(c: Case): Verdict {
  return verdict(() => {
    const role = parseRoleRecord({ id: 'r-1', ...roleInput(c) }, '/tmp/settings.json');
    return c.field === 'label' ? undefined : storedOf(c, { ...role });
  });
}

describe('every user of a rule agrees', () => {
  let world: CliWorld;
  let home: TempHome;
  before(async () => {
    world = await startCliWorld('rules');
    home = await makeTempHome();
    const added = await addAlice(world);
    assert.equal(added.code, 0, explain(added));
  });
  after(async () => {
    await world?.close();
    home?.cleanup();
  });

  async function cli(c: Case): Promise<Verdict> {
    const input = roleInput(c);
    const option = { profileName: '--profile', region: '--region', durationSeconds: '--duration' } as const;
    const args = ['role', 'add', String(input.label), '--role-arn', c.field === 'roleArn' ? c.input : ARN];
    if (c.field !== 'label' && c.field !== 'roleArn') args.push(option[c.field], c.input);
    const run = await world.rolebar([...args, '--source', 'alice']);
    if (run.code !== 0) {
      assert.equal(run.code, 1, explain(run));
      assert.match(run.stderr, /^rolebar: /);
      // A refused value is never echoed raw: no newline or escape reaches the terminal.
      assert.equal(run.stderr.trimEnd().split('\n').length <= 2, true, run.stderr);
      assert.ok(!run.stderr.includes('\u001b'), 'no escape character on stderr');
      return { ok: false };
    }
    const listed = await world.rolebar(['role', 'list', '--json']);
    const roles: unknown = JSON.parse(listed.stdout);
    assert.ok(Array.isArray(roles));
    const role: unknown = roles.find((r: { label?: unknown }) => r.label === String(input.label).trim());
    assert.ok(typeof role === 'object' && role !== null, `role ${String(input.label)} listed`);
    return { ok: true, stored: storedOf(c, { ...role }) };
  }

  /** The writer: the profile name as given, or the label's profile; the region of a written session. */
  async function writer(c: Case): Promise<Verdict | undefined> {
    if (c.field === 'profileName') return verdict(() => void assertProfileName(c.input));
    if (c.field === 'label') {
      const profile = c.stored ?? c.input;
      return verdict(() => void assertProfileName(String(profile)));
    }
    if (c.field !== 'region') return undefined;
    try {
      await writeProfile(fakeSession(`w-${++n}`, 'A', c.input.trim()), home.where);
      return { ok: true };
    } catch {
      return { ok: false };
    }
  }

  for (const c of cases) {
    it(`${c.field} ${JSON.stringify(c.input)}: ${c.ok ? 'accepted' : 'refused'} by all`, async () => {
      const expected = c.ok ? (c.stored ?? (c.field === 'label' ? undefined : c.input)) : undefined;
      const verdicts: Record<string, Verdict | undefined> = {
        ipc: ipc(c),
        window: window(c),
        parser: parser(c),
        writer: await writer(c),
        cli: await cli(c),
      };
      for (const [user, v] of Object.entries(verdicts)) {
        if (v === undefined) continue;
        assert.equal(v.ok, c.ok, `${user} ${c.ok ? 'refused' : 'accepted'} it`);
        if (v.ok && v.stored !== undefined && expected !== undefined) {
          assert.equal(v.stored, expected, `${user} stores what it checked`);
        }
      }
      if (c.field === 'label' && c.ok) {
        const cliVerdict = verdicts.cli;
        assert.equal(
          cliVerdict?.ok && cliVerdict.stored,
          c.stored,
          'the CLI writes the profile made from the label',
        );
      }
    });
  }
});

describe('a stored record that does not parse names the file and the record', () => {
  it('says which role and what to do, and the value is shown escaped', () => {
    const file = path.join('/tmp', 'settings.json');
    assert.throws(
      () =>
        parseRoleRecord(
          { id: 'r-9', label: 'ok', roleArn: ARN, source: SOURCE, mfa: false, profileName: 'a\u001bb' },
          file,
        ),
      (error: unknown) =>
        error instanceof Error &&
        error.message.includes(file) &&
        error.message.includes('a role "ok" (id r-9)') &&
        !error.message.includes('\u001b') &&
        'code' in error &&
        error.code === 'settings-record-invalid',
    );
  });
});
