// The xlsx workbook of a ledger export (SPEC §8): typed cells, a frozen header, widths that fit, a Statement sheet; streamed.
//
// exceljs's streaming WorkbookWriter writes each row into the zip as it is committed. exceljs itself is
// loaded here, on first use, so no other command pays for it (~100 modules).
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { Row, stream as ExcelStream, Style, Worksheet } from 'exceljs';
import { offsetAt } from '../core/dates.js';
import { collectGarbage } from '../core/memory.js';
import { type Decimal, formatAmount } from '../core/money.js';
import { ENTRY_TYPES } from '../providers/types.js';
import { CSV_HEADER, type EntryJson } from './ledger.js';

/** Where the workbook's bytes go: a file (core/atomic-file) or standard output; a promise asks to wait. */
export type WorkbookSink = (chunk: Uint8Array) => Promise<void> | undefined;

export interface WorkbookOptions {
  /** The zone `created_at` is shown in; the header names it. Cells hold that wall time (spreadsheets have no zones). */
  zone: string;
  /** `--all`: profile and provider come first in each row, sized for these names (known before the first row). */
  profiles?: readonly { profile: string | null; provider: string }[];
}

/** One statement (SPEC §8) for the Statement sheet: a roll-forward of the entries written, and who it is of. */
export interface WorkbookStatement {
  profile: string | null;
  provider: string;
  unit: string | null;
  /** ISO 8601 UTC instants: the period's bounds, or the first and last entries' times. */
  from: string | null;
  to: string | null;
  opening: Decimal | null;
  /** Movements in the order shown (reconcile/rollforward.ts MOVEMENTS). */
  movements: Readonly<Record<string, Decimal>>;
  closing: Decimal | null;
  entries: number;
  ok: boolean;
  difference: Decimal | null;
  /** --type: the only types exported, so the roll-forward covers these alone. */
  types?: readonly string[];
}

/**
 * Digits a double carries exactly: any decimal of at most 15 significant digits reads back from the nearest
 * double unchanged (DBL_DIG), and 15 digits is also all a spreadsheet shows. So USD amounts up to
 * 9,999,999,999,999.99 and credits up to 999,999,999,999,999 are numbers; a longer amount is written as its
 * exact decimal text instead, and counted (`inexact`), rather than rounded without a word.
 */
export const EXACT_DIGITS = 15;

/** Rows held before the first is written: the columns' widths are fixed by then (a stream cannot go back). */
const WIDTH_SAMPLE = 256;
/** Free text wider than this wraps off screen anyway: the column stops growing. */
const TEXT_CAP = { id: 40, provider_type: 24, description: 60, reference: 40, profile: 32 } as const;
/** Room for balances to grow past the sampled ones: three more digits before a cell shows ###. */
const NUMBER_SLACK = 3;
/** exceljs queues a sheet's XML for the zip without waiting; past this the writer waits for it to drain. */
const QUEUED_LIMIT = 1 << 20;
/** Rows between full collections (core/memory.ts collectGarbage: the buffers exceljs lets go of). */
const COLLECT_EVERY = 4_096;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Offsets are looked up once a day: no zone changes its offset and back within one. */
const SPAN_MS = 86_400_000;

/**
 * The first wall time a spreadsheet shows as itself: Excel counts 1900 as a leap year (its serial 60 is
 * 1900-02-29, a day that never was) and has no day before 1900-01-01. An earlier time is written as text.
 */
const FIRST_DATE_MS = Date.UTC(1900, 2, 1);

/** The most characters a cell holds (Excel's limit; it "repairs" a workbook with a longer one, dropping it). */
export const CELL_TEXT_LIMIT = 32_767;

type ExcelJs = typeof import('exceljs');
type CellValue = Date | number | boolean | { richText: { text: string }[] } | null;

/** A text cell: an inline string (t="inlineStr"), which no reader takes for a formula or a number. */
function textCell(value: string | null): CellValue {
  return value === null || value === '' ? null : { richText: [{ text: value }] };
}

/** Significant digits of a plain decimal ("-0.0250" has 3). */
export function significantDigits(text: string): number {
  let n = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    n++;
  }
  // trailing zeros after the point count as written: they are shown, and a double keeps them as the format
  return n;
}

/** Computes a zone's UTC offset for an instant, remembering it for the day around it (Intl costs ~5 µs a look-up). */
export class ZoneClock {
  private readonly zone: string | undefined;
  private span = Number.NaN;
  private spanOffset = 0;

  constructor(zone: string) {
    this.zone = zone === 'UTC' || zone === 'Etc/UTC' ? undefined : zone;
  }

