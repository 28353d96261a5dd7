// `tally profiles list`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../../core/command.js';

export const listProfilesCommand: CommandSpec<Record<string, never>> = {
  name: 'list',
  summary: 'list profiles: provider, base URL, key source and last four characters (never the key)',
  examples: ['tally profiles list', 'tally profiles list --json'],
  parse: () => ({}),
  load: () => import('./list.js'),
};
