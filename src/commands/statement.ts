// `tally statement`: a profile's period rolled forward — opening, movements by type, closing — or every profile's.
import type { Context } from '../core/context.js';
import { formatInZone, formatSpanInZone } from '../core/dates.js';
import { ExitCode, exitCodeOf, messageLine, worstCode } from '../core/errors.js';
import { Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { profilesDone, startProgress } from '../output/progress.js';
import {
  amountText,
  failedStatementJson,
  type ProfileStatement,
  STATEMENT_CSV_HEADER_LINE,
  statementCsvRow,
  type StatementJson,
  statementJson,
  statementLines,
} from '../output/statement.js';
import { type Cell, type Column, fitWidths, painter, renderTable } from '../output/table.js';
import { assertOffers, openProvider } from '../providers/session.js';
import { forEachProfile, isFailure, type ProfileFailure, resolveTarget, type Target } from '../providers/target.js';
import { MOVEMENTS, type Movement, noMovements, totalMovement } from '../reconcile/rollforward.js';
import { statementOf } from '../reconcile/statement.js';
import { readPages } from './ledger/read.js';
import type { StatementOptions } from './statement.command.js';

/** A profile's statement, with the movements its ledger can have (shown at zero too). */
interface Row extends ProfileStatement {
  shown: readonly Movement[];
  purchasesOnly: boolean;
}

export async function run(ctx: Context, opts: StatementOptions): Promise<number> {
  const progress = startProgress(ctx, 'reading the ledger');
  if (!opts.all) {
    const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
    const row = await statementFor(ctx, target, opts).finally(() => progress?.fail());
    return report(ctx, [row], opts, false);
  }
  const each = (t: Target) => statementFor(ctx, t, opts, true);
  const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, each, profilesDone(progress));
  progress?.fail();
  return report(ctx, rows, opts, true);
}

async function statementFor(ctx: Context, target: Target, opts: StatementOptions, all = false): Promise<Row> {
  assertOffers(target, 'ledger');
  const purchasesOnly = target.provider.ledgerKind === 'purchases';
  const session = await openProvider(ctx, target);
  try {
    // --since is not sent: the read goes one entry past the period's start, for the balance carried in
    // under --all a warning names its profile, as ledger export --all's do
    const label = all ? (target.profile ?? undefined) : undefined;
    const pages = readPages(ctx, { target, session, filter: { until: opts.until }, label });
    const figures = await statementOf(pages, opts.since, purchasesOnly, who(target));
    const types = new Set<Movement>(Object.values(target.provider.entryTypes));
    if (purchasesOnly) types.add('consumption');
    return {
      profile: target.profile,
      provider: target.provider.id,
      since: opts.since,
      until: opts.until,
      zone: opts.zone,
      figures,
      shown: MOVEMENTS.filter((m) => types.has(m)),
      purchasesOnly,
    };
  } finally {
    await session.close();
  }
}

const who = (r: { profile: string | null; provider: string | { id: string } }) => {
  const id = typeof r.provider === 'string' ? r.provider : r.provider.id;
  return r.profile ? `${id} (profile ${r.profile})` : id;
};

/** "2026-11, 2026-11-01 00:00:00 → 2026-12-01 00:00:00 (UTC)": the period as the zone's clocks show it. */
function periodText(opts: StatementOptions): string {
  const span = formatSpanInZone(opts.since?.toISOString() ?? null, opts.until?.toISOString() ?? null, opts.zone);
  return opts.month ? `${opts.month}, ${span}` : span;
}

const money = (d: Decimal | null, unit: string | null) => amountText(d, unit) ?? '';

/** Why a statement does not hold, in one line, and where to look in a second. */
function failureLines(r: Row, opts: StatementOptions): [string, string] {
  const f = r.figures;
  const unit = f.unit ?? '';
  const head = `${who(r)}: the statement of ${periodText(opts)}`;
  if (f.opening === null || f.closing === null || f.difference === null) {
    return [`${head} cannot be rolled forward: no entry in it carries a balance`, 'its movements are shown; the balances are not known'];
  }
  const moved = totalMovement(f.movements);
  const line = `${head} does not roll forward: opening ${money(f.opening, unit)} + movements ${money(moved, unit)} = ${money(f.opening.add(moved), unit)} ${unit}, closing ${money(f.closing, unit)} ${unit} (difference ${money(f.difference, unit)})`;
  const b = f.boundary;
  if (b && f.carried) {
    const at = formatInZone(b.createdAt, r.zone);
    return [
      line,
      `the break is at the period's start: entry ${b.entryId} (${at} ${r.zone}) starts from ${money(b.startedFrom, unit)} ${unit}, but ${f.carried.id} before it left ${money(b.carried, unit)} ${unit}`,
    ];
  }
  const profile = r.profile ? ` -p ${r.profile}` : '';
  const since = r.since ? ` --since ${r.since.toISOString()}` : '';
  const until = r.until ? ` --until ${r.until.toISOString()}` : '';
  return [line, `find the entry with: tally${profile} reconcile${since}${until}`];
}

