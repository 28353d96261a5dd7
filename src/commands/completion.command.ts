// `tally completion bash|zsh|fish`: what the command takes.
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const completionCommand: CommandSpec<{ shell: Shell }> = {
  name: 'completion',
  summary: summaryOf('completion'),
  args: [{ syntax: '<shell>', help: 'bash, zsh or fish', choices: SHELLS }],
  // lines that work on a bare system: bash without the bash-completion package, zsh without a writable fpath
  examples: [
    "tally completion bash > ~/.tally-completion.bash && echo 'source ~/.tally-completion.bash' >> ~/.bashrc",
    "echo 'source <(tally completion zsh)' >> ~/.zshrc   # after compinit",
    'tally completion fish > ~/.config/fish/completions/tally.fish',
  ],
  // commander has refused any other shell
  parse: (raw) => ({ shell: raw.args[0] as Shell }),
  load: () => import('./completion.js'),
};
