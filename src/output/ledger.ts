// Ledger entries as JSON objects (SPEC §4), CSV rows, and the writers for csv / json / ndjson streams.
import { stringify } from 'csv-stringify/sync';
import { formatAmount } from '../core/money.js';
import type { LedgerEntry } from '../providers/types.js';

/** The JSON shape of an entry; amounts are decimal strings. */
export interface EntryJson {
  id: string;
  createdAt: string;
  type: string;
  providerType: string;
  amount: string;
  balanceAfter: string | null;
  unit: string;
  description: string | null;
  reference: string | null;
  metadata: Record<string, unknown> | null;
}

export function entryToJson(e: LedgerEntry): EntryJson {
  return {
    id: e.id,
    createdAt: e.createdAt,
    type: e.type,
    providerType: e.providerType,
    amount: formatAmount(e.amount, e.unit),
    balanceAfter: e.balanceAfter === null ? null : formatAmount(e.balanceAfter, e.unit),
    unit: e.unit,
    description: e.description,
    reference: e.reference,
    metadata: e.metadata,
  };
}

export const CSV_HEADER = [
  'created_at',
  'id',
  'type',
  'provider_type',
  'amount',
  'balance_after',
  'unit',
  'description',
  'reference',
] as const;

/** Which CSV columns hold free text (neutralised against formula injection); the others are never altered. */
const TEXT_COLUMN = CSV_HEADER.map((c) => c === 'id' || c === 'provider_type' || c === 'description' || c === 'reference');
/** Columns tally formats itself (timestamps, normalised types, decimal strings): never anything to quote. */
const FORMATTED_COLUMN = CSV_HEADER.map((c) => c === 'created_at' || c === 'type' || c === 'amount' || c === 'balance_after');

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

export function jsonToCsvRow(e: EntryJson): string[] {
  return [e.createdAt, e.id, e.type, e.providerType, e.amount, e.balanceAfter ?? '', e.unit, e.description ?? '', e.reference ?? ''];
}

/** The CSV cells of an entry, straight from the model (no intermediate JSON object on the hot path). */
export function entryToCsvRow(e: LedgerEntry): string[] {
  return [
    e.createdAt,
    e.id,
    e.type,
    e.providerType,
    formatAmount(e.amount, e.unit),
    e.balanceAfter === null ? '' : formatAmount(e.balanceAfter, e.unit),
    e.unit,
    e.description ?? '',
    e.reference ?? '',
  ];
}

const CSV_OPTIONS = {
  // formula neutralising is done per column in the cast: csv-stringify's own escape_formulas would
  // prefix a negative amount such as -12.50, which must stay a number
  escape_formulas: false,
  record_delimiter: '\r\n',
  // a line break inside a cell is always quoted (RFC 4180), whichever break it is
  quoted_match: /[\r\n]/,
  cast: {
    string: (value: string, context: { index: number }) => (TEXT_COLUMN[context.index] ? neutraliseFormula(value) : value),
  },
} as const;

/** A cell csv-stringify would write as it is: nothing to quote, and (in text columns) nothing to neutralise. */
const PLAIN_CELL = /^[^",\r\n=+\-@\t\uFF1D\uFF0B\uFF0D\uFF20][^",\r\n]*$|^$/;
const PLAIN_NUMBER_CELL = /^[^",\r\n]*$/;

function isPlainRow(row: string[]): boolean {
  for (let i = 0; i < row.length; i++) {
    if (FORMATTED_COLUMN[i]) continue;
    const cell = row[i] as string;
    if (cell !== '' && !(TEXT_COLUMN[i] ? PLAIN_CELL : PLAIN_NUMBER_CELL).test(cell)) return false;
  }
  return true;
}

/** Separates records when the rows that need quoting are stringified together; never inside a quoted cell. */
const RECORD_SEPARATOR = '\u001e\r\n';

/**
 * RFC 4180 lines (CRLF) for a batch of rows. Rows with nothing to quote or neutralise are joined
 * directly (the common case: csv-stringify's per-cell work dominated export time); the others go through
 * csv-stringify in one call per batch, split apart again on a separator the data does not contain.
 */
export function csvLines(rows: string[][]): string {
  const special: number[] = [];
  for (let i = 0; i < rows.length; i++) if (!isPlainRow(rows[i] as string[])) special.push(i);
  let quoted: string[];
  if (special.length === 0) quoted = [];
  else if (special.some((i) => (rows[i] as string[]).some((cell) => cell.includes('\u001e')))) {
    quoted = special.map((i) => stringify([rows[i] as string[]], CSV_OPTIONS).slice(0, -2));
  } else {
    quoted = stringify(
      special.map((i) => rows[i] as string[]),
      { ...CSV_OPTIONS, record_delimiter: RECORD_SEPARATOR },
    ).split(RECORD_SEPARATOR);
  }
  let text = '';
  let next = 0;
  for (let i = 0; i < rows.length; i++) {
    text += special[next] === i ? `${quoted[next++]}\r\n` : `${(rows[i] as string[]).join(',')}\r\n`;
  }
  return text;
}

export const CSV_HEADER_LINE = `${CSV_HEADER.join(',')}\r\n`;
export const UTF8_BOM = '\uFEFF';

/** CSV rows stringified together: one call per batch keeps csv-stringify's per-call cost small. */
const CSV_BATCH = 512;

export type ExportFormat = 'csv' | 'json' | 'ndjson';

/** Turns entries into the text of one export format, in batches, keeping the shape right when empty. */
export class ExportEncoder {
  private count = 0;
  private rows: string[][] = [];

  constructor(
    readonly format: ExportFormat,
    private readonly bom: boolean,
  ) {}

  start(): string {
    if (this.format === 'csv') return `${this.bom ? UTF8_BOM : ''}${CSV_HEADER_LINE}`;
    return this.format === 'json' ? '[' : '';
  }

  /** Text for one entry; CSV rows come out in batches. */
  add(e: LedgerEntry): string {
    if (this.format === 'csv') return this.addRow(entryToCsvRow(e));
    return this.addJson(entryToJson(e));
  }

  /** The same for an entry already in its JSON shape (read back from a spool). */
  addEntryJson(e: EntryJson): string {
    return this.format === 'csv' ? this.addRow(jsonToCsvRow(e)) : this.addJson(e);
  }

  private addRow(row: string[]): string {
    this.count++;
    this.rows.push(row);
    return this.rows.length >= CSV_BATCH ? this.flush() : '';
  }

  private addJson(e: EntryJson): string {
    const first = this.count === 0;
    this.count++;
    const line = JSON.stringify(e);
    return this.format === 'ndjson' ? `${line}\n` : `${first ? '\n' : ',\n'}${line}`;
  }

  flush(): string {
    if (this.format !== 'csv' || this.rows.length === 0) return '';
    const text = csvLines(this.rows);
    this.rows = [];
    return text;
  }

  end(): string {
    const rest = this.flush();
    if (this.format === 'json') return `${rest}${this.count === 0 ? ']\n' : '\n]\n'}`;
    return rest;
  }

  get entries(): number {
    return this.count;
  }
}