  /** The wall time in the zone, as a Date whose UTC fields read that wall time (what a spreadsheet holds). */
  wallTime(iso: string): Date {
    const ms = Date.parse(iso);
    return new Date(ms + this.offset(ms));
  }

  private offset(ms: number): number {
    const zone = this.zone;
    if (zone === undefined) return 0;
    const span = Math.floor(ms / SPAN_MS);
    if (span !== this.span) {
      const start = offsetAt(span * SPAN_MS, zone);
      // the offset changes within this day (a DST switch): exact for every instant in it
      this.span = span;
      this.spanOffset = start === offsetAt((span + 1) * SPAN_MS - 1, zone) ? start : Number.NaN;
    }
    return Number.isNaN(this.spanOffset) ? offsetAt(ms, zone) : this.spanOffset;
  }
}

/** The widest of some texts, within [min, cap]. */
const widest = (texts: Iterable<string | null>, min: number, cap = Number.POSITIVE_INFINITY) => {
  let w = min;
  for (const t of texts) if (t !== null && t.length > w) w = t.length;
  return Math.min(w, Math.max(cap, min));
};

/** A Writable over the sink, so the zip can be piped into it; its failure is kept for the writer to throw. */
class SinkStream extends Writable {
  failure: Error | undefined;
  readonly failed: Promise<never>;

  constructor(sink: WorkbookSink) {
    super({
      write(chunk: Buffer, _encoding, done) {
        try {
          const wait = sink(chunk);
          if (wait) wait.then(() => done(), done);
          else done();
        } catch (error) {
          done(error as Error);
        }
      },
    });
    this.failed = new Promise<never>((_, reject) => {
      this.on('error', (error) => {
        this.failure ??= error;
        reject(this.failure);
      });
    });
    // nobody may be waiting when it fails: the failure is thrown at the next wait instead
    this.failed.catch(() => undefined);
  }
}

/** The workbook of one export: entries in (any number of profiles), then finish() with their statements. */
export class LedgerWorkbook {
  /** Amounts written as text because a double cannot carry them exactly (EXACT_DIGITS). */
  inexact = 0;
  /** Texts cut to CELL_TEXT_LIMIT. */
  clipped = 0;
  /** Date-times before FIRST_DATE_MS, written as text. */
  early = 0;
  private rows = 0;
  private collectedAt = 0;
  private readonly clock: ZoneClock;
  private readonly sheet: Worksheet;
  private sampled: { e: EntryJson; who?: { profile: string | null; provider: string } }[] | undefined = [];
  private readonly numberStyles = new Map<number, Partial<Style>>();
  private readonly dateStyle: Partial<Style> = { numFmt: DATE_FORMAT };
  private readonly textStyle: Partial<Style> = {};
  private readonly headerStyle: Partial<Style> = { font: { bold: true } };
  private readonly cellStyles: Partial<Style>[];

