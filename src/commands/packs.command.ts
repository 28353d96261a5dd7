// `tally packs`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const packsCommand: CommandSpec<Record<string, never>> = {
  name: 'packs',
  summary: summaryOf('packs'),
  examples: ['tally packs', 'tally packs --json'],
  parse: () => ({}),
  load: () => import('./packs.js'),
};
