// A catalog's checked form (features/catalog/copies.ts), through the built CLI: each command is a new process,
// which reads the roles a sync checked instead of checking every role again; a copy changed in any way, or a
// checked form that does not fit, sends it back to the copy itself, checked in full.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addAlice, type CliWorld, explain, startCliWorld } from './helpers.js';

const catalog = (label: string) =>
  `${JSON.stringify(
    {
      rolebarCatalog: 1,
      accounts: [{ id: '222222222222', name: 'prod' }],
      roles: [{ id: 'ops', account: 'prod', roleName: 'readonly', label }],
    },
    null,
    2,
  )}\n`;

describe('a catalog checked once, read by every later command', () => {
  let w: CliWorld;
  let copy: string;
  before(async () => {
    w = await startCliWorld('cli-catalog-checked');
    const run = await addAlice(w);
    assert.equal(run.code, 0, explain(run));
    const dir = path.join(w.sandbox.dir, 'published');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'team.json'), catalog('Ops'));
    const add = await w.rolebar([
      'catalog',
      'add',
      'team',
      path.join(dir, 'team.json'),
      '--identity',
      'alice',
    ]);
    assert.equal(add.code, 0, explain(add));
    copy = path.join(w.sandbox.rolebarHome, 'catalogs', 'team.json');
  });
  after(() => w.close());

  const labels = async () => {
    const run = await w.rolebar(['role', 'list', '--json']);
    assert.equal(run.code, 0, explain(run));
    return (JSON.parse(run.stdout) as Array<{ label: string; catalog?: string }>)
      .filter((r) => r.catalog === 'team')
      .map((r) => r.label);
  };
  const checked = () => `${copy}.checked`;

  it('reads the checked form the sync kept, while the copy is unchanged', async () => {
    // Marked in the checked form only: a command that shows it read the checked form, not the copy.
    writeFileSync(
      checked(),
      readFileSync(checked(), 'utf8').replace('"label":"Ops"', '"label":"Ops (checked)"'),
    );
    assert.deepEqual(await labels(), ['Ops (checked)']);
  });

  it('checks the copy again once it changed (edited in place: same inode and size), and keeps the new result', async () => {
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('"Ops"', '"Dev"'));
    assert.deepEqual(await labels(), ['Dev']);
    assert.match(readFileSync(checked(), 'utf8'), /"label":"Dev"/);
  });

  it('a copy edited into a broken catalog is refused by line, whatever was checked before', async () => {
    writeFileSync(copy, catalog('Ops').replace('"roleName"', '"secretKey": "x", "roleName"'));
    const run = await w.rolebar(['role', 'list', '--json']);
    assert.equal(run.code, 1, explain(run));
    assert.match(run.stderr, /"secretKey" is not allowed/);
  });

  it('a damaged checked form is ignored: the copy is checked in full', async () => {
    writeFileSync(copy, catalog('Ops'));
    writeFileSync(checked(), '{"key": ');
    assert.deepEqual(await labels(), ['Ops']);
  });
});
