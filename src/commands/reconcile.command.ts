// `tally reconcile [--all | --file <path>] [--checkpoint [--full | --reset-checkpoint]] [--tolerance]`.
import type { CommandSpec } from '../core/command.js';
import { UsageError } from '../core/errors.js';
import type { LiveOptions } from '../reconcile/live.js';
import { amountFlag, DATE_FLAGS, parsePeriod } from './flags.js';
import { summaryOf } from './index.js';

/** What the live flow is asked (reconcile/live.ts), and the choice of --file or --all. */
export interface ReconcileOptions extends LiveOptions {
  all: boolean;
  file?: string;
}

export const reconcileCommand: CommandSpec<ReconcileOptions> = {
  name: 'reconcile',
  summary: summaryOf('reconcile'),
  flags: [
    { flags: '--all', help: 'reconcile every profile concurrently and print a summary table' },
    { flags: '--file <path>', help: 'reconcile an earlier `ledger export` (CSV, JSON or NDJSON) offline' },
    { flags: '--checkpoint', help: 'remember the newest verified entry and read only newer entries next time' },
    { flags: '--reset-checkpoint', help: 'with --checkpoint: forget the checkpoint, verify the whole history and store a new one' },
    { flags: '--full', help: 'with --checkpoint: read the whole history again and report any verified entry that changed' },
    { flags: '--tolerance <amount>', help: 'accept differences up to this amount', default: '0' },
    ...DATE_FLAGS,
  ],
  examples: [
    'tally reconcile',
    'tally reconcile --all --json',
    'tally reconcile --file ledger.csv',
    'tally -p work reconcile --checkpoint -q || echo "ledger does not add up"',
    'tally reconcile --checkpoint --full',
  ],
  async parse(raw) {
    const { Decimal } = await import('../core/money.js');
    const tolerance = (await amountFlag(raw.flags.tolerance, '--tolerance', '--tolerance 0.01')) ?? Decimal.ZERO;
    if (tolerance.isNegative()) throw new UsageError('--tolerance cannot be negative');
    const { since, until } = parsePeriod(raw);
    const opts: ReconcileOptions = {
      all: raw.flags.all === true,
      file: typeof raw.flags.file === 'string' ? raw.flags.file : undefined,
      checkpoint: raw.flags.checkpoint === true,
      resetCheckpoint: raw.flags.resetCheckpoint === true,
      full: raw.flags.full === true,
      tolerance,
      since,
      until,
    };
    if (opts.file && opts.all) throw new UsageError('--file reconciles one export; it does not go with --all');
    if (opts.file && opts.checkpoint) throw new UsageError('--checkpoint follows a live ledger; it does not go with --file');
    if (!opts.checkpoint && (opts.resetCheckpoint || opts.full)) {
      throw new UsageError(
        `${opts.full ? '--full' : '--reset-checkpoint'} goes with --checkpoint`,
        'such as tally reconcile --checkpoint --full',
      );
    }
    if (opts.checkpoint && (since || until))
      throw new UsageError('--checkpoint covers the whole ledger; it does not go with --since, --until or --month');
    return opts;
  },
  load: () => import('./reconcile.js'),
};
