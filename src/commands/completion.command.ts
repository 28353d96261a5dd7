// `tally completion bash|zsh|fish`: what the command takes.
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const completionCommand: CommandSpec<{ shell: Shell }> = {
  name: 'completion',
  summary: summaryOf('completion'),
  args: [{ syntax: '<shell>', help: 'bash, zsh or fish', choices: SHELLS }],
  examples: [
    'tally completion bash > ~/.local/share/bash-completion/completions/tally',
    'tally completion zsh > "${fpath[1]}/_tally"',
    'tally completion fish > ~/.config/fish/completions/tally.fish',
  ],
  // commander has refused any other shell
  parse: (raw) => ({ shell: raw.args[0] as Shell }),
  load: () => import('./completion.js'),
};
