// `rolebar completion bash|zsh|fish`: a script that completes commands, options and role labels, as
// `aws_completer` and `granted completion` do. The scripts are thin: each asks `rolebar __complete WORDS…` what
// may follow the words typed so far, so the commands' own specs are the one source of what is completed.
import type { RolebarCore } from '../../core/index.js';
import { type Command, type CommandSpec, UsageError } from '../args.js';
import { COMMANDS, GROUPS } from '../command-table.js';
import { withCore } from '../context.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Options accepted before any command (see moveGlobalOptions in rolebar.ts). */
const TOP_OPTIONS = ['--json', '--help', '--version'];

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  // printf %q quotes a label with a space (`Prod\ Admin`) so that it is inserted as one word.
  bash: `# rolebar completion for bash. Install: add this line to ~/.bashrc
#   source <(rolebar completion bash)
_rolebar() {
  local cur=\${COMP_WORDS[COMP_CWORD]} word
  COMPREPLY=()
  while IFS= read -r word; do
    word=$(printf '%q' "$word")
    [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
  done < <(rolebar __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
}
complete -o default -F _rolebar rolebar
`,
  // compadd quotes what it inserts; (Q) unquotes the words typed so far.
  zsh: `#compdef rolebar
# rolebar completion for zsh. Install: add this line to ~/.zshrc (after compinit)
#   source <(rolebar completion zsh)
_rolebar() {
  local -a candidates
  candidates=("\${(@f)$(rolebar __complete -- "\${(@Q)words[2,CURRENT-1]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  if (( \${#candidates} )); then compadd -a candidates; else _files; fi
}
compdef _rolebar rolebar
`,
  // fish escapes what it inserts; commandline -opc gives the words so far, unquoted.
  fish: `# rolebar completion for fish. Install:
#   rolebar completion fish > ~/.config/fish/completions/rolebar.fish
function __rolebar_complete
    set -l words (commandline -opc)
    rolebar __complete -- $words[2..-1] 2>/dev/null
end
complete -c rolebar -f -a '(__rolebar_complete)'
`,
};

const completion: Command = {
  spec: {
    name: 'completion',
    summary: 'Prints a shell script that completes commands, options and role labels.',
    synopsis: `completion ${SHELLS.join('|')}`,
    options: {},
    positionals: [1, 1],
    details:
      'Install:\n' +
      '  bash: add `source <(rolebar completion bash)` to ~/.bashrc\n' +
      '  zsh:  add `source <(rolebar completion zsh)` to ~/.zshrc, after compinit\n' +
      '  fish: rolebar completion fish > ~/.config/fish/completions/rolebar.fish',
  },
  run: async (args, io) => {
    const shell = args.positionals[0] as string;
    const script = (SCRIPTS as Record<string, string>)[shell];
    if (script === undefined) throw new UsageError(`'completion' knows ${SHELLS.join(', ')}, not '${shell}'`);
    io.out(script);
    return 0;
  },
};

const complete: Command = {
  spec: {
    name: '__complete',
    summary:
      'Prints what may follow WORDS on a `rolebar` command line, one per line (for the completion scripts).',
    synopsis: '__complete -- [WORDS...]',
    options: {},
    positionals: [0, 0],
  },
  // The words come after `--`, so that the options typed so far are not read as this command's own.
  run: async (args, io) => {
    for (const candidate of await candidatesAfter(args.rest, io)) io.out(candidate);
    return 0;
  },
};

/** The words that may come after `typed` (the words after `rolebar`, the one being completed left out). */
async function candidatesAfter(typed: string[], io: Parameters<Command['run']>[1]): Promise<string[]> {
  const words = typed.filter((w, i) => !(i === 0 && w === '--json') && w !== '');
  const [first, second] = words;
  const visible = COMMANDS.map(([name]) => name).filter((name) => !name.startsWith('_'));
  if (first === undefined) return [...visible, ...TOP_OPTIONS];
  if (first === 'help') return words.length === 1 ? visible : [];
  const entry = COMMANDS.find(([name]) => name === first);
  if (!entry) return [];
  const { commands } = await entry[2]();
  const isGroup = GROUPS.has(first);
  if (isGroup && second === undefined) return Object.keys(commands).map((n) => n.slice(first.length + 1));
  const command = commands[isGroup ? `${first} ${second}` : first];
  if (!command) return [];
  const rest = words.slice(isGroup ? 2 : 1);
  if (rest.includes('--')) return []; // `exec ROLE -- …`: the shell completes the command
  const last = rest[rest.length - 1] ?? '';
  const option = command.spec.options[last.replace(/^--/, '')];
  if (last.startsWith('--') && option?.type === 'string') return valuesOf(option.value ?? '', io);
  const options = [...Object.keys(command.spec.options).map((n) => `--${n}`), '--help'];
  return [...(await positionalsOf(command.spec, io)), ...options];
}

/** What the first positional of a command may be, read from its synopsis: roles, identities or listed words. */
async function positionalsOf(spec: CommandSpec, io: Parameters<Command['run']>[1]): Promise<string[]> {
  const word = spec.synopsis.slice(spec.name.length).trim().split(/\s+/)[0] ?? '';
  const listed = /^\[?([a-z]+(?:\|[a-z]+)+)\]?$/.exec(word);
  if (listed) return (listed[1] ?? '').split('|');
  // `role rm NAME` names a role; `identity rm NAME` and `sso login NAME` an identity.
  const kind = word === 'NAME' ? (spec.name.startsWith('role ') ? 'ROLE' : 'IDENTITY') : word;
  if (kind === 'NAME' || !/ROLE|IDENTITY/.test(kind)) return [];
  return valuesOf(kind, io);
}

/** The labels a value placeholder (`ROLE`, `IDENTITY_OR_ROLE`) stands for. */
async function valuesOf(placeholder: string, io: Parameters<Command['run']>[1]): Promise<string[]> {
  if (!/ROLE|IDENTITY/.test(placeholder)) return [];
  return withCore(io, async (core: RolebarCore) => [
    ...(/IDENTITY/.test(placeholder) ? core.identities.list().map((i) => i.name) : []),
    ...(/ROLE/.test(placeholder) ? core.roles.list().map((r) => r.label) : []),
  ]);
}

/** `completion` and the scripts' `__complete`. */
export const commands: Record<string, Command> = { completion, __complete: complete };
