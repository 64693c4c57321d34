/*
 * Backups of a shared file, kept beside it as `<file>.rolebar-backup-YYYYMMDDTHHMMSSZ[-n][-forced]`.
 * Two reasons to make one: the first change Rolebar ever makes to the file (no backup exists yet),
 * and every change that overwrites bytes Rolebar did not write (a `--force`, removing imported keys)
 * whose bytes no backup holds yet. The second kind carries `-forced` in its name: it may be the only
 * copy of someone's long-term keys, so it is never pruned within FORCED_KEEP_DAYS.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PRIVATE_FILE_MODE, atomicWriteFile } from '../platform/atomic.js';

/** Suffix (before the timestamp) of the backups kept next to a file. */
export const BACKUP_INFIX = '.rolebar-backup-';
/** How many backups of one file are kept; older ones are pruned, except protected forced ones. */
export const MAX_BACKUPS = 10;
/** A backup of bytes a forced overwrite replaced is kept at least this long, whatever the count. */
export const FORCED_KEEP_DAYS = 30;

const FORCED_SUFFIX = '-forced';
const NAME_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/;

function timestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z'); // YYYYMMDDTHHMMSSZ
}

/** When a backup was made, from its name (a copy or a touch must not make an old backup look new). */
function madeAt(stamp: string): number | undefined {
  const m = NAME_TIME.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
}

/** True when each of `slices` occurs in one of the backups named `backups` (full paths). */
async function alreadyBackedUp(backups: readonly string[], slices: readonly Buffer[]): Promise<boolean> {
  const missing = new Set(slices.filter((s) => s.length > 0));
  for (const file of backups) {
    if (missing.size === 0) break;
    const content = await fs.readFile(file).catch(() => undefined);
    if (!content) continue;
    for (const slice of missing) if (content.includes(slice)) missing.delete(slice);
  }
  return missing.size === 0;
}

/**
 * Deletes the oldest backups beyond MAX_BACKUPS, skipping forced ones younger than FORCED_KEEP_DAYS
 * (so the count may exceed the bound while such backups exist). Best effort: a failed delete is left.
 */
async function pruneBackups(dir: string, prefix: string, now: number): Promise<void> {
  const names = (await fs.readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.startsWith(prefix) && madeAt(n.slice(prefix.length)) !== undefined)
    .sort(); // the timestamp makes name order time order
  let excess = names.length - MAX_BACKUPS;
  for (const name of names) {
    if (excess <= 0) break;
    const stamp = name.slice(prefix.length);
    const young = now - (madeAt(stamp) ?? now) < FORCED_KEEP_DAYS * 86_400_000;
    if (stamp.endsWith(FORCED_SUFFIX) && young) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
    excess--;
  }
}

/**
 * Keeps a copy of `data` (the file's bytes before a change) when the change needs one: when no backup
 * of `target` exists, or when `overwritten` (the bytes Rolebar did not write that the change replaces)
 * is given and not every slice of it is already in a backup. Then prunes old backups. `names` is the
 * folder's listing when the caller has just read it. Returns the new backup's path, if one was made.
 */
export async function keepBackup(
  target: string,
  data: Buffer,
  overwritten: readonly Buffer[] | undefined,
  names?: readonly string[],
  now = new Date(),
): Promise<string | undefined> {
  const dir = path.dirname(target);
  const prefix = path.basename(target) + BACKUP_INFIX;
  const listing = names ?? (await fs.readdir(dir));
  const existing = listing.filter((name) => name.startsWith(prefix) && !name.includes('.rolebar-tmp-'));
  if (existing.length > 0) {
    if (!overwritten) return undefined;
    if (await alreadyBackedUp(existing.map((name) => path.join(dir, name)).reverse(), overwritten))
      return undefined;
  }
  const suffix = overwritten ? FORCED_SUFFIX : '';
  let backup = path.join(dir, `${prefix}${timestamp(now)}${suffix}`);
  // Two backups within one second must not overwrite each other.
  for (let n = 2; listing.includes(path.basename(backup)); n++)
    backup = path.join(dir, `${prefix}${timestamp(now)}-${n}${suffix}`);
  await atomicWriteFile(backup, [data], PRIVATE_FILE_MODE);
  await pruneBackups(dir, prefix, now.getTime());
  return backup;
}
