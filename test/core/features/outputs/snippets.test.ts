// Export snippets are checked by running them: the bash form through real bash (and dash, zsh,
// fish, pwsh when installed), the dotenv form through a port of docker's --env-file reader. Values
// are random, adversarial strings; the environment each shell ends up with must equal the input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  exportSnippet,
  isSnippetFormat,
  SNIPPET_FORMATS,
  SNIPPET_VARIABLE_NAMES,
  SnippetError,
  type SnippetFormat,
  type SnippetSession,
  snippetVariables,
  unsetSnippet,
} from '../../../../electron/core/features/outputs/snippets.js';
import { quoteFish, quotePowerShell } from '../../../../electron/core/domain/shell-quote.js';

// --- fixtures & generators ------------------------------------------------------------------

const FAKE: SnippetSession = {
  credentials: {
    accessKeyId: 'ASIAFAKEEXAMPLEKEY01',
    secretAccessKey: 'FAKE/secret+TEST/EXAMPLE/key0000000000000',
    sessionToken: 'FAKE-session-token-TEST-EXAMPLE==',
    expiration: '2030-01-02T03:04:05Z',
  },
  region: 'eu-west-1',
};

// Characters with a special meaning in at least one target syntax, plus unicode and multi-char
// fragments that break naive quoting.
const NASTY = [
  "'",
  '"',
  '\\',
  '$',
  '`',
  '!',
  '^',
  '%',
  '&',
  '|',
  '<',
  '>',
  ';',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  '*',
  '?',
  '~',
  '#',
  '=',
  ' ',
  '\t',
  '\n',
  '\r',
  '-',
  '+',
  '/',
  'é',
  '日本',
  '😀',
  '\u2018',
  '\u2019',
  '\u201A',
  '\u201B',
  '\u00A0',
  '\u001B',
  'a',
  'Z',
  '0',
  '$(id)',
  '${HOME}',
  "'\\''",
  '\\n',
  '%PATH%',
  '!x!',
  '^^',
  '--',
  'FAKE',
];
const nasty = fc.string({ unit: fc.constantFrom(...NASTY), minLength: 1, maxLength: 24 });
// Any code point except NUL (no environment can hold NUL; refusal is tested separately).
const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }).filter((s) => !s.includes('\0'));
const value = fc.oneof(nasty, anyText);
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const expiration = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
});

const sessionArb = (v: fc.Arbitrary<string>): fc.Arbitrary<SnippetSession> =>
  fc.record({
    credentials: fc.record({
      accessKeyId: v,
      secretAccessKey: v,
      sessionToken: opt(v),
      expiration: opt(expiration),
    }),
    region: opt(v),
  });

const NUM_RUNS = 100;

// --- helpers ------------------------------------------------------------------------------------

type Env = Record<string, string>;

/** Environment the session should produce, computed from the input independently of snippets.ts. */
function expectedVars(session: SnippetSession): Env {
  const c = session.credentials;
  const out: Env = { AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey };
  if (c.sessionToken) out.AWS_SESSION_TOKEN = c.sessionToken;
  if (c.expiration !== undefined) {
    const ms = c.expiration instanceof Date ? c.expiration.getTime() : Date.parse(c.expiration);
    out.AWS_CREDENTIAL_EXPIRATION = new Date(ms).toISOString();
  }
  if (session.region) {
    out.AWS_REGION = session.region;
    out.AWS_DEFAULT_REGION = session.region;
  }
  return out;
}

// What the shell had before: the user's own settings, which snippets must respect.
const PRESET: Env = {
  AWS_ACCESS_KEY_ID: 'OLD-FAKE-KEY',
  AWS_SECRET_ACCESS_KEY: 'OLD-FAKE-SECRET',
  AWS_SESSION_TOKEN: 'OLD-FAKE-TOKEN',
  AWS_CREDENTIAL_EXPIRATION: '1999-01-01T00:00:00Z',
  AWS_REGION: 'old-region-1',
  AWS_DEFAULT_REGION: 'old-region-2',
  AWS_PROFILE: 'users-own-profile',
};

