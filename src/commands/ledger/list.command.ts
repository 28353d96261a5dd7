// `tally ledger list [--limit] [--offset] [--type] [--since] [--until]`: what the command takes.
import type { CommandSpec } from '../../core/command.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { DATE_FLAGS, parseFilter, positiveInt, TYPE_FLAG } from '../flags.js';

export interface ListOptions {
  limit: number;
  offset: number;
  filter: LedgerFilter;
}

export const listCommand: CommandSpec<ListOptions> = {
  name: 'list',
  summary: 'list entries newest first; a table on a terminal, tab-separated on a pipe, or --json',
  flags: [
    { flags: '--limit <n>', help: 'entries to show (more than a page fetches as many as needed)', default: '20' },
    { flags: '--offset <n>', help: 'entries to skip first', default: '0' },
    TYPE_FLAG,
    ...DATE_FLAGS,
  ],
  examples: ['tally ledger list', 'tally ledger list --limit 500 --type usage --since 7d --json'],
  parse: (raw) => ({
    limit: positiveInt(raw.flags.limit ?? '20', '--limit', 1),
    offset: positiveInt(raw.flags.offset ?? '0', '--offset', 0),
    filter: parseFilter(raw),
  }),
  load: () => import('./list.js'),
};
