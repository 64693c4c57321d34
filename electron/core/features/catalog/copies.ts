// The last good copy of each subscribed catalog: catalogs/NAME.json beside the settings file, written by a sync
// under the settings lock, read (and parsed once while unchanged) whenever roles are listed.
//
// Beside each copy, NAME.json.checked keeps what parseCatalog made of it (checkedForm), keyed by the copy as it
// is on disk (inode, size, time) and by the Rolebar that checked it: a new process (every CLI command) reads the
// checked roles instead of checking 5,000 roles again (issue 25). It is a cache, never a source: a copy changed in
// any way, a Rolebar of another version, or a checked file that does not fit sends the reader back to the copy,
// checked in full; whoever checked it then keeps the result (written whole, aside then renamed: two writers can
// only both write a result that fits what each read).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import packageJson from '../../../../package.json' with { type: 'json' };
import { type Catalog, checkedForm, fromCheckedForm, parseCatalog } from './format.js';

/** Where the last good copy of a catalog is kept. */
export function copyPath(settingsPath: string, name: string): string {
  return path.join(path.dirname(settingsPath), 'catalogs', `${name}.json`);
}

const CHECKED_SUFFIX = '.checked';

/**
 * Bump when a catalog or role rule changes between releases: a copy checked by the old rules is then checked
 * again (the Rolebar version in the key does the same at every release).
 */
const CHECKED_FORMAT = 1;

const parsedCopies = new Map<string, { mtimeMs: number; size: number; catalog: Catalog }>();

/** The copy as it is on disk, and the Rolebar that checks it: what its checked form is kept for. */
function checkedKey(stat: { ino: number; size: number; mtimeMs: number }): string {
  return `${CHECKED_FORMAT}/${packageJson.version}/${stat.ino}/${stat.size}/${stat.mtimeMs}`;
}

function readChecked(file: string, key: string): Catalog | undefined {
  try {
    const kept: unknown = JSON.parse(readFileSync(file + CHECKED_SUFFIX, 'utf8'));
    if (typeof kept !== 'object' || kept === null || (kept as { key?: unknown }).key !== key)
      return undefined;
    return fromCheckedForm((kept as { checked?: unknown }).checked);
  } catch {
    return undefined; // none yet, or damaged: the copy is checked in full
  }
}

function keepChecked(file: string, key: string, catalog: Catalog): void {
  const temp = `${file}${CHECKED_SUFFIX}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify({ key, checked: checkedForm(catalog) }), { mode: 0o600 });
    renameSync(temp, file + CHECKED_SUFFIX);
  } catch {
    rmSync(temp, { force: true }); // a cache: the next reader checks the copy again
  }
}

/** The last good copy, parsed (cached while the file is unchanged); undefined before the first good sync. */
export function readCopy(settingsPath: string, name: string): Catalog | undefined {
  const file = copyPath(settingsPath, name);
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  const cached = parsedCopies.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.catalog;
  const key = checkedKey(stat);
  let catalog = readChecked(file, key);
  if (!catalog) {
    catalog = parseCatalog(readFileSync(file, 'utf8'), file);
    keepChecked(file, key, catalog);
  }
  parsedCopies.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, catalog });
  return catalog;
}

/** Keeps `text` as the last good copy (a whole file or none: written aside, then renamed). Under the settings lock. */
export function writeCopy(settingsPath: string, name: string, text: string, catalog?: Catalog): void {
  const file = copyPath(settingsPath, name);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  if (catalog) keepChecked(file, checkedKey(statSync(file)), catalog);
}

/** Removes the last good copy (none is fine), and what was kept of it. Under the settings lock. */
export function removeCopy(settingsPath: string, name: string): void {
  const file = copyPath(settingsPath, name);
  rmSync(file, { force: true });
  rmSync(file + CHECKED_SUFFIX, { force: true });
}
