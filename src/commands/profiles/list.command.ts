// `tally profiles list`: what the command takes (nothing but the global flags).
import { defineCommand } from '../../core/command.js';

export const listProfilesCommand = defineCommand<Record<string, never>>({
  name: 'list',
  summary: 'list profiles: provider, base URL, key source and last four characters (never the key)',
  examples: ['tally profiles list', 'tally profiles list --json'],
  parse: () => ({}),
  load: () => import('./list.js'),
});
