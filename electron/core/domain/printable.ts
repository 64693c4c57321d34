/**
 * Text that came from elsewhere (AWS, an Identity Center portal, a catalog, a web server) as it may be shown:
 * without the characters that can rewrite a terminal or a log line. Browser-safe.
 */

// C0 controls but tab and newline (ESC starts every terminal sequence), DEL, C1 controls (CSI, OSC), and the
// bidirectional overrides and isolates that reorder what follows them.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character (but tab and newline) and bidi override removed. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '');
}
