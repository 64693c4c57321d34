// Save and restore for export snippets: the first export in a shell saves the values the user had (and
// whether each was set) in ROLEBAR_SAVED_<NAME> shell variables plus a ROLEBAR_SAVED marker; the unset
// snippet puts exactly those back and removes the rest. A second export while the marker is set saves
// nothing, so the saved values are always the user's own, never a Rolebar session's (no secret is kept
// beyond what the export itself set). Where the shell has variables that are not passed to programs
// (bash, dash, zsh, fish, PowerShell), the saved values stay in the shell; cmd has only environment
// variables, so there they are inherited by programs the shell starts, like the AWS_* values themselves.

/** A shell format that can save and restore. */
export type RestoringFormat = 'bash' | 'fish' | 'powershell' | 'cmd';

const MARKER = 'ROLEBAR_SAVED';
// Stderr, not stdout: the text runs inside `eval "$(…)"` / `| source`.
const NOTHING_TO_UNDO = 'rolebar: this shell has no Rolebar export to undo, nothing changed';

function saved(name: string): string {
  return `${MARKER}_${name}`;
}

/**
 * The lines an export snippet starts with: when the shell has no saved state yet, save each of `names`
 * (its value, or that it was not set). `names` must be valid variable names (the caller checks them).
 */
export function saveLines(format: RestoringFormat, names: readonly string[]): string[] {
  switch (format) {
    case 'bash':
      // POSIX sh (dash), bash and zsh alike; `${X+x}` tells "set to empty" from "not set", even under set -u.
      return [
        `if [ -z "\${${MARKER}+x}" ]; then`,
        `  ${MARKER}=1`,
        ...names.map((n) => `  if [ -n "\${${n}+x}" ]; then ${saved(n)}=$${n}; else unset ${saved(n)}; fi`),
        'fi',
      ];
    case 'fish':
      return [
        `if not set -q ${MARKER}`,
        `    set -g ${MARKER} 1`,
        ...names.map((n) => `    if set -q ${n}; set -g ${saved(n)} $${n}; else; set -e ${saved(n)}; end`),
        'end',
      ];
    case 'powershell':
      // A global PowerShell variable, not an environment one: programs started from the shell do not see it.
      return [
        `if (-not (Test-Path Variable:Global:RolebarSaved)) {`,
        `  $Global:RolebarSaved = @{}`,
        `  foreach ($n in @(${names.map((n) => `'${n}'`).join(', ')})) {`,
        '    $v = [Environment]::GetEnvironmentVariable($n)',
        '    if ($null -ne $v) { $Global:RolebarSaved[$n] = $v }',
        '  }',
        '}',
      ];
    case 'cmd':
      // `%X%` is expanded once, when the line is read, before `if` runs; cmd has no empty variables, so
      // "defined" is "set". A value holding `"` would end the quotes early (cmd has no exact quoting).
      return [
        ...names.map((n) => `if not defined ${MARKER} set "${saved(n)}="`),
        ...names.map((n) => `if not defined ${MARKER} if defined ${n} set "${saved(n)}=%${n}%"`),
        `set "${MARKER}=1"`,
      ];
  }
}

/** One variable back to its saved value, or removed when it was not set (the saved state exists). */
function putBack(format: RestoringFormat, n: string): string {
  switch (format) {
    case 'bash':
      return `if [ -n "\${${saved(n)}+x}" ]; then export ${n}="$${saved(n)}"; else unset ${n}; fi`;
    case 'fish':
      return `if set -q ${saved(n)}; set -gx ${n} $${saved(n)}; else; set -e ${n}; end`;
    case 'powershell':
      return `if ($Global:RolebarSaved.ContainsKey('${n}')) { [Environment]::SetEnvironmentVariable('${n}', $Global:RolebarSaved['${n}']) } else { Remove-Item 'Env:${n}' -ErrorAction SilentlyContinue }`;
    case 'cmd':
      return `if defined ${saved(n)} (set "${n}=%${saved(n)}%") else (set "${n}=")`;
  }
}

/**
 * Lines for an export snippet, after its saveLines, that give each of `names` the user's own value back (or
 * remove it when the user had none): for a setting this export has no value of its own for, such as the region
 * of a role without one, so an earlier export's value does not stay.
 */
export function ownValueLines(format: RestoringFormat, names: readonly string[]): string[] {
  return names.map((n) => putBack(format, n));
}

/**
 * The unset snippet's lines: with a saved state, each of `names` gets its saved value back or is removed
 * when it was not set, and the saved state is cleared; without one, nothing changes and stderr says so.
 */
export function restoreLines(format: RestoringFormat, names: readonly string[]): string[] {
  const clear = [MARKER, ...names.map(saved)];
  switch (format) {
    case 'bash':
      return [
        `if [ -n "\${${MARKER}+x}" ]; then`,
        ...names.map((n) => `  ${putBack(format, n)}`),
        `  unset ${clear.join(' ')}`,
        'else',
        `  echo '${NOTHING_TO_UNDO}' >&2`,
        'fi',
      ];
    case 'fish':
      return [
        `if set -q ${MARKER}`,
        ...names.map((n) => `    ${putBack(format, n)}`),
        `    set -e ${clear.join(' ')}`,
        'else',
        `    echo '${NOTHING_TO_UNDO}' >&2`,
        'end',
      ];
    case 'powershell':
      return [
        'if (Test-Path Variable:Global:RolebarSaved) {',
        `  foreach ($n in @(${names.map((n) => `'${n}'`).join(', ')})) {`,
        '    $old = $Global:RolebarSaved[$n]',
        // One line: at an interactive prompt an `else` on the next line would be a new command.
        '    if ($Global:RolebarSaved.ContainsKey($n)) { [Environment]::SetEnvironmentVariable($n, $old) } else { Remove-Item "Env:$n" -ErrorAction SilentlyContinue }',
        '  }',
        '  Remove-Variable -Name RolebarSaved -Scope Global',
        '} else {',
        `  [Console]::Error.WriteLine('${NOTHING_TO_UNDO}')`,
        '}',
      ];
    case 'cmd':
      return [
        `if not defined ${MARKER} echo ${NOTHING_TO_UNDO} 1>&2`,
        ...names.map((n) => `if defined ${MARKER} ${putBack(format, n)}`),
        ...clear.map((n) => `set "${n}="`),
      ];
  }
}
