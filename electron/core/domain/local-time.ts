// Times for people: local hours and minutes with the zone's offset from UTC, as `date +'%H:%M UTC%:z'` prints
// them. Machine output (--json, settings) keeps ISO 8601 UTC. Browser-safe and without Intl (whose first
// formatter costs a CLI 15-30 ms of ICU set-up): the CLI, the core's notices and the window print it alike.

const two = (n: number) => String(n).padStart(2, '0');

/** `14:32 UTC+01:00`: hours and minutes in the local zone, with that zone's offset from UTC at `at`. */
export function localTime(at: Date): string {
  const east = -at.getTimezoneOffset();
  const offset = `${east < 0 ? '-' : '+'}${two(Math.floor(Math.abs(east) / 60))}:${two(Math.abs(east) % 60)}`;
  return `${two(at.getHours())}:${two(at.getMinutes())} UTC${offset}`;
}
