// Ledger entries as JSON objects (SPEC §4), CSV records, and the writers for csv / json / ndjson streams.
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

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe. */
export function neutraliseFormula(value: string): string {
  return FORMULA_LEAD.test(value) ? `'${value}` : value;
}

/**
 * A formula lead (= + - @, or their full-width forms, which spreadsheets fold to them), after any white
 * space a spreadsheet skips (` =1+1` runs too); or a tab or CR in first place.
 */
const FORMULA_LEAD = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;
/** RFC 4180: a cell holding the separator, a quote or any line break is quoted, its quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** A cell as RFC 4180 writes it; tally's own formatted cells (timestamps, types, amounts) never need it. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

/** A text cell (id, provider type, unit, description, reference): formula-neutralised (unless the guard is
 *  off, for pipelines that are not spreadsheets), then quoted as needed. */
export function textCell(value: string | null, guard = true): string {
  return value === null || value === '' ? '' : csvCell(guard ? neutraliseFormula(value) : value);
}

/**
 * One CSV record in SPEC column order, CRLF-terminated. Amounts and dates are written as tally formatted
 * them — a negative amount stays -12.50 — and only the free-text columns are neutralised against
 * formula injection. (csv-stringify, which the unit tests hold this to, costs ~10x more per cell.)
 */
export function csvRecord(
  createdAt: string,
  id: string,
  type: string,
  providerType: string,
  amount: string,
  balanceAfter: string,
  unit: string,
  description: string | null,
  reference: string | null,
  guard = true,
): string {
  return `${createdAt},${textCell(id, guard)},${type},${textCell(providerType, guard)},${amount},${balanceAfter},${textCell(unit, guard)},${textCell(description, guard)},${textCell(reference, guard)}\r\n`;
}

/** The CSV record of an entry, straight from the model (no intermediate JSON object on the hot path). */
export function entryToCsv(e: LedgerEntry, guard = true): string {
  return csvRecord(
    e.createdAt,
    e.id,
    e.type,
    e.providerType,
    formatAmount(e.amount, e.unit),
    e.balanceAfter === null ? '' : formatAmount(e.balanceAfter, e.unit),
    e.unit,
    e.description,
    e.reference,
    guard,
  );
}

/** The same for an entry already in its JSON shape (read back from a spool or a file). */
export function jsonToCsv(e: EntryJson, guard = true): string {
  return csvRecord(e.createdAt, e.id, e.type, e.providerType, e.amount, e.balanceAfter ?? '', e.unit, e.description, e.reference, guard);
}

export const CSV_HEADER_LINE = `${CSV_HEADER.join(',')}\r\n`;
/** An --all export's header: whose each row is comes first (SPEC §4). */
export const CSV_ALL_HEADER_LINE = `profile,provider,${CSV_HEADER_LINE}`;
export const UTF8_BOM = '\uFEFF';

/** CSV records handed out together: fewer, larger writes. */
const CSV_BATCH = 512;

export type ExportFormat = 'csv' | 'json' | 'ndjson';

/** Whose entries follow in an --all export: each row and entry says it first. */
export interface SectionOwner {
  profile: string | null;
  provider: string;
}

/** Turns entries into the text of one export format, in batches, keeping the shape right when empty. */
export class ExportEncoder {
  private count = 0;
  private pending = '';
  private pendingRows = 0;
  /** With --all: the profile and provider cells that begin each CSV record of the section, and their owner. */
  private prefix = '';
  private owner: SectionOwner | undefined;

  constructor(
    readonly format: ExportFormat,
    private readonly bom: boolean,
    /** CSV text cells a spreadsheet would run as formulas get a leading ' (off: --no-formula-guard). */
    private readonly formulaGuard = true,
    /** An --all export: sections of entries, each begun by section(), every row carrying its profile and provider. */
    private readonly sections = false,
  ) {}

  start(): string {
    if (this.format === 'csv') return `${this.bom ? UTF8_BOM : ''}${this.sections ? CSV_ALL_HEADER_LINE : CSV_HEADER_LINE}`;
    return this.format === 'json' ? '[' : '';
  }

  /** The entries after this are this profile's; the stream formats mark a section on every row, not between. */
  section(owner: SectionOwner): string {
    if (!this.sections) throw new Error('a section of an export that is not --all');
    this.owner = owner;
    this.prefix = `${textCell(owner.profile, this.formulaGuard)},${textCell(owner.provider, this.formulaGuard)},`;
    return '';
  }

  /** Text for one entry; CSV rows come out in batches. */
  add(e: LedgerEntry): string {
    if (this.format === 'csv') return this.addRecord(entryToCsv(e, this.formulaGuard));
    return this.addJson(entryToJson(e));
  }

  /** The same for an entry already in its JSON shape (read back from a spool). */
  addEntryJson(e: EntryJson): string {
    return this.format === 'csv' ? this.addRecord(jsonToCsv(e, this.formulaGuard)) : this.addJson(e);
  }

  private addRecord(record: string): string {
    this.count++;
    this.pending += this.prefix + record;
    return ++this.pendingRows >= CSV_BATCH ? this.flush() : '';
  }

  private addJson(e: EntryJson): string {
    const first = this.count === 0;
    this.count++;
    const line = JSON.stringify(this.owner ? { profile: this.owner.profile, provider: this.owner.provider, ...e } : e);
    return this.format === 'ndjson' ? `${line}\n` : `${first ? '\n' : ',\n'}${line}`;
  }

  flush(): string {
    const text = this.pending;
    this.pending = '';
    this.pendingRows = 0;
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
