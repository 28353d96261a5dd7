// `tally account`: what the command takes (nothing but the global flags).
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const accountCommand: CommandSpec<Record<string, never>> = {
  name: 'account',
  summary: summaryOf('account'),
  examples: ['tally account', 'tally -p work account --json'],
  parse: () => ({}),
  load: () => import('./account.js'),
};
