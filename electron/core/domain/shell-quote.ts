// Shell quoting and `rolebar …` command lines for hints: the one place a word is quoted for a shell, used by the
// export snippets, the CLI's hints and the core's own errors (which name commands too). Browser-safe.

/**
 * Quotes `value` as one bash / zsh / POSIX sh word that expands to exactly `value`: wrapped in
 * single quotes (inside which nothing is special, not even `!` history expansion), with each `'`
 * written as `'\''`. Exact for every string without NUL.
 */
export function quoteBash(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * Quotes `value` as one fish word that expands to exactly `value`: single quotes, inside which fish
 * only treats `\\` and `\'` as escapes, so those two characters are backslash-escaped.
 */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/**
 * Quotes `value` as a PowerShell verbatim (single-quoted) string that evaluates to exactly `value`.
 * PowerShell accepts the typographic quotes U+2018, U+2019, U+201A and U+201B as single quotes too,
 * so each of those is doubled along with `'` (doubling is how a verbatim string escapes its quote).
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
}

/**
 * `rolebar` and `words`, each word quoted for a POSIX shell when it needs it, so that a label like
 * `bob's $HOME role` can be pasted as it is: rolebar assume 'bob'\''s $HOME role'.
 */
export function rolebarCommand(...words: string[]): string {
  return ['rolebar', ...words].map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : quoteBash(w))).join(' ');
}
