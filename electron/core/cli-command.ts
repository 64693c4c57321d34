// A `rolebar …` command line quoted for a POSIX shell, for hints that tell the user what to run next. In core,
// because the core's own errors name commands too.
import { quoteBash } from './snippets.js';

/**
 * `rolebar` and `words`, each word quoted for a POSIX shell when it needs it, so that a label like
 * `bob's $HOME role` can be pasted as it is: rolebar assume 'bob'\''s $HOME role'.
 */
export function rolebarCommand(...words: string[]): string {
  return ['rolebar', ...words].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : quoteBash(w))).join(' ');
}
