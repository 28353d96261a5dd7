// `tally completion bash|zsh|fish`: completion scripts generated from the command tree as commands/index.ts
// declares it (global flags, specs), never from the commander program cli.ts builds from the same.
import { Option } from 'commander';
import type { AnySpec, ArgSpec, FlagSpec } from '../core/command.js';
import { PROFILE_NAME } from '../core/config.js';
import type { Context } from '../core/context.js';
import { PROVIDERS } from '../providers/registry.js';
import { ENTRY_TYPES } from '../providers/types.js';
import type { Shell } from './completion.command.js';
import { HELP_TOPIC_NAMES } from './help-topics.js';
import { COMMANDS, GLOBAL_FLAGS, loadSpecs, VERSION_FLAG } from './index.js';

/** What the shell offers in a place: fixed words, the saved profiles (read at completion time), or files. */
type Values = { words: readonly string[] } | 'profiles' | 'files';

interface Flag {
  names: string[];
  takesValue: boolean;
  values: Values | null;
}

interface Node {
  /** "ledger export"; "" for the program. */
  path: string;
  subcommands: string[];
  flags: Flag[];
  /** What the first argument completes to. */
  argument: Values | null;
}

function flagOf(spec: FlagSpec): Flag {
  const option = new Option(spec.flags);
  const takesValue = option.required || option.optional;
  const values: Values | null = spec.choices
    ? { words: spec.choices }
    : spec.complete === 'profile'
      ? 'profiles'
      : spec.complete === 'provider'
        ? { words: PROVIDERS.map((p) => p.id) }
        : spec.complete === 'entry-type'
          ? { words: ENTRY_TYPES }
          : takesValue && /<(file|path)>/.test(spec.flags)
            ? 'files'
            : null;
  return { names: [option.long, option.short].filter((n): n is string => Boolean(n)), takesValue, values };
}

function argumentOf(arg: ArgSpec | undefined): Values | null {
  if (!arg) return null;
  if (arg.choices) return { words: arg.choices };
  if (arg.complete === 'profile') return 'profiles';
  // a help topic, or a command to show the help of
  if (arg.complete === 'topic') return { words: [...HELP_TOPIC_NAMES, ...COMMANDS.map((c) => c.name).filter((n) => n !== 'help')] };
  return null;
}

function walk(spec: AnySpec, path: string, nodes: Node[]): void {
  const here = path ? `${path} ${spec.name}` : spec.name;
  if ('commands' in spec) {
    nodes.push({ path: here, subcommands: spec.commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]), flags: [], argument: null });
    for (const child of spec.commands) walk(child, here, nodes);
    return;
  }
  const node = { subcommands: [], flags: (spec.flags ?? []).map(flagOf), argument: argumentOf(spec.args?.[0]) };
  // an alias (`profiles rm`) completes as its command does
  for (const name of [spec.name, ...(spec.aliases ?? [])]) nodes.push({ ...node, path: path ? `${path} ${name}` : name });
}

export interface CompletionModel {
  nodes: Node[];
  /** The flags every command takes (the program's, but --version). */
  globals: Flag[];
}

export function completionModel(specs: readonly AnySpec[]): CompletionModel {
  const globals = GLOBAL_FLAGS.map(flagOf);
  const root: Node = {
    path: '',
    subcommands: specs.flatMap((s) => [s.name, ...('aliases' in s ? (s.aliases ?? []) : [])]),
    flags: [flagOf(VERSION_FLAG), ...globals],
    argument: null,
  };
  const nodes = [root];
  for (const spec of specs) walk(spec, '', nodes);
  return { nodes, globals };
}

/**
 * The saved profile names, one a line. Only plain names pass, whatever the config or an older tally says: a
 * name is offered on the command line, and one such as `$(touch x)` must be neither run nor inserted there.
 */
const PROFILES_CMD = `tally profiles list 2>/dev/null | tail -n +2 | cut -f1 | grep -E '${PROFILE_NAME.source}'`;

/** A shell command printing `values` as words, for bash and zsh. */
const wordsCommand = (values: Values | null) =>
  values === 'profiles' ? PROFILES_CMD : values && values !== 'files' ? `echo "${values.words.join(' ')}"` : 'echo ""';