/** The AWS_* part of the environment a shell should have after running the export snippet. */
function expectedAfterExport(session: SnippetSession): Env {
  const exp = expectedVars(session);
  const out: Env = { AWS_PROFILE: PRESET.AWS_PROFILE ?? '', ...exp };
  // The region is the user's: kept when the snippet sets none. Stale token/expiration are removed.
  if (!session.region) {
    out.AWS_REGION = PRESET.AWS_REGION ?? '';
    out.AWS_DEFAULT_REGION = PRESET.AWS_DEFAULT_REGION ?? '';
  }
  return out;
}

function awsOnly(env: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('AWS_')) out[k] = v;
  return out;
}

/** Expiration values are compared as instants (the snippet may drop `.000`). */
function normalizeExpiration(env: Env): Env {
  const e = env.AWS_CREDENTIAL_EXPIRATION;
  if (e === undefined || e === PRESET.AWS_CREDENTIAL_EXPIRATION) return env;
  return { ...env, AWS_CREDENTIAL_EXPIRATION: new Date(Date.parse(e)).toISOString() };
}

function parseEnv0(stdout: string): Env {
  const env: Env = {};
  for (const entry of stdout.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

function has(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.error === undefined;
}

/** Runs `script` (ending by dumping the environment NUL-separated) from exactly `start`; returns the whole dump. */
function runShellFrom(cmd: string, args: readonly string[], script: string, start: Env): Env {
  const r = spawnSync(cmd, [...args, script], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...start },
    encoding: 'utf8',
    timeout: 20_000,
  });
  // stderr may echo a value; report only the status, never the output.
  assert.equal(r.error, undefined, `${cmd} could not run`);
  assert.equal(r.status, 0, `${cmd} exited with ${r.status}`);
  return parseEnv0(r.stdout);
}

/** Runs `script` (which must end by dumping the environment NUL-separated) and returns AWS_* vars. */
function runShell(cmd: string, args: readonly string[], script: string, extraEnv: Env = {}): Env {
  const r = spawnSync(cmd, [...args, script], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...PRESET,
      ...extraEnv,
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  // stderr may echo a value; report only the status, never the output.
  assert.equal(r.error, undefined, `${cmd} could not run`);
  assert.equal(r.status, 0, `${cmd} exited with ${r.status}`);
  return awsOnly(parseEnv0(r.stdout));
}

/** docker's opts.parseKeyValueFile (docker run --env-file), ported: values are taken literally. */
function parseDockerEnvFile(text: string): Env {
  const out: Env = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop(); // bufio.ScanLines: no empty token after a final newline
  lines.forEach((raw, i) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw; // ScanLines drops one trailing CR
    if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(/^\s+/u, '');
    if (line.length === 0 || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).replace(/^[ \t\n\v\f\r]+/, '');
    if (/[ \t\n\v\f\r]/.test(name) || name.length === 0) throw new Error('docker would reject this env file');
    if (eq >= 0) out[name] = line.slice(eq + 1);
    // A bare NAME passes the host's value through; our files never contain one.
    else throw new Error('unexpected pass-through line');
  });
  return out;
}

// --- tests --------------------------------------------------------------------------------------

