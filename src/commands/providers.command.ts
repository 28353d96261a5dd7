// `tally providers`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';

export const providersCommand: CommandSpec<Record<string, never>> = {
  name: 'providers',
  summary: 'list the providers tally knows, their auth, default base URL and the commands each supports',
  examples: ['tally providers', 'tally providers --json'],
  parse: () => ({}),
  load: () => import('./providers.js'),
};