/** The functions bash and zsh share: what each command path and flag completes to. */
function helpers({ nodes, globals }: CompletionModel): string {
  const allFlags = [...globals, ...nodes.flatMap((n) => n.flags)];
  const byName = new Map(allFlags.flatMap((f) => f.names.map((name) => [name, f] as const)));
  const caseLines = (pick: (n: Node) => string) => nodes.map((n) => `    "${n.path}") ${pick(n)} ;;`).join('\n');
  const words = (list: string[]) => `echo "${[...new Set(list)].join(' ')}"`;
  const globalNames = globals.flatMap((f) => f.names);
  const valueLines = [...byName.entries()]
    .filter(([, f]) => f.values !== null && f.values !== 'files')
    .map(([name, f]) => `    ${name}) ${wordsCommand(f.values)} ;;`)
    .join('\n');
  const takingValue = [...byName.entries()].filter(([, f]) => f.takesValue).map(([name]) => name);
  const takingFile = [...byName.entries()].filter(([, f]) => f.values === 'files').map(([name]) => name);
  return `_tally_subcommands() {
  case "$1" in
${caseLines((n) => words(n.subcommands))}
  esac
}

_tally_flags() {
  case "$1" in
${caseLines((n) => words([...n.flags.flatMap((f) => f.names), ...(n.path ? globalNames : [])]))}
  esac
}

_tally_arguments() {
  case "$1" in
${caseLines((n) => wordsCommand(n.argument))}
  esac
}

_tally_values() {
  case "$1" in
${valueLines}
  esac
}

_tally_takes_value() {
  case "$1" in
    ${takingValue.join('|')}) return 0 ;;
  esac
  return 1
}

_tally_takes_file() {
  case "$1" in
    ${takingFile.join('|')}) return 0 ;;
  esac
  return 1
}
`;
}

export function bashScript(model: CompletionModel): string {
  return `# bash completion for tally — generated by \`tally completion bash\`; do not edit.
# Install (plain bash): tally completion bash > ~/.tally-completion.bash
#                       echo 'source ~/.tally-completion.bash' >> ~/.bashrc
# With the bash-completion package: tally completion bash > ~/.local/share/bash-completion/completions/tally

${helpers(model)}
# Offers each word of $2 that begins with $1. The words are data, never code: compgen -W would expand
# $(...) and globs in them, and a profile name comes from a file the user may have edited.
_tally_reply() {
  local IFS=$' \\t\\n' word
  local -a words
  read -r -d '' -a words <<< "$2"
  for word in "\${words[@]}"; do
    [[ "$word" == "$1"* ]] && COMPREPLY+=("$word")
  done
  return 0
}

_tally() {
  local cur prev path word i args
  COMPREPLY=()
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev=""
  [ "$COMP_CWORD" -gt 0 ] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  path=""
  args=0
  i=1
  while [ "$i" -lt "$COMP_CWORD" ]; do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == -* ]]; then
      _tally_takes_value "$word" && i=$((i + 1))
    elif [[ " $(_tally_subcommands "$path") " == *" $word "* ]]; then
      path="\${path:+$path }$word"
      args=0
    else
      args=$((args + 1))
    fi
    i=$((i + 1))
  done
  if [ -n "$prev" ] && [[ "$prev" == -* ]] && _tally_takes_value "$prev"; then
    if _tally_takes_file "$prev"; then
      compopt -o filenames 2>/dev/null
      # a line each, kept whole: a file name may hold spaces or a *
      while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen -f -- "$cur")
    else
      _tally_reply "$cur" "$(_tally_values "$prev")"
    fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    _tally_reply "$cur" "$(_tally_flags "$path")"
  elif [ "$args" -eq 0 ]; then
    # only the first argument completes (a second is a new name, or nothing)
    _tally_reply "$cur" "$(_tally_subcommands "$path") $(_tally_arguments "$path")"
  fi
  return 0
}

complete -F _tally tally
`;
}

