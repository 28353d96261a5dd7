// `tally reconcile`: prove a ledger adds up — live, from an exported file, or incrementally from a checkpoint.
import type { Context } from '../core/context.js';
import { formatInZone, formatSpanInZone } from '../core/dates.js';
import { ExitCode, exitCodeOf, messageLine, worstCode } from '../core/errors.js';
import { capYoungGeneration, RECONCILE_YOUNG_GENERATION_CAP } from '../core/memory.js';
import { type Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { profilesDone, startProgress } from '../output/progress.js';
import { painter, renderTable } from '../output/table.js';
import { forEachProfile, isFailure, type ProfileFailure, resolveTarget, type Target } from '../providers/target.js';
import type { Issue } from '../reconcile/check.js';
import { reconcileLive } from '../reconcile/live.js';
import { reconcileFile } from '../reconcile/offline.js';
import type { Report } from '../reconcile/report.js';
import type { ReconcileOptions } from './reconcile.command.js';

export async function run(ctx: Context, opts: ReconcileOptions): Promise<number> {
  capYoungGeneration(RECONCILE_YOUNG_GENERATION_CAP);
  if (opts.file) return output(ctx, [await reconcileFile(ctx, opts, opts.file)], opts, false);
  if (!opts.all) {
    const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
    const progress = startProgress(ctx, 'reconciling');
    const report = await reconcileLive(ctx, target, opts).finally(() => progress?.fail());
    return output(ctx, [report], opts, false);
  }
  const progress = startProgress(ctx, 'reconciling');
  const each = (t: Target) => reconcileLive(ctx, t, opts);
  const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, each, profilesDone(progress));
  progress?.fail();
  return output(ctx, rows, opts, true);
}

function amountText(value: Decimal | null, unit: string | null): string | null {
  return value === null ? null : formatAmount(value, unit ?? 'credits');
}

function issueJson(i: Issue, unit: string | null) {
  return {
    kind: i.kind,
    entryId: i.entryId,
    previousId: i.previousId,
    expected: amountText(i.expected, unit),
    actual: amountText(i.actual, unit),
    delta: amountText(i.delta, unit),
    createdAt: i.createdAt,
    message: i.message,
  };
}

/** What --tolerance let pass, in words: "--tolerance 0.05 absorbed 2 differences, the largest 0.03"; null when nothing. */
function toleratedText(r: Report, tolerance: Decimal): string | null {
  const { count, largest } = r.tolerated;
  if (count === 0 || largest === null) return null;
  const size = amountText(largest, r.unit);
  const what = count === 1 ? `1 difference of ${size}` : `${count} differences, the largest ${size}`;
  return `--tolerance ${tolerance.toString()} absorbed ${what}`;
}

/** `withinTolerance` in --json (a name SPEC's report does not use), only when the tolerance absorbed a difference. */
function toleratedJson(r: Report, tolerance: Decimal) {
  const { count, largest } = r.tolerated;
  if (count === 0 || largest === null) return {};
  return { withinTolerance: { tolerance: tolerance.toString(), count, largest: amountText(largest, r.unit) } };
}

/** The verdict: `clean` ("no issues", "ok") or "2 issues", and what the tolerance absorbed. */
function verdictText(r: Report, tolerance: Decimal, clean = 'no issues'): string {
  const verdict = r.issueCount === 0 ? clean : `${r.issueCount} issue${r.issueCount === 1 ? '' : 's'}`;
  const absorbed = toleratedText(r, tolerance);
  return absorbed ? `${verdict} (${absorbed})` : verdict;
}

function reportJson(r: Report, tolerance: Decimal) {
  return {
    profile: r.profile,
    provider: r.provider,
    checked: r.checked,
    ok: r.issueCount === 0,
    opening: amountText(r.opening, r.unit),
    closing: amountText(r.closing, r.unit),
    currentBalance: amountText(r.currentBalance, r.unit),
    issues: r.issues.map((i) => issueJson(i, r.unit)),
    ...(r.checkpoint !== undefined ? { checkpoint: r.checkpoint } : {}),
    ...toleratedJson(r, tolerance),
  };
}

