// `tally providers`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const providersCommand: CommandSpec<Record<string, never>> = {
  name: 'providers',
  summary: summaryOf('providers'),
  examples: ['tally providers', 'tally providers --json'],
  parse: () => ({}),
  load: () => import('./providers.js'),
};
