// `tally usage [--since] [--until] [--period daily|monthly|yearly] [--by model|day|product]`: what it takes.
import type { CommandSpec } from '../core/command.js';
import { USAGE_GROUPS, USAGE_PERIODS, type UsageGroupBy, type UsagePeriod } from '../providers/types.js';
import { DATE_FLAGS, parsePeriod } from './flags.js';
import { summaryOf } from './index.js';

export interface UsageOptions {
  since?: Date;
  until?: Date;
  period?: UsagePeriod;
  by?: UsageGroupBy;
}

export const usageCommand: CommandSpec<UsageOptions> = {
  name: 'usage',
  summary: summaryOf('usage'),
  flags: [
    { flags: '--period <period>', help: 'the API period (account-api), or the bucket for --by day', choices: USAGE_PERIODS },
    { flags: '--by <group>', help: 'group by model, day or product (as the provider allows)', choices: USAGE_GROUPS },
    ...DATE_FLAGS,
  ],
  examples: ['tally usage --since 30d', 'tally usage --by day --period monthly --json'],
  // commander has refused a --period or --by outside their choices
  parse: (raw) => ({
    ...parsePeriod(raw),
    period: raw.flags.period as UsagePeriod | undefined,
    by: raw.flags.by as UsageGroupBy | undefined,
  }),
  load: () => import('./usage.js'),
};
