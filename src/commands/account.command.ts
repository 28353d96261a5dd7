// `tally account`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';

export const accountCommand: CommandSpec<Record<string, never>> = {
  name: 'account',
  summary: 'account overview: summary, plan, totals and per-key spend, from what the provider offers',
  examples: ['tally account', 'tally -p work account --json'],
  parse: () => ({}),
  load: () => import('./account.js'),
};
