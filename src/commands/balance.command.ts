// `tally balance [--all] [--min <amount>]`: what the command takes, and its Options.
import type { CommandSpec } from '../core/command.js';
import type { Decimal } from '../core/money.js';
import { amountFlag } from './flags.js';
import { summaryOf } from './index.js';

export interface BalanceOptions {
  all: boolean;
  /** Exit 1 when an available balance is below this. */
  min?: Decimal;
}

export const balanceCommand: CommandSpec<BalanceOptions> = {
  name: 'balance',
  summary: summaryOf('balance'),
  flags: [
    { flags: '--all', help: 'query every profile concurrently and print one table' },
    { flags: '--min <amount>', help: 'exit 1 when an available balance is below this amount (in its own unit)' },
  ],
  examples: ['tally balance', 'tally balance --all --json', 'tally -p work balance --min 10 -q || echo "top up"'],
  parse: async (raw) => ({ all: raw.flags.all === true, min: await amountFlag(raw.flags.min, '--min', '--min 10 or --min 2.50') }),
  load: () => import('./balance.js'),
};
