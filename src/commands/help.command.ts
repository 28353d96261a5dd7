// `tally help [command... | topic]`: what the command takes.
import type { CommandSpec } from '../core/command.js';
import { summaryOf } from './index.js';

export const helpCommand: CommandSpec<{ topic: string[] }> = {
  name: 'help',
  summary: summaryOf('help'),
  args: [{ syntax: '[topic...]', help: 'a command (ledger export) or a topic', complete: 'topic' }],
  examples: ['tally help ledger export', 'tally help exit-codes'],
  parse: (raw) => ({ topic: [...raw.args] }),
  load: () => import('./help.js'),
};