export function zshScript(model: CompletionModel): string {
  return `#compdef tally
# zsh completion for tally — generated by \`tally completion zsh\`; do not edit.
# Install: mkdir -p ~/.zfunc && tally completion zsh > ~/.zfunc/_tally
#          and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
# Or, in ~/.zshrc after compinit: source <(tally completion zsh)

${helpers(model)}
_tally() {
  # zsh's own rules, whatever the user's options (sh_word_split, glob_subst, ksh_arrays) say
  emulate -L zsh
  local cur prev cmdpath word i args
  cur="\${words[CURRENT]}"
  prev="\${words[CURRENT-1]}"
  cmdpath=""
  args=0
  i=2
  while (( i < CURRENT )); do
    word="\${words[i]}"
    if [[ "$word" == -* ]]; then
      _tally_takes_value "$word" && (( i++ ))
    elif [[ " $(_tally_subcommands "$cmdpath") " == *" $word "* ]]; then
      cmdpath="\${cmdpath:+$cmdpath }$word"
      args=0
    else
      (( args++ ))
    fi
    (( i++ ))
  done
  if [[ "$prev" == -* ]] && _tally_takes_value "$prev"; then
    if _tally_takes_file "$prev"; then
      _files
    else
      compadd -- \${=$(_tally_values "$prev")}
    fi
    return
  fi
  if [[ "$cur" == -* ]]; then
    compadd -- \${=$(_tally_flags "$cmdpath")}
  elif (( args == 0 )); then
    # only the first argument completes (a second is a new name, or nothing)
    compadd -- \${=$(_tally_subcommands "$cmdpath")} \${=$(_tally_arguments "$cmdpath")}
  fi
}

# autoloaded from fpath this file is the completion function; sourced, it registers it
if [[ "\${funcstack[1]}" == _tally ]]; then
  _tally "$@"
else
  compdef _tally tally
fi
`;
}

export function fishScript({ nodes, globals }: CompletionModel): string {
  const valueFlags = [...new Set([...globals, ...nodes.flatMap((n) => n.flags)].filter((f) => f.takesValue).flatMap((f) => f.names))];
  // inside fish's single quotes a quote and a backslash are escaped
  const fishQuoted = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;
  const fishValues = (values: Values | null) =>
    values === 'profiles'
      ? ` -a ${fishQuoted(`(${PROFILES_CMD})`)}`
      : values && values !== 'files'
        ? ` -a '${values.words.join(' ')}'`
        : '';
  const lines = [
    '# fish completion for tally — generated by `tally completion fish`; do not edit.',
    '# Install: tally completion fish > ~/.config/fish/completions/tally.fish',
    '',
  ];
  lines.push(`function __tally_path
    set -l words (commandline -opc)
    set -e words[1]
    set -l path
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if contains -- $w ${valueFlags.join(' ')}
            set skip 1
            continue
        end
        if string match -q -- '-*' $w
            continue
        end
        set -a path $w
    end
    echo (string join ' ' $path)
end

function __tally_at
    set -l path (__tally_path)
    test "$path" = "$argv[1]"
end

# no command argument is a file: only the flags that take one offer files
complete -c tally -f
`);
  for (const n of nodes) {
    const cond = `__tally_at '${n.path}'`;
    for (const sub of n.subcommands) lines.push(`complete -c tally -f -n "${cond}" -a '${sub}'`);
    if (n.argument) lines.push(`complete -c tally -f -n "${cond}"${fishValues(n.argument)}`);
    for (const f of n === nodes[0] ? n.flags.filter((x) => !globals.includes(x)) : n.flags) lines.push(fishFlag(f, ` -n "${cond}"`));
  }
  for (const f of globals) lines.push(fishFlag(f, ''));
  return `${lines.join('\n')}\n`;

  function fishFlag(f: Flag, scope: string): string {
    const long = f.names.find((x) => x.startsWith('--'))?.slice(2);
    const short = f.names.find((x) => !x.startsWith('--'))?.slice(1);
    const value = !f.takesValue ? '' : f.values === 'files' ? ' -r -F' : ` -x${fishValues(f.values)}`;
    return `complete -c tally${scope}${long ? ` -l ${long}` : ''}${short ? ` -s ${short}` : ''}${value}`;
  }
}

export async function run(ctx: Context, { shell }: { shell: Shell }): Promise<number> {
  const model = completionModel(await loadSpecs());
  ctx.io.out(shell === 'bash' ? bashScript(model) : shell === 'zsh' ? zshScript(model) : fishScript(model));
  return 0;
}
