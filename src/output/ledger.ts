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

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

export function entryToCsvRow(e: EntryJson): string[] {
  return [e.createdAt, e.id, e.type, e.providerType, e.amount, e.balanceAfter ?? '', e.unit, e.description ?? '', e.reference ?? ''];
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

/** RFC 4180 lines (CRLF) for a batch of rows. */
export function csvLines(rows: string[][]): string {
  return rows.length === 0 ? '' : stringify(rows, CSV_OPTIONS);
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
  add(e: EntryJson): string {
    const first = this.count === 0;
    this.count++;
    if (this.format === 'csv') {
      this.rows.push(entryToCsvRow(e));
      return this.rows.length >= CSV_BATCH ? this.flush() : '';
    }
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
