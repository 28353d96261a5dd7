// `tally ledger export [--format F | --csv | --json | --ndjson] [--out FILE] [--all [--keep-going]] [--order] [--bom] [filters]`: what it takes.
import type { CommandSpec, RawInput } from '../../core/command.js';
import { UsageError } from '../../core/errors.js';
import type { ExportFormat } from '../../output/ledger.js';
import type { CounterAccounts } from '../../output/journal.js';
import type { LedgerFilter } from '../../providers/shared/filter.js';
import { DATE_FLAGS, parseFilter, TYPE_FLAG } from '../flags.js';

/** Every format `--format` names (SPEC §4, §8): the streams of output/ledger.ts, the journals and the workbook. */
export const LEDGER_FORMATS = ['csv', 'json', 'ndjson', 'hledger', 'beancount', 'xlsx'] as const;
export type LedgerFormat = (typeof LEDGER_FORMATS)[number];

/** A format output/ledger.ts writes as text, entry by entry. */
export function isStreamFormat(format: LedgerFormat): format is ExportFormat {
  return format === 'csv' || format === 'json' || format === 'ndjson';
}

export type JournalFormat = 'hledger' | 'beancount';

/** A journal an accounting tool checks (output/journal.ts). */
export function isJournalFormat(format: LedgerFormat): format is JournalFormat {
  return format === 'hledger' || format === 'beancount';
}

/** A journal's accounts as flags name them; the rest are the provider's defaults (output/journal.ts). */
export interface JournalFlags {
  /** --account: the asset account. */
  account?: string;
  /** --map: counter-accounts by type. */
  map: Partial<CounterAccounts>;
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
  /** hledger and beancount only. */
  journal?: JournalFlags;
  /** Every profile into one file or stream, `profile` and `provider` first in each row (default: the one profile). */
  all?: boolean;
  /** With --all: a profile that fails is left out (and named), the others written; the exit code is still its. */
  keepGoing?: boolean;
}

export const exportCommand: CommandSpec<ExportOptions> = {
  name: 'export',
  summary:
    'export every entry, streamed in constant memory: CSV (default), JSON, NDJSON, an hledger or Beancount journal, or an xlsx workbook; of one profile or --all',
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
    {
      flags: '--order <order>',
      help: 'desc (newest first, the default) or asc; a journal is always asc, dated in UTC or the --tz zone',
      choices: ['desc', 'asc'],
    },
    { flags: '--bom', help: 'start the CSV with a UTF-8 byte-order mark, for Excel' },
    {
      flags: '--no-formula-guard',
      help: "write CSV text exactly as sent, without the ' that keeps a spreadsheet from running =, +, - or @ as a formula (for hledger, pandas, DuckDB)",
    },
    {
      flags: '--account <name>',
      help: 'journals: the asset account (default Assets:Prepaid:<Provider>, e.g. Assets:Prepaid:AccountAPI); with --all each profile has its own, this plus :<Profile> (-2, -3 after a second name that makes the same part)',
    },
    {
      flags: '--map <type=account>',
      help:
        'journals: the counter-account of a type, repeatable. Defaults: purchase=Assets:Bank, usage, debit and consumption=Expenses:<Provider>:Usage, ' +
        'refund=Expenses:<Provider>:Refunds, credit=Income:<Provider>:Credits, adjustment=Equity:<Provider>:Adjustments, ' +
        'subscription=Expenses:<Provider>:Subscriptions; the opening balance comes from Equity:Opening-Balances',
      repeatable: true,
    },
    {
      flags: '--all',
      help: 'every profile into one file or stream, profile and provider first in each row; all are read (at once) before any is written, so one that fails fails the export with its exit code and no file',
    },
    {
      flags: '--keep-going',
      help: 'with --all: when a profile fails, write the others anyway, name it on stderr and exit with its code',
    },
    TYPE_FLAG,
    ...DATE_FLAGS,
  ],
  examples: [
    'tally ledger export --out ledger.csv',
    'tally ledger export --ndjson --since 2026-01-01 --until 2026-04-01 | jq .amount',
    'tally ledger export --order asc --bom --out for-excel.csv',
    'tally ledger export --format hledger --since 2026-11-01 --until 2026-12-01 > nov.journal && hledger -f nov.journal check',
    'tally ledger export --format beancount --map purchase=Liabilities:CreditCard --out ledger.beancount && bean-check ledger.beancount',
    'tally ledger export --format xlsx --month 2026-11 --tz Europe/Berlin --out november.xlsx',
    'tally ledger export --all --out every-profile.csv',
    'tally ledger export --all --keep-going --ndjson --out all.ndjson || echo "exit $?: a profile is missing"',
  ],
  async parse(raw) {
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
    const all = raw.flags.all === true;
    const keepGoing = raw.flags.keepGoing === true;
    if (keepGoing && !all) {
      throw new UsageError(
        '--keep-going goes with --all',
        'it writes the profiles that could be read when another fails: tally ledger export --all --keep-going',
      );
    }
    const filter = parseFilter(raw);
    return {
      format,
      // commander has refused any other value
      order: isJournalFormat(format) ? journalOrder(raw.flags.order, format) : raw.flags.order === 'asc' ? 'asc' : 'desc',
      out: typeof raw.flags.out === 'string' ? raw.flags.out : undefined,
      bom: raw.flags.bom === true,
      formulaGuard,
      filter,
      all,
      keepGoing,
      journal: await parseJournalFlags(raw, format, filter),
    };
  },
  load: () => import('./export.js'),
};

/** A journal is written oldest first: its balance assertions hold in that order only. */
function journalOrder(order: unknown, format: JournalFormat): 'asc' {
  if (order === 'desc') {
    throw new UsageError(`--order desc does not apply to --format ${format}: a journal is written oldest first`, 'leave --order out');
  }
  return 'asc';
}

/** --account and --map, for a journal only; the account rule loads only when one is given. */
async function parseJournalFlags(raw: RawInput, format: LedgerFormat, filter: LedgerFilter): Promise<JournalFlags | undefined> {
  const account = typeof raw.flags.account === 'string' ? raw.flags.account : undefined;
  const map = Array.isArray(raw.flags.map) ? (raw.flags.map as string[]) : [];
  if (!isJournalFormat(format)) {
    if (account !== undefined) throw new UsageError('--account applies to --format hledger or beancount only');
    if (map.length > 0) throw new UsageError('--map applies to --format hledger or beancount only');
    return undefined;
  }
  if (filter.types !== undefined) {
    throw new UsageError(
      `--type does not apply to --format ${format}: a journal needs every entry for its balance assertions`,
      'choose the period with --since and --until',
    );
  }
  if (account === undefined && map.length === 0) return { map: {} };
  const { checkAccount, parseAccountMap } = await import('../../output/journal.js');
  return { account: account === undefined ? undefined : checkAccount(account, '--account '), map: parseAccountMap(map) };
}