  private constructor(
    private readonly book: ExcelStream.xlsx.WorkbookWriter,
    private readonly sink: SinkStream,
    private readonly options: WorkbookOptions,
  ) {
    this.clock = new ZoneClock(options.zone);
    this.sheet = book.addWorksheet('Ledger', { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    const lead = options.profiles ? [this.textStyle, this.textStyle] : [];
    this.cellStyles = [...lead, this.dateStyle, ...new Array<Partial<Style>>(8).fill(this.textStyle)];
  }

  static async open(sink: WorkbookSink, options: WorkbookOptions): Promise<LedgerWorkbook> {
    const excel = ((await import('exceljs')) as unknown as { default: ExcelJs }).default;
    const stream = new SinkStream(sink);
    // inline strings (no shared-string table held to the end) and styles for the number formats
    const book = new excel.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    book.creator = 'tally';
    book.lastModifiedBy = 'tally';
    return new LedgerWorkbook(book, stream, options);
  }

  /** The header, as CSV's with the zone named: "created_at (Europe/Berlin)". */
  get header(): string[] {
    const lead = this.options.profiles ? ['profile', 'provider'] : [];
    return [...lead, ...CSV_HEADER.map((h) => (h === 'created_at' ? `created_at (${this.options.zone})` : h))];
  }

  /** One entry, a row; `who` names its profile when the workbook has profile columns. */
  add(e: EntryJson, who?: { profile: string | null; provider: string }): void {
    if (this.sampled) {
      this.sampled.push({ e, who });
      if (this.sampled.length >= WIDTH_SAMPLE) this.startRows();
      return;
    }
    this.writeRow(e, who);
  }

  /** Waits while the zip is behind (exceljs does not), or the sink is; throws the sink's failure. */
  async drained(): Promise<void> {
    if (this.rows - this.collectedAt >= COLLECT_EVERY) {
      this.collectedAt = this.rows;
      collectGarbage();
    }
    for (;;) {
      if (this.sink.failure) throw this.sink.failure;
      const queue = queueOf(this.sheet);
      if (!queue || (queue._writableState?.length ?? 0) <= QUEUED_LIMIT) return;
      await Promise.race([once(queue, 'drain'), this.sink.failed]);
    }
  }

  /** Ends the ledger sheet, writes the Statement sheet, and completes the zip (the sink has every byte after it). */
  async finish(statements: readonly WorkbookStatement[]): Promise<void> {
    if (this.sampled) this.startRows();
    this.sheet.commit();
    this.writeStatements(statements);
    await Promise.race([this.book.commit(), this.sink.failed]);
    if (this.sink.failure) throw this.sink.failure;
  }

  /** Fixes the widths from the sampled rows and what is known, writes the header, then the rows held. */
  private startRows(): void {
    const sampled = this.sampled ?? [];
    this.sampled = undefined;
    const es = sampled.map((s) => s.e);
    const header = this.header;
    const lead = this.options.profiles ?? [];
    const amountWidth = (values: (string | null)[], title: string) => Math.max(title.length, widest(values, 1) + NUMBER_SLACK, 8);
    const widths = [
      ...(this.options.profiles
        ? [
            widest([...lead.map((p) => p.profile), ...sampled.map((s) => s.who?.profile ?? null)], 7, TEXT_CAP.profile),
            widest([...lead.map((p) => p.provider), ...sampled.map((s) => s.who?.provider ?? null)], 8, TEXT_CAP.profile),
          ]
        : []),
      Math.max((header[this.options.profiles ? 2 : 0] as string).length, DATE_FORMAT.length),
      widest(
        es.map((e) => e.id),
        2,
        TEXT_CAP.id,
      ),
      widest(ENTRY_TYPES, 4),
      widest(
        es.map((e) => e.providerType),
        'provider_type'.length,
        TEXT_CAP.provider_type,
      ),
      amountWidth(
        es.map((e) => e.amount),
        'amount',
      ),
      amountWidth(
        es.map((e) => e.balanceAfter),
        'balance_after',
      ),
      widest(
        es.map((e) => e.unit),
        4,
      ),
      widest(
        es.map((e) => e.description),
        'description'.length,
        TEXT_CAP.description,
      ),
      widest(
        es.map((e) => e.reference),
        'reference'.length,
        TEXT_CAP.reference,
      ),
    ];
    // two characters of padding: a width of n shows n digits of the default font, edge to edge
    this.sheet.columns = widths.map((w) => ({ width: w + 2 }));
    const row = this.sheet.addRow(header.map((h) => textCell(h)));
    for (let c = 1; c <= header.length; c++) row.getCell(c).style = this.headerStyle;
    row.commit();
    for (const s of sampled) this.writeRow(s.e, s.who);
  }

  private writeRow(e: EntryJson, who: { profile: string | null; provider: string } | undefined): void {
    const styles = this.cellStyles;
    const values: CellValue[] = [];
    if (this.options.profiles) values.push(textCell(who?.profile ?? null), textCell(who?.provider ?? null));
    const at = values.length;
    if (e.balanceAfter === null) styles[at + 5] = this.textStyle;
    values.push(
      this.when(e.createdAt, styles, at),
      this.text(e.id),
      textCell(e.type),
      this.text(e.providerType),
      this.amount(e.amount, styles, at + 4),
      e.balanceAfter === null ? null : this.amount(e.balanceAfter, styles, at + 5),
      textCell(e.unit),
      this.text(e.description),
      this.text(e.reference),
    );
    const row = this.sheet.addRow(values);
    styleRow(row, styles);
    row.commit();
    this.rows++;
  }

  /** A date-time cell of the wall time in the zone (its style set in `styles[index]`), or its text before 1900-03-01. */
  private when(iso: string, styles: Partial<Style>[], index: number): CellValue {
    const wall = this.clock.wallTime(iso);
    if (wall.getTime() >= FIRST_DATE_MS) {
      styles[index] = this.dateStyle;
      return wall;
    }
    this.early++;
    styles[index] = this.textStyle;
    return textCell(wall.toISOString().slice(0, 19).replace('T', ' '));
  }

  /** A text cell of the provider's text, cut to what a cell holds (and counted) when longer. */
  private text(value: string | null): CellValue {
    if (value === null || value.length <= CELL_TEXT_LIMIT) return textCell(value);
    this.clipped++;
    let end = CELL_TEXT_LIMIT - 1;
    // not between the halves of a surrogate pair
    if (/[\ud800-\udbff]/.test(value.charAt(end - 1))) end--;
    return textCell(`${value.slice(0, end)}…`);
  }

  /** A number cell (its style set in `styles[index]`), or the exact text when a double cannot hold it. */
  private amount(text: string, styles: Partial<Style>[], index: number): CellValue {
    if (significantDigits(text) > EXACT_DIGITS) {
      this.inexact++;
      styles[index] = this.textStyle;
      return textCell(text);
    }
    styles[index] = this.numberStyle(text);
    return Number(text);
  }

  /** The number format that shows an amount's decimals as written: USD 12.50 as 0.00, 120 credits as 0. */
  private numberStyle(text: string): Partial<Style> {
    const dot = text.indexOf('.');
    const decimals = dot < 0 ? 0 : text.length - dot - 1;
    let style = this.numberStyles.get(decimals);
    if (!style) {
      // one object per format: exceljs finds a style it has seen by identity, and works it out again otherwise
      style = { numFmt: decimals === 0 ? '0' : `0.${'0'.repeat(decimals)}` };
      this.numberStyles.set(decimals, style);
    }
    return style;
  }

  /** The Statement sheet: one row per field (SPEC §8), one column per profile; the figures are typed as in the ledger. */
  private writeStatements(statements: readonly WorkbookStatement[]): void {
    const sheet = this.book.addWorksheet('Statement', { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
    type Cell = { value: CellValue; style: Partial<Style>; shown: string };
    const text = (t: string | null): Cell => ({ value: textCell(t), style: this.textStyle, shown: t ?? '' });
    const when = (iso: string | null): Cell => {
      if (iso === null) return text(null);
      const styles: Partial<Style>[] = [];
      const value = this.when(iso, styles, 0);
      return { value, style: styles[0] as Partial<Style>, shown: DATE_FORMAT };
    };
    const money = (d: Decimal | null, unit: string | null): Cell => {
      if (d === null) return text(null);
      const shown = formatAmount(d, unit ?? '');
      const styles: Partial<Style>[] = [];
      const value = this.amount(shown, styles, 0);
      return { value, style: styles[0] as Partial<Style>, shown };
    };
    const movementNames = Object.keys(statements[0]?.movements ?? {});
    const fields: [string, (s: WorkbookStatement) => Cell][] = [
      ['profile', (s) => text(s.profile)],
      ['provider', (s) => text(s.provider)],
      ['unit', (s) => text(s.unit)],
      ['from', (s) => when(s.from)],
      ['to', (s) => when(s.to)],
      ['zone', () => text(this.options.zone)],
      ['opening', (s) => money(s.opening, s.unit)],
      ...movementNames.map((m): [string, (s: WorkbookStatement) => Cell] => [m, (s) => money(s.movements[m] ?? null, s.unit)]),
      ['closing', (s) => money(s.closing, s.unit)],
      ['entries', (s) => ({ value: s.entries, style: this.numberStyle('0'), shown: String(s.entries) })],
      ['ok', (s) => ({ value: s.ok, style: this.textStyle, shown: s.ok ? 'TRUE' : 'FALSE' })],
      ['difference', (s) => money(s.difference, s.unit)],
    ];
    if (statements.some((s) => s.types)) fields.push(['types', (s) => text(s.types?.join(', ') ?? null)]);
    const grid = fields.map(([name, cellOf]) => [text(name), ...statements.map(cellOf)]);
    const columns = statements.length + 1;
    sheet.columns = Array.from({ length: columns }, (_, c) => ({
      width: Math.min(Math.max(...grid.map((r) => (r[c] as Cell).shown.length), 8), TEXT_CAP.description) + 2,
    }));
    grid.forEach((cells, r) => {
      const row = sheet.addRow(cells.map((c) => c.value));
      styleRow(
        row,
        cells.map((c, i) => (r === 0 || i === 0 ? this.headerStyle : c.style)),
      );
      row.commit();
    });
    sheet.commit();
  }
}

/** Gives every cell of the row its shared style object (a fresh one per cell costs exceljs a full style lookup). */
function styleRow(row: Row, styles: readonly Partial<Style>[]): void {
  for (let c = 0; c < styles.length; c++) row.getCell(c + 1).style = styles[c] as Partial<Style>;
}

/** The stream exceljs 4.4.0 queues a sheet's XML in for the zip (its StreamBuf's pipe), if it is there. */
function queueOf(sheet: Worksheet): (NodeJS.EventEmitter & { _writableState?: { length?: number } }) | undefined {
  const stream = (sheet as unknown as { stream?: { pipes?: (NodeJS.EventEmitter & { _writableState?: { length?: number } })[] } }).stream;
  return stream?.pipes?.[0];
}