async function output(
  ctx: Context,
  rows: Array<Report | ProfileFailure>,
  opts: Pick<ReconcileOptions, 'tolerance'>,
  many: boolean,
): Promise<number> {
  let code: number = ExitCode.ok;
  for (const r of rows) code = worstCode(code, isFailure(r) ? exitCodeOf(r.error) : r.issueCount > 0 ? ExitCode.checkFailed : ExitCode.ok);
  if (ctx.options.json) {
    const json = rows.map((r) =>
      isFailure(r)
        ? {
            profile: r.profile,
            provider: r.provider,
            checked: 0,
            ok: false,
            opening: null,
            closing: null,
            currentBalance: null,
            issues: [],
            error: { code: exitCodeOf(r.error), message: messageLine(r.error) },
          }
        : reportJson(r, opts.tolerance),
    );
    writeJson(ctx.io, many ? json : json[0]);
    return code;
  }
  if (many) {
    // -q is data only: the profiles that failed, and nothing when all are clean (a cron line mails nothing)
    const shown = ctx.options.quiet ? rows.filter((r) => isFailure(r) || r.issueCount > 0) : rows;
    if (shown.length === 0) return code;
    // narrow: each profile and its result (an error whole) stay; the opening balance, the count, the
    // closing balance, its unit and the provider give way, in that order
    await renderTable(
      ctx.io,
      [
        { header: 'PROFILE' },
        { header: 'PROVIDER', dropRank: 5 },
        { header: 'CHECKED', kind: 'amount', dropRank: 2 },
        { header: 'OPENING', kind: 'amount', dropRank: 1 },
        { header: 'CLOSING', kind: 'amount', dropRank: 3 },
        { header: 'UNIT', dropRank: 4 },
        { header: 'RESULT', free: true },
      ],
      shown.map((r) =>
        isFailure(r)
          ? [r.profile ?? '(env)', r.provider, '', '', '', '', { text: `error: ${messageLine(r.error)}`, tone: 'error' as const }]
          : [
              r.profile ?? '(env)',
              r.provider ?? '',
              String(r.checked),
              amountText(r.opening, r.unit) ?? '',
              amountText(r.closing, r.unit) ?? '',
              r.unit ?? '',
              r.issueCount === 0
                ? { text: verdictText(r, opts.tolerance, 'ok'), tone: 'positive' as const }
                : { text: verdictText(r, opts.tolerance), tone: 'negative' as const },
            ],
      ),
    );
    return code;
  }
  const r = rows[0] as Report;
  // the summary and notes are about the table, not in it: stdout carries the table alone (a pipe gets one
  // header line and the rows), whether stdout is a terminal or not, so `2>/dev/null` always leaves the data
  if (!ctx.options.quiet) {
    ctx.io.err(`${summaryLine(ctx, r, opts.tolerance, await painter(ctx.io.colorStderr))}\n`);
    for (const note of r.notes) ctx.io.err(`note: ${note}\n`);
  }
  // a terminal needs no empty table under "no issues"; a pipe gets the header alone, the shape of a full one,
  // except under -q, where no data is no output (a cron line mails nothing on a clean run)
  if (r.issues.length > 0 || (!ctx.io.stdoutIsTTY && !ctx.options.quiet)) {
    // narrow: the kind, the entry and the message stay; what the message already says (the previous entry,
    // the expected and actual balances) gives way first, then when it was, then the delta
    await renderTable(
      ctx.io,
      [
        { header: 'KIND' },
        { header: 'ENTRY' },
        { header: 'PREVIOUS', dropRank: 1 },
        { header: 'EXPECTED', kind: 'amount', dropRank: 2 },
        { header: 'ACTUAL', kind: 'amount', dropRank: 3 },
        { header: 'DELTA', kind: 'amount', dropRank: 5 },
        { header: `CREATED AT (${ctx.options.zone})`, dropRank: 4 },
        { header: 'MESSAGE', free: true },
      ],
      r.issues.map((i) => [
        { text: i.kind, tone: 'negative' as const },
        i.entryId ?? '',
        i.previousId ?? '',
        amountText(i.expected, r.unit) ?? '',
        amountText(i.actual, r.unit) ?? '',
        amountText(i.delta, r.unit) ?? '',
        i.createdAt ? formatInZone(i.createdAt, ctx.options.zone) : '',
        i.message,
      ]),
    );
    if (r.issueCount > r.issues.length && !ctx.options.quiet)
      ctx.io.err(`… and ${r.issueCount - r.issues.length} more issues (the first ${r.issues.length} are shown)\n`);
  }
  return code;
}

function summaryLine(ctx: Context, r: Report, tolerance: Decimal, paint: Awaited<ReturnType<typeof painter>>): string {
  const zone = ctx.options.zone;
  const who = r.profile ? `${r.provider} (profile ${r.profile})` : (r.provider ?? 'export');
  const period = r.from && r.to ? `, ${formatSpanInZone(r.from, r.to, zone)}` : '';
  const unit = r.unit ? ` ${r.unit}` : '';
  // a ledger whose unit changes (a unit_change) opens in one unit and closes in another: each is named
  const openingUnit = r.openingUnit ? ` ${r.openingUnit}` : '';
  const balances =
    r.opening && r.closing
      ? `, opening ${amountText(r.opening, r.openingUnit ?? r.unit)}${openingUnit} → closing ${amountText(r.closing, r.unit)}${unit}`
      : '';
  const live = r.currentBalance ? `, live balance ${amountText(r.currentBalance, r.unit)}${unit}` : '';
  const verdict = paint(r.issueCount === 0 ? 'positive' : 'negative', verdictText(r, tolerance));
  const count = `${r.checked} ${r.resumedFrom ? 'new ' : ''}entr${r.checked === 1 ? 'y' : 'ies'} checked`;
  const since = r.resumedFrom ? ` since checkpoint ${r.resumedFrom.id} (${formatInZone(r.resumedFrom.createdAt, zone)} ${zone})` : '';
  return `${who}: ${count}${since}${r.checked > 0 ? `${period}${balances}` : ''}${live}; ${verdict}`;
}
