// The local zone's abbreviations from its tz file (RFC 8536), as the C library and `date` take them. For the CLI:
// Intl's first formatter costs ~15-30 ms of ICU set-up, as much as a cached credential_process answer.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ZoneName } from '../domain/local-time.js';

/**
 * The zone's name at an offset, from the tz file of TZ (else /etc/localtime); undefined where there is no such
 * file or it has no name for that offset (localTime() then asks ICU). Read once per TZ value.
 */
export function tzFileZoneName(env: NodeJS.ProcessEnv = process.env): ZoneName {
  return (offsetSeconds) => zoneNames(env)?.get(offsetSeconds);
}

let cached: { tz: string | undefined; names: Map<number, string> | undefined } | undefined;

/** The local zone's current abbreviations by UTC offset (seconds), from its tz file; undefined when unreadable. */
function zoneNames(env: NodeJS.ProcessEnv): Map<number, string> | undefined {
  if (cached && cached.tz === env.TZ) return cached.names;
  let names: Map<number, string> | undefined;
  try {
    const file = zoneFile(env);
    names = file === undefined ? undefined : namesFromTzif(readFileSync(file));
  } catch {
    names = undefined;
  }
  cached = { tz: env.TZ, names };
  return names;
}

/** Where the C library finds the zone: TZ's file under TZDIR (`Europe/Paris`, `:Europe/Paris`), else /etc/localtime. */
function zoneFile(env: NodeJS.ProcessEnv): string | undefined {
  if (process.platform === 'win32') return undefined;
  const tz = env.TZ?.replace(/^:/, '');
  if (tz === undefined) return '/etc/localtime';
  if (tz === '' || tz.includes('..')) return undefined;
  return path.isAbsolute(tz) ? tz : path.join(env.TZDIR || '/usr/share/zoneinfo', tz);
}

/**
 * The abbreviations a tz file (RFC 8536) uses now: its footer's POSIX TZ string names the standard and daylight
 * time of today's rule (`CET-1CEST,M3.5.0,M10.5.0/3`); a file without one falls back to the local time types of
 * its last transitions, latest first.
 */
export function namesFromTzif(data: Buffer): Map<number, string> | undefined {
  if (data.toString('latin1', 0, 4) !== 'TZif') return undefined;
  const names = new Map<number, string>();
  const version = data[4] ?? 0;
  const first = blockOf(data, 0, 4);
  if (version >= 0x32) {
    const second = blockOf(data, first.end, 8);
    const footer = data.toString('latin1', second.end).split('\n')[1] ?? '';
    for (const [offset, name] of posixNames(footer)) names.set(offset, name);
    if (names.size === 0) typeNames(data, second, names);
  } else {
    typeNames(data, first, names);
  }
  return names.size > 0 ? names : undefined;
}

interface Block {
  timecnt: number;
  typecnt: number;
  /** Where the transition types start, and the type records, and the abbreviation characters. */
  typesAt: number;
  infoAt: number;
  charsAt: number;
  end: number;
}

function blockOf(data: Buffer, at: number, timeSize: number): Block {
  const count = (i: number) => data.readUInt32BE(at + 20 + i * 4);
  const [isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt] = [
    count(0),
    count(1),
    count(2),
    count(3),
    count(4),
    count(5),
  ];
  const typesAt = at + 44 + timecnt * timeSize;
  const infoAt = typesAt + timecnt;
  const charsAt = infoAt + typecnt * 6;
  const end = charsAt + charcnt + leapcnt * (timeSize + 4) + isstdcnt + isutcnt;
  if (end > data.length) throw new Error('short tz file');
  return { timecnt, typecnt, typesAt, infoAt, charsAt, end };
}

/** Offsets and names of the types the last transitions use, the latest first (a later name wins no ties). */
function typeNames(data: Buffer, block: Block, names: Map<number, string>): void {
  const order = [...Array(block.timecnt).keys()].reverse().map((i) => data[block.typesAt + i] ?? 0);
  for (const type of [...order, ...Array(block.typecnt).keys()]) {
    if (type >= block.typecnt) continue;
    const info = block.infoAt + type * 6;
    const offset = data.readInt32BE(info);
    const nameAt = block.charsAt + (data[info + 5] ?? 0);
    const name = data.toString('latin1', nameAt, data.indexOf(0, nameAt));
    if (!names.has(offset) && name !== '') names.set(offset, name);
  }
}

/**
 * `[offset east of UTC in seconds, name]` for the standard and the daylight time of a POSIX TZ string. POSIX
 * offsets count west (`CET-1` is an hour east); daylight time defaults to an hour ahead of standard time.
 */
export function posixNames(tz: string): Array<[number, string]> {
  const match =
    /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{2}){0,2})(?:(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{2}){0,2})?)?(?:,|$)/.exec(
      tz,
    );
  if (!match) return [];
  const [, std, stdOffset, dst, dstOffset] = match;
  const east = (text: string) => {
    const [h = 0, m = 0, s = 0] = text.replace(/^[+-]/, '').split(':').map(Number);
    const seconds = h * 3600 + m * 60 + s;
    return text.startsWith('-') ? seconds : -seconds || 0; // `|| 0`: UTC is 0, not -0
  };
  const bare = (name: string) => name.replace(/^<|>$/g, '');
  const stdEast = east(stdOffset ?? '0');
  const found: Array<[number, string]> = [[stdEast, bare(std ?? '')]];
  if (dst) found.push([dstOffset ? east(dstOffset) : stdEast + 3600, bare(dst)]);
  return found;
}
