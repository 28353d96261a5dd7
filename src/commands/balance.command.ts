// `tally balance [--all] [--min <amount>] [--min-days <n>]`: what the command takes, and its Options.
import type { CommandSpec } from '../core/command.js';
import type { Decimal } from '../core/money.js';
import { amountFlag, daysFlag } from './flags.js';
import { summaryOf } from './index.js';

export interface BalanceOptions {
  all: boolean;
  /** Exit 1 when an available balance is below this (over every profile's own `min`). */
  min?: Decimal;
  /** Exit 1 when a runway is shorter than this many days (over every profile's own `minDays`). */
  minDays?: Decimal;
}

export const balanceCommand: CommandSpec<BalanceOptions> = {
  name: 'balance',
  summary: summaryOf('balance'),
  flags: [
    { flags: '--all', help: 'query every profile concurrently and print one table' },
    {
      flags: '--min <amount>',
      help: "exit 1 when an available balance is below this amount (in its own unit); overrides the profiles' own min",
    },
    {
      flags: '--min-days <n>',
      help: "exit 1 when a runway (the balance over the last 7 days' burn) is shorter than this; overrides the profiles' own",
    },
  ],
  examples: [
    'tally balance',
    'tally balance --all --json',
    'tally -p work balance --min 10 -q || echo "top up"',
    'tally balance --all --min-days 14 -q || echo "runs out within two weeks, or a profile failed: see the exit code"',
  ],
  parse: async (raw) => ({
    all: raw.flags.all === true,
    min: await amountFlag(raw.flags.min, '--min', '--min 10 or --min 2.50'),
    minDays: await daysFlag(raw.flags.minDays, '--min-days'),
  }),
  load: () => import('./balance.js'),
};
