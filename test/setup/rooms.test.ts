// The core's rooms as electron/core/README.md draws them: every folder is in its table, each room's main file
// exists and opens with a comment saying what the room owns, and the rooms the README names are the ones the
// import-direction rule (build/eslint-layers.js) knows.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CORE_ROOMS } from '../../build/eslint-layers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const core = path.join(root, 'electron/core');

/** The README's table: `room/` → its main file (undefined for a folder that only groups others). */
function roomsTable(): Map<string, string | undefined> {
  const readme = readFileSync(path.join(core, 'README.md'), 'utf8');
  const rooms = new Map<string, string | undefined>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const [, folders, main] = cells;
    if (!folders?.startsWith('`') || main === undefined) continue;
    const file = /^`([^`]+)`$/.exec(main)?.[1];
    for (const folder of folders.matchAll(/`([^`]+)\/`/g)) rooms.set(folder[1] ?? '', file);
  }
  return rooms;
}

function foldersUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const name = `${prefix}${entry.name}`;
      return [name, ...foldersUnder(path.join(dir, entry.name), `${name}/`)];
    });
}

describe('the rooms of electron/core', () => {
  const table = roomsTable();

  it('has every folder in the README table, and nothing the tree lacks', () => {
    assert.deepEqual([...table.keys()].sort(), foldersUnder(core).sort());
  });

  it("opens each room's main file with at least two lines saying what it owns", () => {
    for (const [folder, main] of table) {
      if (main === undefined) {
        const own = readdirSync(path.join(core, folder)).filter((name) => name.endsWith('.ts'));
        assert.deepEqual(own, [], `${folder}/ has code of its own, so the README must name its main file`);
        continue;
      }
      const text = readFileSync(path.join(core, folder, main), 'utf8');
      const opening = text.split('\n').slice(0, 2);
      assert.ok(
        opening.every((line) => /^\s*(\/\/|\/\*|\*)/.test(line)),
        `${folder}/${main} must open with a comment saying what ${folder}/ owns`,
      );
    }
  });

  it('names the same top rooms as the import-direction rule', () => {
    const top = new Set([...table.keys()].map((folder) => folder.split('/')[0]));
    assert.deepEqual(
      [...top].sort(),
      Object.keys(CORE_ROOMS)
        .filter((room) => room !== 'index')
        .sort(),
    );
  });
});
