// Times for people: the local zone (TZ) with its abbreviation, as `date` prints them. Machine output (--json,
// settings) keeps ISO 8601 UTC.

/** One formatter per locale, made on first use: the first one costs ~15 ms (ICU loads its zone data). */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(locale: string): Intl.DateTimeFormat {
  let formatter = formatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(locale, formatter);
  }
  return formatter;
}

/**
 * `14:32 CET`: hours and minutes in the local zone, with the zone's abbreviation. ICU abbreviates a zone only in
 * the locales that use it (en-US: EST, en-GB: CET) and otherwise writes `GMT+1`: try both, keep a name if any.
 */
export function localTime(at: Date): string {
  const american = formatterFor('en-US').format(at);
  return /GMT[+-]/.test(american) ? formatterFor('en-GB').format(at) : american;
}

/**
 * Makes the formatters now, so that the first localTime() is cheap: a command calls this where it would
 * otherwise wait (for the network or the disk), not where a user waits for it.
 */
export function prepareLocalTime(): void {
  localTime(new Date());
}
