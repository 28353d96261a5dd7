// `tally ledger export [--format F | --csv | --json | --ndjson] [--out FILE] [--order] [--bom] [filters]`: what it takes.
import type { CommandSpec } from '../../core/command.js';
import { UsageError } from '../../core/errors.js';
import type { ExportFormat } from '../../output/ledger.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { DATE_FLAGS, parseFilter, TYPE_FLAG } from '../flags.js';

/** Every format `--format` names (SPEC §4, §8): the streams of output/ledger.ts, the journals and the workbook. */
export const LEDGER_FORMATS = ['csv', 'json', 'ndjson', 'hledger', 'beancount', 'xlsx'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];

/** A format output/ledger.ts writes as text, entry by entry. */
export function isStreamFormat(format: LedgerFormat): format is ExportFormat {
  return format === 'csv' || format === 'json' || format === 'ndjson';
}

export interface ExportOptions {
  format: LedgerFormat;
  order: 'desc' | 'asc';
  /** A path, `-` or /dev/stdout; standard output when not given. */
  out?: string;
  bom: boolean;
  /** CSV text cells that begin like a formula get a leading ' (SPEC §4); --no-formula-guard turns it off. */
  formulaGuard: boolean;
  filter: LedgerFilter;
}

export const exportCommand: CommandSpec<ExportOptions> = {
  name: 'export',
  summary: 'export every entry, streamed in constant memory: CSV (default), --json or --ndjson',
  flags: [
    {
      flags: '--format <format>',
      help: 'csv (the default), json, ndjson, hledger or beancount (journals those tools check), xlsx (a workbook; needs --out)',
      choices: LEDGER_FORMATS,
    },
    { flags: '--csv', help: 'CSV with the columns accountants expect (the default)' },
    { flags: '--ndjson', help: 'one JSON entry per line' },
    {
      flags: '--out <file>',
      help: 'write to this file atomically (temp file + rename); a FIFO or device is written in place; - is stdout',
    },
    { flags: '--order <order>', help: 'desc (newest first) or asc', choices: ['desc', 'asc'], default: 'desc' },
    { flags: '--bom', help: 'start the CSV with a UTF-8 byte-order mark, for Excel' },
    {
      flags: '--no-formula-guard',
      help: "write CSV text exactly as sent, without the ' that keeps a spreadsheet from running =, +, - or @ as a formula (for hledger, pandas, DuckDB)",
    },
    TYPE_FLAG,
    ...DATE_FLAGS,
  ],
  examples: [
    'tally ledger export --out ledger.csv',
    'tally ledger export --ndjson --since 2026-01-01 --until 2026-04-01 | jq .amount',
    'tally ledger export --order asc --bom --out for-excel.csv',
  ],
  parse(raw) {
    const named = typeof raw.flags.format === 'string' ? (raw.flags.format as LedgerFormat) : undefined;
    const chosen = [raw.flags.csv === true && 'csv', raw.globals.json && 'json', raw.flags.ndjson === true && 'ndjson'].filter(
      Boolean,
    ) as ExportFormat[];
    if (chosen.length > 1) throw new UsageError(`choose one format, not ${chosen.map((f) => `--${f}`).join(' and ')}`);
    const short = chosen[0];
    // --format json --json says one thing twice; --format hledger --csv says two
    if (named && short && named !== short) throw new UsageError(`choose one format, not --format ${named} and --${short}`);
    const format: LedgerFormat = named ?? short ?? 'csv';
    if (raw.flags.bom === true && format !== 'csv') throw new UsageError('--bom applies to CSV only');
    const formulaGuard = raw.flags.formulaGuard !== false;
    if (!formulaGuard && format !== 'csv') {
      throw new UsageError(
        '--no-formula-guard applies to CSV only',
        format === 'xlsx'
          ? "a workbook's text cells are text, never formulas: nothing needs guarding"
          : 'JSON and NDJSON carry text exactly as the provider sent it',
      );
    }
    // a workbook is binary: it goes to a file, or to a pipe when asked for by name (--out -)
    if (format === 'xlsx' && typeof raw.flags.out !== 'string') {
      throw new UsageError('--format xlsx needs --out <file>', 'such as --out ledger.xlsx, or --out - to pipe the workbook on');
    }
    return {
      format,
      // commander has refused any other value
      order: raw.flags.order === 'asc' ? 'asc' : 'desc',
      out: typeof raw.flags.out === 'string' ? raw.flags.out : undefined,
      bom: raw.flags.bom === true,
      formulaGuard,
      filter: parseFilter(raw),
    };
  },
  load: () => import('./export.js'),
};
