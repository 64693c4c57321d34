// Times for people: the local zone (TZ) with its abbreviation, as `date` prints them. Machine output (--json,
// settings) keeps ISO 8601 UTC. Browser-safe: the window uses it too; Node callers pass tzFileZoneName()
// (tz-names.ts), which names the zone the way `date` does without Intl's costly first use.

/** The local zone's name at a UTC offset (seconds east), when a caller knows it better than ICU. */
export type ZoneName = (offsetSeconds: number) => string | undefined;

/**
 * `14:32 CET`: hours and minutes in the local zone, with the zone's abbreviation: `zoneName`'s when it has one
 * for the offset in force at `at`, else ICU's.
 */
export function localTime(at: Date, zoneName?: ZoneName): string {
  const name = zoneName?.(-at.getTimezoneOffset() * 60);
  if (name === undefined) return intlLocalTime(at);
  const hh = String(at.getHours()).padStart(2, '0');
  const mm = String(at.getMinutes()).padStart(2, '0');
  return `${hh}:${mm} ${name}`;
}

/**
 * ICU abbreviates a zone only in the locales that use it (en-US: EST, en-GB: CET) and otherwise writes `GMT+1`:
 * try both, keep a name if any.
 */
function intlLocalTime(at: Date): string {
  const format = (locale: string) =>
    new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    }).format(at);
  const american = format('en-US');
  return /GMT[+-]/.test(american) ? format('en-GB') : american;
}