function jsonOf(r: Row | ProfileFailure, opts: StatementOptions): StatementJson {
  return isFailure(r) ? failedStatementJson(r, opts, { code: exitCodeOf(r.error), message: messageLine(r.error) }) : statementJson(r);
}

async function report(ctx: Context, rows: Array<Row | ProfileFailure>, opts: StatementOptions, many: boolean): Promise<number> {
  let code: number = ExitCode.ok;
  for (const r of rows) code = worstCode(code, isFailure(r) ? exitCodeOf(r.error) : r.figures.ok ? ExitCode.ok : ExitCode.checkFailed);

  if (opts.format === 'json') {
    const json = rows.map((r) => jsonOf(r, opts));
    writeJson(ctx.io, many ? json : json[0]);
  } else if (opts.format === 'csv') {
    ctx.io.out(STATEMENT_CSV_HEADER_LINE + rows.map((r) => statementCsvRow(jsonOf(r, opts))).join(''));
  } else {
    if (!ctx.options.quiet) await summary(ctx, rows, opts, many);
    await (many ? renderAll(ctx, rows) : renderOne(ctx, rows[0] as Row));
  }
  // a statement that does not hold is the answer, said on stderr as a check that failed; -q leaves it to the data
  if (!ctx.options.quiet) {
    for (const r of rows) {
      if (isFailure(r) || r.figures.ok) continue;
      const [line, where] = failureLines(r, opts);
      ctx.io.err(`tally: ${line}\n  ${where}\n`);
    }
  }
  // with --quiet no table says why a profile failed: stderr does (cron mails it)
  if (many && (ctx.options.quiet || opts.format !== 'table')) {
    // the error names the provider and profile already, as in balance
    for (const r of rows) if (isFailure(r)) ctx.io.err(`tally: ${r.profile ?? r.provider}: ${messageLine(r.error)}\n`);
  }
  return code;
}

/** The lines above the table, on stderr: what the period is, in which zone, and what the figures rest on. */
async function summary(ctx: Context, rows: Array<Row | ProfileFailure>, opts: StatementOptions, many: boolean): Promise<void> {
  const paint = await painter(ctx.io.colorStderr);
  const verdict = (ok: boolean) => (ok ? paint('positive', 'rolls forward') : paint('negative', 'does not roll forward'));
  if (many) {
    const done = rows.filter((r): r is Row => !isFailure(r));
    const holding = done.filter((r) => r.figures.ok).length;
    const failed = rows.length - done.length;
    const parts = [
      `${rows.length} profile${rows.length === 1 ? '' : 's'}`,
      `${holding} roll${holding === 1 ? 's' : ''} forward`,
      ...(done.length > holding ? [paint('negative', `${done.length - holding} do${done.length - holding === 1 ? 'es' : ''} not`)] : []),
      ...(failed > 0 ? [paint('negative', `${failed} failed`)] : []),
    ];
    ctx.io.err(`statements of ${periodText(opts)}: ${parts.join(', ')}\n`);
  } else {
    const r = rows[0] as Row;
    const n = r.figures.entries;
    ctx.io.err(`${who(r)}: statement of ${periodText(opts)}: ${n} entr${n === 1 ? 'y' : 'ies'}, ${verdict(r.figures.ok)}\n`);
    const carried = r.figures.carried;
    if (carried) {
      const at = formatInZone(carried.createdAt, r.zone);
      ctx.io.err(`note: the opening is the balance after ${carried.id} (${at} ${r.zone}), the last entry before the period\n`);
    }
    const other = r.figures.beforeInOtherUnit;
    if (other) {
      const at = formatInZone(other.createdAt, r.zone);
      ctx.io.err(
        `note: the last entry before the period, ${other.id} (${at} ${r.zone}), is in ${other.unit}, so the opening is what the period's first entry started from\n`,
      );
    }
    if (n === 0 && !carried) ctx.io.err('note: the ledger has no entry in the period or before it: there is no balance to state\n');
    if (r.purchasesOnly) {
      ctx.io.err(
        `note: ${r.provider} lists purchases only: consumption is the drop in balance between purchases, counted in the period of the purchase that shows it\n`,
      );
    }
  }
  if (opts.defaulted) {
    ctx.io.err(`note: no period given: the last complete month in ${opts.zone}; choose another with --month, or --since and --until\n`);
  }
  // a month still running changes with every run: its last balance is no month-end figure yet
  if (opts.until === undefined || opts.until.getTime() > ctx.now().getTime()) {
    ctx.io.err('note: the period has not ended: its closing is the balance so far\n');
  }
}

/** One profile: its line items, opening to closing. */
async function renderOne(ctx: Context, r: Row): Promise<void> {
  const unit = r.figures.unit;
  await renderTable(
    ctx.io,
    [{ header: 'ITEM' }, { header: unit ? `AMOUNT (${unit})` : 'AMOUNT', kind: 'amount' }],
    statementLines(r.figures, r.shown).map((l): Cell[] =>
      l.item === 'difference'
        ? [
            { text: l.item, tone: 'negative' },
            { text: l.amount ?? '', tone: 'negative' },
          ]
        : [l.item, l.amount ?? ''],
    ),
  );
}

