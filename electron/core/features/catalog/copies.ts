// The last good copy of each subscribed catalog: catalogs/NAME.json beside the settings file, written by a sync
// under the settings lock, read (and parsed once while unchanged) whenever roles are listed.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Catalog, parseCatalog } from './format.js';

/** Where the last good copy of a catalog is kept. */
export function copyPath(settingsPath: string, name: string): string {
  return path.join(path.dirname(settingsPath), 'catalogs', `${name}.json`);
}

const parsedCopies = new Map<string, { mtimeMs: number; size: number; catalog: Catalog }>();

/** The last good copy, parsed (cached while the file is unchanged); undefined before the first good sync. */
export function readCopy(settingsPath: string, name: string): Catalog | undefined {
  const file = copyPath(settingsPath, name);
  if (!existsSync(file)) return undefined;
  const stat = statSync(file);
  const cached = parsedCopies.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.catalog;
  const catalog = parseCatalog(readFileSync(file, 'utf8'), file);
  parsedCopies.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, catalog });
  return catalog;
}

/** Keeps `text` as the last good copy (a whole file or none: written aside, then renamed). Under the settings lock. */
export function writeCopy(settingsPath: string, name: string, text: string): void {
  const file = copyPath(settingsPath, name);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(`${file}.tmp`, text, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** Removes the last good copy (none is fine). Under the settings lock. */
export function removeCopy(settingsPath: string, name: string): void {
  rmSync(copyPath(settingsPath, name), { force: true });
}
