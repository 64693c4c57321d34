// Times for people: the local zone (TZ) with its abbreviation, as `date` prints them. Machine output (--json,
// settings) keeps ISO 8601 UTC.

/**
 * `14:32 CET`: hours and minutes in the local zone, with the zone's abbreviation. ICU abbreviates a zone only in
 * the locales that use it (en-US: EST, en-GB: CET) and otherwise writes `GMT+1`: try both, keep a name if any.
 */
export function localTime(at: Date): string {
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
