/**
 * Shell completion scripts generated from the command tree itself (bash, zsh, fish): commands,
 * subcommands, flags and the choices of flags that have them.
 */
import type { Command } from 'commander';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

export interface CommandSpec {
  /** Path of names from the root, e.g. `['rollout', 'start']`; `[]` is the program. */
  path: string[];
  description: string;
  subcommands: string[];
  flags: { long?: string; short?: string; description: string; choices?: string[] }[];
}

/** Flattens the tree (hidden commands left out), parents before children, in definition order. */
export function commandSpecs(root: Command, path: string[] = []): CommandSpec[] {
  const visible = root.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const spec: CommandSpec = {
    path,
    description: root.description(),
    subcommands: visible.map((c) => c.name()),
    flags: root.options
      .filter((o) => !o.hidden)
      .map((o) => ({
        ...(o.long ? { long: o.long } : {}),
        ...(o.short ? { short: o.short } : {}),
        description: o.description,
        ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      })),
  };
  spec.flags.push({ long: '--help', short: '-h', description: 'display help' });
  return [spec, ...visible.flatMap((c) => commandSpecs(c, [...path, c.name()]))];
}

function words(spec: CommandSpec): string {
  return [
    ...spec.subcommands,
    ...spec.flags.flatMap((f) => [f.long, f.short].filter((x): x is string => !!x)),
  ].join(' ');
}

function bash(specs: readonly CommandSpec[]): string {
  const cases = specs.map((s) => `    "${s.path.join(' ')}") opts="${words(s)}" ;;`).join('\n');
  const choices = specs
    .flatMap((s) =>
      s.flags
        .filter((f) => f.choices && f.long)
        .map(
          (f) =>
            `    "${[...s.path, f.long].join(' ')}"|"${[...s.path, f.short ?? f.long].join(' ')}") COMPREPLY=($(compgen -W "${f.choices!.join(' ')}" -- "$cur")); return ;;`,
        ),
    )
    .join('\n');
  return `# kubify bash completion: source <(kubify completion bash)
_kubify() {
  local cur prev cmdpath="" word opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    [[ "$word" == -* ]] && continue
    case "\${cmdpath:+$cmdpath }$word" in
${subcommandCases(specs)}
    esac
  done
  case "\${cmdpath:+$cmdpath }$prev" in
${choices}
  esac
  case "$cmdpath" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _kubify kubify
`;
}

/** Shell `case` arms that extend the command path word by word (bash and zsh share the syntax). */
function subcommandCases(specs: readonly CommandSpec[]): string {
  return specs
    .filter((s) => s.path.length > 0)
    .map((s) => `      "${s.path.join(' ')}") cmdpath="${s.path.join(' ')}" ;;`)
    .join('\n');
}

function zsh(specs: readonly CommandSpec[]): string {
  const cases = specs.map((s) => `    "${s.path.join(' ')}") opts=(${words(s)}) ;;`).join('\n');
  return `#compdef kubify
# kubify zsh completion: kubify completion zsh > "\${fpath[1]}/_kubify"
_kubify() {
  local cmdpath="" word
  local -a opts
  for word in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$word" == -* ]] && continue
    case "\${cmdpath:+$cmdpath }$word" in
${subcommandCases(specs)}
    esac
  done
  case "$cmdpath" in
${cases}
  esac
  compadd -- $opts
}
compdef _kubify kubify
`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fish(specs: readonly CommandSpec[]): string {
  const lines = [
    '# kubify fish completion: kubify completion fish > ~/.config/fish/completions/kubify.fish',
    'complete -c kubify -f',
  ];
  const byPath = new Map(specs.map((s) => [s.path.join(' '), s]));
  for (const spec of specs) {
    const condition =
      spec.path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${spec.path[spec.path.length - 1]}${spec.subcommands.length > 0 ? `; and not __fish_seen_subcommand_from ${spec.subcommands.join(' ')}` : ''}`;
    for (const sub of spec.subcommands) {
      const child = byPath.get([...spec.path, sub].join(' '));
      lines.push(
        `complete -c kubify -n ${fishQuote(condition)} -a ${sub} -d ${fishQuote(child?.description.split('\n')[0]?.slice(0, 80) ?? '')}`,
      );
    }
    for (const f of spec.flags) {
      const long = f.long ? ` -l ${f.long.replace(/^--/, '')}` : '';
      const short = f.short ? ` -s ${f.short.replace(/^-/, '')}` : '';
      const choices = f.choices ? ` -r -a ${fishQuote(f.choices.join(' '))}` : '';
      lines.push(
        `complete -c kubify -n ${fishQuote(condition)}${long}${short}${choices} -d ${fishQuote(f.description.slice(0, 80))}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, root: Command): string {
  const specs = commandSpecs(root);
  if (shell === 'bash') return bash(specs);
  if (shell === 'zsh') return zsh(specs);
  return fish(specs);
}
