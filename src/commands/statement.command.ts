// `tally statement [--month YYYY-MM | --since D --until D] [--all] [--tz ZONE] [--json | --csv]`: what it takes.
import type { CommandSpec } from '../core/command.js';
import { monthBefore, monthPeriod, monthText } from '../core/dates.js';
import { UsageError } from '../core/errors.js';
import { DATE_FLAGS, parsePeriod } from './flags.js';
import { summaryOf } from './index.js';

export interface StatementOptions {
  all: boolean;
  format: 'table' | 'json' | 'csv';
  /** The period, from inclusive to exclusive; undefined where open (the ledger's first entry, its newest). */
  since?: Date;
  until?: Date;
  /** The zone the period is read in: --tz, else UTC. */
  zone: string;
  /** "2026-11" for a month (given, or the default). */
  month?: string;
  /** No period was given: the last complete month. */
  defaulted: boolean;
}

export const statementCommand: CommandSpec<StatementOptions> = {
  name: 'statement',
  summary: summaryOf('statement'),
  flags: [
    { flags: '--all', help: 'every profile concurrently, in one table with a total per unit' },
    { flags: '--csv', help: 'one CSV row per profile, the movements a column each' },
    // with none of the three, a statement covers the last complete month: say so where --month is
    ...DATE_FLAGS.map((f) => (f.flags.startsWith('--month') ? { ...f, help: `${f.help}; without any, the last complete month` } : f)),
  ],
  examples: [
    'tally statement',
    'tally statement --month 2026-11 --tz Europe/Berlin',
    'tally statement --all --month 2026-11 --csv > statements-2026-11.csv',
    'tally -p work statement --since 2026-10-01 --until 2026-12-01 --json',
  ],
  parse(raw) {
    const csv = raw.flags.csv === true;
    if (csv && raw.globals.json) throw new UsageError('choose one format, not --csv and --json');
    const zone = raw.globals.tz ?? 'UTC';
    const common = {
      all: raw.flags.all === true,
      format: csv ? ('csv' as const) : raw.globals.json ? ('json' as const) : ('table' as const),
      zone,
    };
    if (raw.flags.month === undefined && raw.flags.since === undefined && raw.flags.until === undefined) {
      // no period: the last month whose books can close, rather than one still moving
      const month = monthBefore(raw.now, zone);
      return { ...common, ...monthPeriod(month, zone), month: monthText(month), defaulted: true };
    }
    const month = typeof raw.flags.month === 'string' ? raw.flags.month : undefined;
    return { ...common, ...parsePeriod(raw), month, defaulted: false };
  },
  load: () => import('./statement.js'),
};