/**
 * Every profile: a row each, then a total row per unit. A movement column no profile can have is blank
 * (and not shown on a terminal). A terminal too narrow for every movement gets their sum in one column
 * instead: a few movements beside the opening and closing would read as if they were all. The entry count,
 * then the provider, give way before that; the profile, unit, balances and result stay.
 */
async function renderAll(ctx: Context, rows: Array<Row | ProfileFailure>): Promise<void> {
  const head = (movements: Column[]): Column[] => [
    { header: 'PROFILE' },
    { header: 'PROVIDER', dropRank: 2 },
    { header: 'UNIT' },
    { header: 'OPENING', kind: 'amount' },
    ...movements,
    { header: 'CLOSING', kind: 'amount' },
    { header: 'ENTRIES', kind: 'amount', dropRank: 1 },
    { header: 'RESULT', free: true },
  ];
  // the movements give way last, and together (below)
  const byType = head(MOVEMENTS.map((m): Column => ({ header: m.toUpperCase(), kind: 'amount', dropRank: 3 })));
  const blank = (n: number) => new Array<Cell>(n).fill('');
  const line = (r: Row | ProfileFailure, net: boolean): Cell[] => {
    if (isFailure(r)) {
      return [
        r.profile ?? '(env)',
        r.provider,
        ...blank((net ? 1 : MOVEMENTS.length) + 4),
        { text: `error: ${r.error.message}`, tone: 'error' },
      ];
    }
    const f = r.figures;
    const shown = (m: Movement) => r.shown.includes(m) || f.movements[m].units !== 0n;
    return [
      r.profile ?? '(env)',
      r.provider,
      f.unit ?? '',
      money(f.opening, f.unit),
      ...(net ? [money(totalMovement(f.movements), f.unit)] : MOVEMENTS.map((m) => (shown(m) ? money(f.movements[m], f.unit) : ''))),
      money(f.closing, f.unit),
      String(f.entries),
      f.ok
        ? { text: 'rolls forward', tone: 'positive' }
        : { text: f.difference === null ? 'no balances' : `difference ${money(f.difference, f.unit)}`, tone: 'negative' },
    ];
  };
  const totals = [...byUnit(rows)].map(([unit, group]) => totalRow(unit, group));
  const full = [...rows.map((r) => line(r, false)), ...totals.map((t) => t.byType)];
  const widths = fitWidths(byType, full, ctx.io.columns);
  const text = (c: Cell | undefined) => (c === undefined ? '' : typeof c === 'string' ? c : c.text).trim();
  const movementDropped = MOVEMENTS.some((_, k) => widths[4 + k] === null && full.some((r) => text(r[4 + k]) !== ''));
  if (!ctx.io.stdoutIsTTY || !movementDropped) {
    await renderTable(ctx.io, byType, full);
    return;
  }
  await renderTable(ctx.io, head([{ header: 'MOVEMENTS', kind: 'amount' }]), [
    ...rows.map((r) => line(r, true)),
    ...totals.map((t) => t.net),
  ]);
}

/** The profiles' statements grouped by unit, in the order the units first appear. */
function byUnit(rows: Array<Row | ProfileFailure>): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    if (isFailure(r) || r.figures.unit === null) continue;
    groups.set(r.figures.unit, [...(groups.get(r.figures.unit) ?? []), r]);
  }
  return groups;
}

/** A unit's total row, with the movements by type and as one sum. */
function totalRow(unit: string, group: Row[]): { byType: Cell[]; net: Cell[] } {
  const sum = (pick: (r: Row) => Decimal | null) => group.reduce((s, r) => s.add(pick(r) ?? Decimal.ZERO), Decimal.ZERO);
  const movements = noMovements();
  for (const r of group) for (const m of MOVEMENTS) movements[m] = movements[m].add(r.figures.movements[m]);
  const shown = new Set(group.flatMap((r) => r.shown));
  const holding = group.every((r) => r.figures.ok);
  const start: Cell[] = [
    { text: '(total)', tone: 'muted' },
    '',
    unit,
    formatAmount(
      sum((r) => r.figures.opening),
      unit,
    ),
  ];
  const end: Cell[] = [
    formatAmount(
      sum((r) => r.figures.closing),
      unit,
    ),
    String(group.reduce((n, r) => n + r.figures.entries, 0)),
    `${group.length} profile${group.length === 1 ? '' : 's'}${holding ? '' : ', not all roll forward'}`,
  ];
  return {
    byType: [
      ...start,
      ...MOVEMENTS.map((m) => (shown.has(m) || movements[m].units !== 0n ? formatAmount(movements[m], unit) : '')),
      ...end,
    ],
    net: [...start, formatAmount(totalMovement(movements), unit), ...end],
  };
}