describe('snippet formats', () => {
  it('lists every format once, with a label, and recognizes only those ids', () => {
    const ids = SNIPPET_FORMATS.map((f) => f.id);
    assert.deepEqual([...new Set(ids)], ids);
    assert.deepEqual(ids.sort(), ['bash', 'cmd', 'dotenv', 'fish', 'json', 'powershell']);
    for (const f of SNIPPET_FORMATS)
      assert.ok(f.label.length > 0 && isSnippetFormat(f.id), 'format without label or id');
    assert.equal(isSnippetFormat('zsh'), false);
    assert.throws(() => exportSnippet('zsh' as SnippetFormat, FAKE), { code: 'unknown-format' });
  });

  it('produces the documented text for a typical session', () => {
    // After the lines that save the user's own values for `unset` (tested by running them below).
    assert.ok(
      exportSnippet('bash', FAKE).endsWith(
        [
          'fi',
          "export AWS_ACCESS_KEY_ID='ASIAFAKEEXAMPLEKEY01'",
          "export AWS_SECRET_ACCESS_KEY='FAKE/secret+TEST/EXAMPLE/key0000000000000'",
          "export AWS_SESSION_TOKEN='FAKE-session-token-TEST-EXAMPLE=='",
          "export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'",
          "export AWS_REGION='eu-west-1'",
          "export AWS_DEFAULT_REGION='eu-west-1'",
          '',
        ].join('\n'),
      ),
    );
    assert.match(exportSnippet('fish', FAKE), /^set -gx AWS_ACCESS_KEY_ID 'ASIAFAKEEXAMPLEKEY01'$/m);
    assert.match(exportSnippet('powershell', FAKE), /^\$Env:AWS_REGION = 'eu-west-1'$/m);
    assert.match(exportSnippet('cmd', FAKE), /^set "AWS_SESSION_TOKEN=FAKE-session-token-TEST-EXAMPLE=="$/m);
    assert.match(exportSnippet('dotenv', FAKE), /^AWS_CREDENTIAL_EXPIRATION=2030-01-02T03:04:05Z$/m);
  });

  it('credential_process JSON has Version 1 and omits absent optional fields', () => {
    const full = JSON.parse(exportSnippet('json', FAKE)) as unknown;
    assert.deepEqual(full, {
      Version: 1,
      AccessKeyId: 'ASIAFAKEEXAMPLEKEY01',
      SecretAccessKey: 'FAKE/secret+TEST/EXAMPLE/key0000000000000',
      SessionToken: 'FAKE-session-token-TEST-EXAMPLE==',
      Expiration: '2030-01-02T03:04:05Z',
    });
    const bare = JSON.parse(
      exportSnippet('json', {
        credentials: { accessKeyId: 'AKIAFAKEEXAMPLE', secretAccessKey: 'FAKE-SECRET' },
      }),
    ) as unknown;
    assert.deepEqual(bare, { Version: 1, AccessKeyId: 'AKIAFAKEEXAMPLE', SecretAccessKey: 'FAKE-SECRET' });
  });

  it('credential_process JSON round-trips any value', () => {
    fc.assert(
      fc.property(sessionArb(value), (s) => {
        const parsed = JSON.parse(exportSnippet('json', s)) as Record<string, unknown>;
        const exp = expectedVars(s);
        assert.equal(parsed.AccessKeyId, exp.AWS_ACCESS_KEY_ID);
        assert.equal(parsed.SecretAccessKey, exp.AWS_SECRET_ACCESS_KEY);
        assert.equal(parsed.SessionToken, exp.AWS_SESSION_TOKEN);
        const e = parsed.Expiration;
        assert.equal(
          e === undefined ? undefined : new Date(Date.parse(String(e))).toISOString(),
          exp.AWS_CREDENTIAL_EXPIRATION,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('normalizes expirations to ISO 8601 UTC and rejects bad ones', () => {
    const at = (expiration: Date | string) =>
      snippetVariables({ credentials: { ...FAKE.credentials, expiration } }).find(
        (v) => v.name === 'AWS_CREDENTIAL_EXPIRATION',
      )?.value;
    assert.equal(at('2030-01-02T05:04:05+02:00'), '2030-01-02T03:04:05Z');
    assert.equal(at(new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 250))), '2030-01-02T03:04:05.250Z');
    assert.throws(() => at('not a date'), { name: 'SnippetError', code: 'invalid-expiration' });
    assert.throws(() => at(new Date(Number.NaN)), { code: 'invalid-expiration' });
  });

  it('requires both keys and treats empty optional fields as absent', () => {
    assert.throws(
      () => exportSnippet('bash', { credentials: { accessKeyId: '', secretAccessKey: 'FAKE' } }),
      {
        code: 'missing-field',
      },
    );
    const vars = snippetVariables({
      credentials: { accessKeyId: 'FAKE', secretAccessKey: 'FAKE', sessionToken: '', expiration: '' },
      region: '',
    });
    assert.deepEqual(
      vars.map((v) => v.name),
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    );
  });

  it('refuses NUL and unpaired surrogates everywhere, line breaks in dotenv and cmd', () => {
    const withValue = (v: string): SnippetSession => ({
      credentials: { ...FAKE.credentials, sessionToken: v },
    });
    for (const f of SNIPPET_FORMATS) {
      assert.throws(() => exportSnippet(f.id, withValue('FAKE\0TOKEN')), {
        code: 'unrepresentable-value',
        format: f.id,
      });
      assert.throws(() => exportSnippet(f.id, withValue('FAKE\uD800TOKEN')), {
        code: 'unrepresentable-value',
      });
    }
    for (const f of ['dotenv', 'cmd'] as const) {
      for (const v of ['FAKE\nTOKEN', 'FAKE\rTOKEN', 'FAKE-TOKEN\r']) {
        assert.throws(
          () => exportSnippet(f, withValue(v)),
          (e: unknown) => {
            // The message names the variable but must never contain the (secret) value.
            assert.ok(
              e instanceof SnippetError &&
                e.code === 'unrepresentable-value' &&
                e.variable === 'AWS_SESSION_TOKEN',
              'wrong error',
            );
            assert.ok(!e.message.includes(v), 'error message leaks the value');
            return true;
          },
        );
      }
    }
  });

  it('cmd: emits set "K=v" for values cmd reads literally and refuses ", % and !', () => {
    fc.assert(
      fc.property(value, (v) => {
        const s: SnippetSession = { credentials: { accessKeyId: 'AKIAFAKEEXAMPLE', secretAccessKey: v } };
        if (/["%!\r\n]/.test(v)) {
          assert.throws(() => exportSnippet('cmd', s), {
            code: 'unrepresentable-value',
            variable: 'AWS_SECRET_ACCESS_KEY',
          });
        } else {
          const all = exportSnippet('cmd', s).split('\n');
          const lines = all.slice(all.indexOf('set "ROLEBAR_SAVED=1"') + 1);
          assert.equal(lines[1], `set "AWS_SECRET_ACCESS_KEY=${v}"`);
          // Stale variables from an earlier snippet are deleted (cmd deletes on empty assignment), and
          // without a region of its own the user's comes back.
          assert.deepEqual(lines.slice(2), [
            'set "AWS_SESSION_TOKEN="',
            'set "AWS_CREDENTIAL_EXPIRATION="',
            'if defined ROLEBAR_SAVED_AWS_REGION (set "AWS_REGION=%ROLEBAR_SAVED_AWS_REGION%") else (set "AWS_REGION=")',
            'if defined ROLEBAR_SAVED_AWS_DEFAULT_REGION (set "AWS_DEFAULT_REGION=%ROLEBAR_SAVED_AWS_DEFAULT_REGION%") else (set "AWS_DEFAULT_REGION=")',
            '',
          ]);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    const ok = { credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'FAKE&|<>^() 日本' } };
    assert.match(exportSnippet('cmd', ok), /^set "AWS_SECRET_ACCESS_KEY=FAKE&\|<>\^\(\) 日本"$/m);
  });

  it('PowerShell: a verbatim string that reads back exactly (reference tokenizer)', () => {
    const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);
    const isQuote = (c: string | undefined): boolean => c !== undefined && QUOTES.has(c);
    // PowerShell's single-quoted string: any of QUOTES opens/closes it; two in a row are one literal.
    const read = (src: string): string => {
      assert.ok(isQuote(src[0]), 'does not start with a quote');
      let out = '';
      for (let i = 1; i < src.length; i++) {
        const c = src[i] ?? '';
        if (isQuote(c)) {
          if (isQuote(src[i + 1])) {
            out += src[i + 1];
            i++;
          } else {
            assert.equal(i, src.length - 1, 'string ended early');
            return out;
          }
        } else out += c;
      }
      assert.fail('unterminated string');
    };
    fc.assert(
      fc.property(value, (v) => assert.equal(read(quotePowerShell(v)), v)),
      { numRuns: 500 },
    );
  });

  it('fish: a single-quoted word that reads back exactly (reference tokenizer)', () => {
    const read = (src: string): string => {
      assert.equal(src[0], "'");
      let out = '';
      for (let i = 1; i < src.length; i++) {
        const c = src[i];
        const next = src[i + 1];
        if (c === '\\' && (next === '\\' || next === "'")) {
          out += next;
          i++;
        } else if (c === "'") {
          assert.equal(i, src.length - 1, 'word ended early');
          return out;
        } else out += c;
      }
      assert.fail('unterminated word');
    };
    fc.assert(
      fc.property(value, (v) => assert.equal(read(quoteFish(v)), v)),
      { numRuns: 500 },
    );
  });
});

describe('bash snippets run in bash', () => {
  it('export: the environment equals the input, stale token/expiration removed, region and AWS_PROFILE kept', () => {
    fc.assert(
      fc.property(sessionArb(value), fc.boolean(), (s, viaEval) => {
        const snippet = exportSnippet('bash', s);
        // Both ways users apply it: pasted as script text, and `eval "$(rolebar …)"`.
        const env = viaEval
          ? runShell('bash', ['--norc', '--noprofile', '-c'], 'eval "$SNIPPET"; unset SNIPPET; env -0', {
              SNIPPET: snippet,
            })
          : runShell('bash', ['--norc', '--noprofile', '-c'], `${snippet}env -0\n`);
        assert.deepEqual(normalizeExpiration(env), expectedAfterExport(s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the same text works in POSIX sh (dash)', { skip: has('dash') ? false : 'dash not installed' }, () => {
    fc.assert(
      fc.property(sessionArb(value), (s) => {
        const env = runShell('dash', ['-c'], `${exportSnippet('bash', s)}env -0\n`);
        assert.deepEqual(normalizeExpiration(env), expectedAfterExport(s));
      }),
      { numRuns: 50 },
    );
  });
});

describe('other shells (only when installed)', () => {
  const shells: { name: string; cmd: string; args: string[]; format: SnippetFormat; dump: string }[] = [
    { name: 'zsh', cmd: 'zsh', args: ['-f', '-c'], format: 'bash', dump: 'env -0\n' },
    { name: 'fish', cmd: 'fish', args: ['--no-config', '-c'], format: 'fish', dump: 'env -0\n' },
    {
      name: 'pwsh',
      cmd: 'pwsh',
      args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command'],
      format: 'powershell',
      // pwsh re-encodes native output, so dump from PowerShell itself.
      dump: "\nforeach ($e in Get-ChildItem Env:) { [Console]::Out.Write($e.Name + '=' + $e.Value + [char]0) }\n",
    },
  ];
  for (const sh of shells) {
    const skip = has(sh.cmd) ? false : `${sh.name} not installed, skipped`;
    it(`${sh.name}: export gives the input values; unset removes them`, { skip }, () => {
      fc.assert(
        fc.property(sessionArb(value), (s) => {
          const env = runShell(sh.cmd, sh.args, `${exportSnippet(sh.format, s)}${sh.dump}`);
          assert.deepEqual(normalizeExpiration(env), expectedAfterExport(s));
        }),
        { numRuns: 30 },
      );
    });
  }
});

describe('export then unset returns the shell to exactly what it was', () => {
  const dump = 'env -0\n';
  const shells = [
    { name: 'bash', cmd: 'bash', args: ['--norc', '--noprofile', '-c'], format: 'bash', required: true },
    { name: 'dash', cmd: 'dash', args: ['-c'], format: 'bash', required: true },
    { name: 'fish', cmd: 'fish', args: ['--no-config', '-c'], format: 'fish', required: true },
    { name: 'zsh', cmd: 'zsh', args: ['-f', '-c'], format: 'bash', required: false },
  ] as const;
  // Any subset of the user's own AWS_* settings, some of them set to the empty string.
  const before = fc
    .subarray(Object.keys(PRESET))
    .chain((keys) =>
      fc.tuple(fc.constant(keys), fc.array(fc.boolean(), { minLength: keys.length, maxLength: keys.length })),
    )
    .map(([keys, empty]) =>
      Object.fromEntries(keys.map((k, i) => [k, empty[i] === true ? '' : (PRESET[k] ?? '')])),
    );
  for (const sh of shells) {
    const skip = sh.required || has(sh.cmd) ? false : `${sh.name} not installed, skipped`;
    it(`${sh.name}: two exports then unset restore the user's values and remove the rest`, { skip }, () => {
      fc.assert(
        fc.property(before, sessionArb(value), sessionArb(value), (start, s1, s2) => {
          const script = `${exportSnippet(sh.format, s1)}${exportSnippet(sh.format, s2)}${unsetSnippet(sh.format)}${dump}`;
          const env = runShellFrom(sh.cmd, sh.args, script, start);
          assert.deepEqual(awsOnly(env), awsOnly(start));
          // The saved state is gone, and was never handed to programs the shell starts.
          assert.deepEqual(
            Object.keys(env).filter((k) => k.startsWith('ROLEBAR')),
            [],
          );
        }),
        { numRuns: 25 },
      );
    });
    it(
      `${sh.name}: a role without a region after one with a region gives the user's own region back`,
      { skip },
      () => {
        const regional = sessionArb(value).map((s) => ({ ...s, region: 'ap-northeast-1' }));
        const regionless = sessionArb(value).map((s) => ({ ...s, region: undefined }));
        fc.assert(
          fc.property(before, regional, regionless, (start, s1, s2) => {
            const script = `${exportSnippet(sh.format, s1)}${exportSnippet(sh.format, s2)}${dump}`;
            const env = runShellFrom(sh.cmd, sh.args, script, start);
            const regions = (e: Env) => [e.AWS_REGION, e.AWS_DEFAULT_REGION];
            assert.deepEqual(regions(env), regions(start));
          }),
          { numRuns: 25 },
        );
      },
    );
    it(
      `${sh.name}: the export hands no saved value to programs; unset with nothing to undo changes nothing`,
      { skip },
      () => {
        const env = runShellFrom(sh.cmd, sh.args, `${exportSnippet(sh.format, FAKE)}${dump}`, PRESET);
        assert.deepEqual(
          Object.keys(env).filter((k) => k.startsWith('ROLEBAR')),
          [],
        );
        const r = spawnSync(sh.cmd, [...sh.args, `${unsetSnippet(sh.format)}${dump}`], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...PRESET },
          encoding: 'utf8',
          timeout: 20_000,
        });
        assert.deepEqual(awsOnly(parseEnv0(r.stdout)), PRESET);
        assert.equal(r.stderr, 'rolebar: this shell has no Rolebar export to undo, nothing changed\n');
      },
    );
  }
});

describe('dotenv snippets as docker --env-file reads them', () => {
  it('values are taken literally, or refused when they contain a line break', () => {
    fc.assert(
      fc.property(sessionArb(value), (s) => {
        const values = Object.values(expectedVars(s));
        if (values.some((v) => /[\r\n]/.test(v))) {
          assert.throws(() => exportSnippet('dotenv', s), { code: 'unrepresentable-value' });
          return;
        }
        assert.deepEqual(
          normalizeExpiration(parseDockerEnvFile(exportSnippet('dotenv', s))),
          expectedVars(s),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the unset form is a valid env file that sets nothing', () => {
    assert.deepEqual(parseDockerEnvFile(unsetSnippet('dotenv')), {});
  });

  it('refuses values too long for docker (64 KiB lines)', () => {
    const long = {
      credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'FAKE', sessionToken: 'x'.repeat(70_000) },
    };
    assert.throws(() => exportSnippet('dotenv', long), { code: 'unrepresentable-value' });
    assert.ok(exportSnippet('bash', long).length > 70_000);
  });
});

describe('unset snippets', () => {
  it('restore each variable or remove it, in every shell syntax, and never touch AWS_PROFILE', () => {
    for (const format of ['bash', 'fish', 'powershell', 'cmd'] as const) {
      const text = unsetSnippet(format);
      const saved = (n: string) => (format === 'powershell' ? `'${n}'` : `ROLEBAR_SAVED_${n}`);
      for (const n of SNIPPET_VARIABLE_NAMES) assert.ok(text.includes(saved(n)), `${format}: ${n}`);
    }
    assert.match(unsetSnippet('powershell'), /Remove-Variable -Name RolebarSaved -Scope Global/);
    // cmd: every line is one of the shapes whose quoting holds (no `&`, `|`, `<`, `>` outside quotes).
    for (const line of [
      ...unsetSnippet('cmd').trimEnd().split('\n'),
      ...exportSnippet('cmd', FAKE).split('\n'),
    ]) {
      if (line === '') continue;
      assert.match(
        line,
        /^(if (not )?defined ROLEBAR_SAVED (echo rolebar: [A-Za-z ,]+ 1>&2|set "ROLEBAR_SAVED_[A-Z_]+="|if defined (?<s>[A-Z_]+) set "ROLEBAR_SAVED_\k<s>=%\k<s>%"|if defined ROLEBAR_SAVED_(?<r>[A-Z_]+) \(set "\k<r>=%ROLEBAR_SAVED_\k<r>%"\) else \(set "\k<r>="\))|set "[A-Z_]+=[^"%!]*")$/,
      );
    }
    // PowerShell (not installed here): the export saves each value it finds, the unset puts back each saved one
    // and removes the rest, line for line as written (a regression to "remove everything" fails here).
    const names = SNIPPET_VARIABLE_NAMES.map((n) => `'${n}'`).join(', ');
    assert.deepEqual(unsetSnippet('powershell').trimEnd().split('\n'), [
      'if (Test-Path Variable:Global:RolebarSaved) {',
      `  foreach ($n in @(${names})) {`,
      '    $old = $Global:RolebarSaved[$n]',
      '    if ($Global:RolebarSaved.ContainsKey($n)) { [Environment]::SetEnvironmentVariable($n, $old) } else { Remove-Item "Env:$n" -ErrorAction SilentlyContinue }',
      '  }',
      '  Remove-Variable -Name RolebarSaved -Scope Global',
      '} else {',
      "  [Console]::Error.WriteLine('rolebar: this shell has no Rolebar export to undo, nothing changed')",
      '}',
    ]);
    const save = exportSnippet('powershell', FAKE);
    assert.ok(
      save.startsWith('if (-not (Test-Path Variable:Global:RolebarSaved)) {\n  $Global:RolebarSaved = @{}\n'),
    );
    assert.ok(
      save.includes(
        `  foreach ($n in @(${names})) {\n    $v = [Environment]::GetEnvironmentVariable($n)\n    if ($null -ne $v) { $Global:RolebarSaved[$n] = $v }\n`,
      ),
    );
    // AWS_PROFILE is the user's own choice of identity: never touched.
    for (const f of SNIPPET_FORMATS) if (f.canUnset) assert.doesNotMatch(unsetSnippet(f.id), /AWS_PROFILE/);
  });

  it('json has no unset form (typed error), matching canUnset', () => {
    assert.throws(() => unsetSnippet('json'), { name: 'SnippetError', code: 'not-applicable' });
    for (const f of SNIPPET_FORMATS) {
      if (f.canUnset) assert.equal(typeof unsetSnippet(f.id), 'string');
      else assert.throws(() => unsetSnippet(f.id), SnippetError);
    }
  });
});
