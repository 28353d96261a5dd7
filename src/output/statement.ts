// A statement's shapes (SPEC §8): its JSON, its CSV row (the same fields flattened) and its line items.
import { formatAmount } from '../core/money.js';
import type { Decimal } from '../core/money.js';
import { MOVEMENTS, type Movement } from '../reconcile/rollforward.js';
import type { StatementFigures } from '../reconcile/statement.js';
import { textCell } from './ledger.js';

/** A profile's statement of a period, as the command (and a workbook's statement sheet) reports it. */
export interface ProfileStatement {
  profile: string | null;
  provider: string;
  /** The period: from, inclusive, to, exclusive; undefined where it is open (the ledger's start, its newest entry). */
  since?: Date;
  until?: Date;
  /** The zone the period was read in. */
  zone: string;
  figures: StatementFigures;
}

export interface StatementJson {
  profile: string | null;
  provider: string;
  unit: string | null;
  from: string | null;
  to: string | null;
  zone: string;
  opening: string | null;
  movements: Record<Movement, string> | null;
  closing: string | null;
  entries: number;
  ok: boolean;
  difference: string | null;
  error?: { code: number; message: string };
}

/** An amount at its unit's decimals; with no entry to tell the unit (an empty ledger), as it is. */
export const amountText = (d: Decimal | null, unit: string | null): string | null =>
  d === null ? null : unit === null ? d.toString() : formatAmount(d, unit);
const amount = amountText;

export function statementJson(s: ProfileStatement): StatementJson {
  const f = s.figures;
  return {
    profile: s.profile,
    provider: s.provider,
    unit: f.unit,
    from: s.since?.toISOString() ?? null,
    to: s.until?.toISOString() ?? null,
    zone: s.zone,
    opening: amount(f.opening, f.unit),
    movements: Object.fromEntries(MOVEMENTS.map((m) => [m, amount(f.movements[m], f.unit)])) as Record<Movement, string>,
    closing: amount(f.closing, f.unit),
    entries: f.entries,
    ok: f.ok,
    difference: amount(f.difference, f.unit),
  };
}

/** A profile whose statement could not be made, in the same shape, with its error. */
export function failedStatementJson(
  row: { profile: string | null; provider: string },
  period: { since?: Date; until?: Date; zone: string },
  error: { code: number; message: string },
): StatementJson {
  return {
    profile: row.profile,
    provider: row.provider,
    unit: null,
    from: period.since?.toISOString() ?? null,
    to: period.until?.toISOString() ?? null,
    zone: period.zone,
    opening: null,
    movements: null,
    closing: null,
    entries: 0,
    ok: false,
    difference: null,
    error,
  };
}

/** `--csv`: one row per profile, the movements flattened into a column each, and the error of a profile that failed. */
export const STATEMENT_CSV_HEADER = [
  'profile',
  'provider',
  'unit',
  'from',
  'to',
  'zone',
  'opening',
  ...MOVEMENTS,
  'closing',
  'entries',
  'ok',
  'difference',
  'error',
] as const;

export const STATEMENT_CSV_HEADER_LINE = `${STATEMENT_CSV_HEADER.join(',')}\r\n`;

/** One statement as a CSV record (RFC 4180, CRLF); text cells are guarded against formulas, as in the ledger CSV. */
export function statementCsvRow(j: StatementJson): string {
  const cells = [
    textCell(j.profile),
    textCell(j.provider),
    textCell(j.unit),
    j.from ?? '',
    j.to ?? '',
    textCell(j.zone),
    j.opening ?? '',
    ...MOVEMENTS.map((m) => j.movements?.[m] ?? ''),
    j.closing ?? '',
    String(j.entries),
    String(j.ok),
    j.difference ?? '',
    textCell(j.error?.message ?? null),
  ];
  return `${cells.join(',')}\r\n`;
}

/** A statement's line items, top to bottom: the opening, each movement shown, the closing, and a difference that is not zero. */
export function statementLines(f: StatementFigures, shown: readonly Movement[]): Array<{ item: string; amount: string | null }> {
  const lines: Array<{ item: string; amount: string | null }> = [{ item: 'opening', amount: amount(f.opening, f.unit) }];
  for (const m of MOVEMENTS) {
    // a movement the ledger can have is shown at zero too; one it cannot have only when something moved there
    if (shown.includes(m) || f.movements[m].units !== 0n) lines.push({ item: m, amount: amount(f.movements[m], f.unit) });
  }
  lines.push({ item: 'closing', amount: amount(f.closing, f.unit) });
  if (!f.ok) lines.push({ item: 'difference', amount: amount(f.difference, f.unit) });
  return lines;
}
