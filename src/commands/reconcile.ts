// `tally reconcile`: prove a ledger adds up — live, from an exported file, or incrementally from a checkpoint.
import { statSync } from 'node:fs';
import type { Context } from '../core/context.js';
import { formatInZone, formatSpanInZone } from '../core/dates.js';
import { ExitCode, exitCodeOf, ProviderError } from '../core/errors.js';
import { capYoungGeneration, RECONCILE_YOUNG_GENERATION_CAP } from '../core/memory.js';
import { Decimal, formatAmount } from '../core/money.js';
import { writeJson } from '../output/json.js';
import { profilesDone, startProgress } from '../output/progress.js';
import { painter, renderTable } from '../output/table.js';
import { assertOffers, openProvider, type ProviderSession, unsupported } from '../providers/session.js';
import { forEachProfile, isFailure, type ProfileFailure, resolveTarget, type Target } from '../providers/target.js';
import { findProvider } from '../providers/registry.js';
import type { Balance, LedgerEntry } from '../providers/types.js';
import { ChainChecker, type CheckEntry, type CheckResult, type Issue, makeIssue } from '../reconcile/check.js';
import {
  type Checkpoint,
  checkpointKey,
  checkpointOf,
  CheckpointStore,
  extendBlocks,
  HistoryDigest,
  HistoryVerifier,
} from '../reconcile/checkpoint.js';
import { detectFormat, readExportFile } from '../reconcile/file.js';
import { applyFilter, inFilter } from '../providers/shared/filter.js';
import type { ReconcileOptions } from './reconcile.command.js';

/** One reconciliation's outcome (SPEC §4 `reconcile --json`), plus what the human report also says. */
export interface Report {
  profile: string | null;
  provider: string | null;
  unit: string | null;
  checked: number;
  opening: Decimal | null;
  closing: Decimal | null;
  currentBalance: Decimal | null;
  issues: Issue[];
  issueCount: number;
  from: string | null;
  to: string | null;
  /** Checks not made and why (offline, no balance endpoint, a filtered period). */
  notes: string[];
  /** The checkpoint the run started from, when it did. */
  resumedFrom?: { id: string; createdAt: string };
  /** On a --checkpoint run: the checkpoint used, or null when there was none (or it was reset). */
  checkpoint?: { id: string; createdAt: string; verifiedAt: string } | null;
}

export async function run(ctx: Context, opts: ReconcileOptions): Promise<number> {
  capYoungGeneration(RECONCILE_YOUNG_GENERATION_CAP);
  if (opts.file) return output(ctx, [await reconcileFile(ctx, opts, opts.file)], false);
  if (!opts.all) {
    const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
    const progress = startProgress(ctx, 'reconciling');
    const report = await reconcileLive(ctx, target, opts).finally(() => progress?.fail());
    return output(ctx, [report], false);
  }
  const progress = startProgress(ctx, 'reconciling');
  const each = (t: Target) => reconcileLive(ctx, t, opts);
  const rows = await forEachProfile(ctx.options, ctx.env, ctx.config(), ctx.configDir, each, profilesDone(progress));
  progress?.fail();
  return output(ctx, rows, true);
}

/** A purchase came in while a purchases-only history was read: the totals no longer describe it. */
class PurchasedDuringRead extends ProviderError {
  constructor() {
    super('purchases kept coming in while the history was read', 'run reconcile again');
  }
}

const toCheck = (e: LedgerEntry): CheckEntry => e;

function within(a: Decimal, b: Decimal, tolerance: Decimal): boolean {
  return a.eq(b) || a.sub(b).abs().cmp(tolerance) <= 0;
}

function mismatch(kind: Issue['kind'], expected: Decimal, actual: Decimal, fields: Partial<Issue> & { message: string }): Issue {
  return makeIssue(kind, { expected, actual, delta: actual.sub(expected), ...fields });
}

/** The newest entry now: one page, a fresh read. */
async function newestEntry(ctx: Context, session: ProviderSession): Promise<LedgerEntry | null> {
  // only the head matters here: the full read reports any entry listed twice
  const read = session.adapter.ledger?.(session.pctx, { startedAt: ctx.now(), onRepeat: () => undefined });
  if (!read) return null;
  for await (const page of read.pages) return page[0] ?? null;
  return null;
}

/** Attempts at a snapshot the ledger did not move through, before giving up (exit 4, never a verdict). */
const STABLE_ATTEMPTS = 10;

/**
 * The live balance and the newest entry as of one moment: the balance is read between two reads of the
 * newest entry, and only counts when both reads agree (nothing posted meanwhile).
 */
async function stableHead(ctx: Context, session: ProviderSession): Promise<{ entry: LedgerEntry; balance: Balance } | null> {
  const balanceOf = session.adapter.balance;
  if (!balanceOf) return null;
  for (let attempt = 0; attempt < STABLE_ATTEMPTS; attempt++) {
    const before = await newestEntry(ctx, session);
    const balance = await balanceOf(session.pctx);
    const after = await newestEntry(ctx, session);
    if (!before || !after) return null;
    if (before.id === after.id && before.balanceAfter?.toString() === after.balanceAfter?.toString()) return { entry: after, balance };
  }
  throw new ProviderError(
    `${session.adapter.info.id}: the ledger kept changing while tally compared its newest entry with the live balance`,
    'run reconcile again when the account is quieter',
  );
}

export async function reconcileLive(ctx: Context, target: Target, opts: ReconcileOptions): Promise<Report> {
  assertOffers(target, 'reconcile');
  const purchasesOnly = target.provider.ledgerKind === 'purchases';
  const label = target.profile ? `profile ${target.profile}` : `${target.provider.id} at ${target.baseUrl.host}`;
  const store = opts.checkpoint
    ? new CheckpointStore(ctx.configDir, checkpointKey(target.provider.id, target.baseUrl.href, target.key), label)
    : undefined;
  await store?.lock(ctx.now());
  const unregister = ctx.onCleanup(() => store?.unlock());
  try {
    if (opts.resetCheckpoint) store?.remove();
    const checkpoint = opts.resetCheckpoint ? null : (store?.read() ?? null);
    const session = await openProvider(ctx, target);
    try {
      let outcome: Awaited<ReturnType<typeof check>> | undefined;
      for (let attempt = 1; !outcome; attempt++) {
        try {
          outcome = await check(ctx, target, session, opts, checkpoint, purchasesOnly);
        } catch (error) {
          if (!(error instanceof PurchasedDuringRead) || attempt >= STABLE_ATTEMPTS) throw error;
        }
      }
      // only a clean run moves the checkpoint forward
      if (store && outcome.report.issueCount === 0 && outcome.newest) store.write(outcome.newest);
      return outcome.report;
    } finally {
      await session.close();
    }
  } finally {
    store?.unlock();
    unregister();
  }
}

async function check(
  ctx: Context,
  target: Target,
  session: ProviderSession,
  opts: ReconcileOptions,
  checkpoint: Checkpoint | null,
  purchasesOnly: boolean,
): Promise<{ report: Report; newest: Checkpoint | null }> {
  const { adapter, pctx } = session;
  const notes: string[] = [];
  const extra: Issue[] = [];
  // --full: everything is read and checked from zero, and compared block by block with the digest
  const full = opts.full && checkpoint !== null;
  const wholeHistory = !opts.since && !opts.until && (!checkpoint || full);
  const digest = opts.checkpoint ? new HistoryDigest() : undefined;
  const verifier = full ? new HistoryVerifier(checkpoint.blocks) : undefined;
  // the live balance first: an entry posting during the read then shows as a newer head, re-checked below
  const live: Balance | null = adapter.balance ? await adapter.balance(pctx) : null;
  const checker = new ChainChecker({
    direction: 'desc',
    tolerance: opts.tolerance,
    mode: purchasesOnly ? 'purchases' : 'chain',
    fromZero: wholeHistory,
    idsUnique: true,
  });
  let fresh = 0;
  // an entry listed twice in a row reaches the checker as a `duplicate`, never as a second entry
  const onRepeat = (e: LedgerEntry) => {
    if (!inFilter(e, { since: opts.since, until: opts.until })) return;
    fresh++;
    checker.repeated(toCheck(e));
  };
  // the provider's total is not this read's when it stops early: at the checkpoint, or past a --since applied here
  const onPage = ctx.activity.read({ total: () => !(checkpoint && !full) && !(opts.since && !read?.applied.since) });
  const read = adapter.ledger?.(pctx, { since: opts.since, until: opts.until, startedAt: ctx.now(), onRepeat, onPage });
  if (!read) throw unsupported(target, 'reconcile');
  let head: LedgerEntry | null = null;
  let anchor: LedgerEntry | null = null;
  let gone = false;
  reading: for await (const page of applyFilter(read.pages, { since: opts.since, until: opts.until }, read.applied)) {
    for (const e of page) {
      if (checkpoint && !full) {
        if (e.id === checkpoint.id) {
          anchor = e;
          break reading;
        }
        if (e.createdAt < checkpoint.createdAt) {
          gone = true;
          break reading;
        }
      }
      head ??= e;
      fresh++;
      checker.push(toCheck(e));
      digest?.add(e);
      verifier?.add(e);
    }
  }
  const changed = verifier?.firstChanged();
  if (checkpoint && changed) {
    const [from, to, count] = changed.block;
    const blocks = checkpoint.blocks.length;
    const now = changed.now ? `${changed.now.count} entries read there now` : `entry ${to} is no longer in the ledger`;
    extra.push(
      makeIssue('checkpoint_mismatch', {
        entryId: from,
        message: `history verified before changed: the first change is among the ${count} entries from ${from} to ${to} (block ${changed.index + 1} of ${blocks}, ${now})`,
      }),
    );
  }
  if (checkpoint && !full) {
    if (anchor) {
      const was = checkpoint.balanceAfter;
      const now = anchor.balanceAfter === null ? null : formatAmount(anchor.balanceAfter, anchor.unit);
      if (anchor.createdAt !== checkpoint.createdAt || was !== now) {
        extra.push(
          makeIssue('checkpoint_mismatch', {
            entryId: anchor.id,
            expected: was === null ? null : Decimal.parse(was),
            actual: anchor.balanceAfter,
            delta: was !== null && anchor.balanceAfter ? anchor.balanceAfter.sub(Decimal.parse(was)) : null,
            createdAt: anchor.createdAt,
            message: `checkpoint entry ${anchor.id} changed since it was verified (was ${checkpoint.createdAt}, balance ${was ?? 'none'}): history was rewritten`,
          }),
        );
      }
      // the new entries must continue from the verified one
      checker.push(toCheck(anchor));
    } else {
      extra.push(
        makeIssue('checkpoint_mismatch', {
          entryId: checkpoint.id,
          createdAt: checkpoint.createdAt,
          message: `checkpoint entry ${checkpoint.id} (${checkpoint.createdAt}) is ${gone ? 'no longer in the ledger' : 'missing'}: history under the checkpoint was rewritten`,
        }),
      );
    }
  }
  const result = checker.finish();
  const newestNow = head ?? anchor;

  // head: the newest entry against the live balance, re-read once if entries posted in between
  if (live && live.source === 'newest transaction') {
    notes.push(
      `${target.provider.id} has no balance endpoint, so the head was not checked (its balance is the newest transaction's balance_after)`,
    );
  } else if (live?.balance && !purchasesOnly) {
    if (opts.until) notes.push('--until leaves out the newest entries, so the head was not checked against the live balance');
    else if (newestNow?.balanceAfter && !within(newestNow.balanceAfter, live.balance, opts.tolerance)) {
      // they may differ only because entries posted since the balance was read: compare a still snapshot
      const snapshot = await stableHead(ctx, session);
      const top = snapshot?.entry;
      const now = snapshot?.balance.balance;
      if (top?.balanceAfter && now && within(top.balanceAfter, now, opts.tolerance)) {
        notes.push('entries posted while the ledger was read; the newest entry agrees with the live balance');
      } else if (top?.balanceAfter && now) {
        extra.push(
          mismatch('head_mismatch', top.balanceAfter, now, {
            entryId: top.id,
            createdAt: top.createdAt,
            message: `the live balance ${formatAmount(now, snapshot.balance.unit)} differs from the newest entry's balance_after ${formatAmount(top.balanceAfter, top.unit)}`,
          }),
        );
      }
    }
  }

  // identities the provider exposes
  if (live?.balance && live.available && live.reserved) {
    const sum = live.available.add(live.reserved);
    if (!within(live.balance, sum, opts.tolerance)) {
      extra.push(
        mismatch('identity_mismatch', sum, live.balance, {
          message: `balance ${formatAmount(live.balance, live.unit)} should equal available + reserved (${formatAmount(sum, live.unit)})`,
        }),
      );
    }
  }
  let totals: { purchased: Decimal; consumedBetween: Decimal } | null = null;
  // judged against totals read after the history; they hold for it only if no purchase came in meanwhile
  const after = purchasesOnly && live?.totals && adapter.balance ? await adapter.balance(pctx) : null;
  if (after?.totals && live?.totals && !after.totals.purchased.eq(live.totals.purchased)) throw new PurchasedDuringRead();
  if (purchasesOnly && after?.balance && after.totals) {
    const { purchased, consumed } = after.totals;
    const unit = after.unit;
    const balanceNow = after.balance;
    const expectedBalance = purchased.sub(consumed);
    if (!within(balanceNow, expectedBalance, opts.tolerance)) {
      extra.push(
        mismatch('identity_mismatch', expectedBalance, balanceNow, {
          message: `balance ${formatAmount(balanceNow, unit)} should equal total_purchased - total_consumed (${formatAmount(expectedBalance, unit)})`,
        }),
      );
    }
    if (wholeHistory || (checkpoint?.purchased !== undefined && anchor)) {
      // resuming: the checkpoint's sums cover history up to and including the anchor, which was read again
      const base =
        checkpoint?.purchased !== undefined && anchor
          ? {
              purchased: Decimal.parse(checkpoint.purchased).sub(anchor.amount),
              consumedBetween: Decimal.parse(checkpoint.consumedBetween ?? '0'),
            }
          : { purchased: Decimal.ZERO, consumedBetween: Decimal.ZERO };
      totals = {
        purchased: base.purchased.add(result.purchases.purchased),
        consumedBetween: base.consumedBetween.add(result.purchases.consumedBetween),
      };
      if (!within(totals.purchased, purchased, opts.tolerance)) {
        extra.push(
          mismatch('identity_mismatch', totals.purchased, purchased, {
            message: `total_purchased ${formatAmount(purchased, unit)} should equal the sum of purchases in the history (${formatAmount(totals.purchased, unit)})`,
          }),
        );
      }
      const newestBalance = newestNow?.balanceAfter ?? Decimal.ZERO;
      const consumedExpected = totals.consumedBetween.add(newestBalance.sub(balanceNow));
      if (!within(consumed, consumedExpected, opts.tolerance)) {
        extra.push(
          mismatch('identity_mismatch', consumedExpected, consumed, {
            message: `total_consumed ${formatAmount(consumed, unit)} should equal the drops between purchases plus the drop since the newest (${formatAmount(consumedExpected, unit)})`,
          }),
        );
      }
    } else {
      notes.push('a part of the history was read, so the purchase and consumption totals were not checked against it');
    }
  }

  const unit = live?.unit ?? newestNow?.unit ?? null;
  const issues = [...extra, ...result.issues];
  const issueCount = extra.length + result.issueCount;
  const report: Report = {
    profile: target.profile,
    provider: target.provider.id,
    unit,
    checked: fresh,
    // resumed: the period opens at the verified entry's balance (its own amount was checked before)
    opening: checkpoint && !full && anchor ? anchor.balanceAfter : result.opening,
    closing: result.closing,
    currentBalance: live?.source === 'balance endpoint' ? live.balance : null,
    issues,
    issueCount,
    from: result.oldest?.createdAt ?? null,
    to: result.newest?.createdAt ?? null,
    notes,
    ...(checkpoint && !full ? { resumedFrom: { id: checkpoint.id, createdAt: checkpoint.createdAt } } : {}),
    ...(opts.checkpoint
      ? { checkpoint: checkpoint && { id: checkpoint.id, createdAt: checkpoint.createdAt, verifiedAt: checkpoint.verifiedAt } }
      : {}),
  };
  const newBlocks = digest?.blocks() ?? [];
  const newest: Checkpoint | null = newestNow
    ? checkpointOf(newestNow, {
        verifiedAt: ctx.now().toISOString(),
        ...(totals ? { purchased: totals.purchased.toString(), consumedBetween: totals.consumedBetween.toString() } : {}),
        provider: target.provider.id,
        baseUrl: target.baseUrl.href,
        profile: target.profile,
        // a resumed run adds what it read above the anchor; a first or full run has read everything
        blocks: checkpoint && !full ? extendBlocks(checkpoint.blocks, newBlocks) : newBlocks,
      })
    : null;
  return { report, newest };
}

/** Entries buffered until two timestamps differ: that tells a newest-first file from an oldest-first one. */
const DIRECTION_PROBE = 1000;

export async function reconcileFile(ctx: Context, opts: ReconcileOptions, path: string): Promise<Report> {
  const format = detectFormat(path);
  const provider = ctx.options.provider ?? (ctx.env.TALLY_PROVIDER || undefined);
  const purchases = provider !== undefined && findProvider(provider)?.ledgerKind === 'purchases';
  const batches = readExportFile(path, format);
  const buffered: CheckEntry[] = [];
  let checker: ChainChecker | undefined;
  // no entry of an export takes fewer than ~60 bytes: a bound on how many the file holds, for the id table
  const expectedEntries = Math.ceil(statSync(path).size / 60);
  const start = (direction: 'asc' | 'desc') =>
    new ChainChecker({
      direction,
      tolerance: opts.tolerance,
      mode: purchases ? 'purchases' : 'auto',
      fromZero: !opts.since,
      expectedEntries,
    });
  let unit: string | null = null;
  for await (const batch of batches) {
    for (const e of batch) {
      unit ??= e.unit ?? null;
      if (opts.since && e.createdAt < opts.since.toISOString()) continue;
      if (opts.until && e.createdAt >= opts.until.toISOString()) continue;
      if (checker) {
        checker.push(e);
        continue;
      }
      buffered.push(e);
      const first = buffered[0] as CheckEntry;
      if (e.createdAt !== first.createdAt || buffered.length >= DIRECTION_PROBE) {
        checker = start(e.createdAt > first.createdAt ? 'asc' : 'desc');
        for (const b of buffered) checker.push(b);
        buffered.length = 0;
      }
    }
  }
  if (!checker) {
    checker = start('desc');
    for (const b of buffered) checker.push(b);
  }
  const result: CheckResult = checker.finish();
  return {
    profile: null,
    provider: provider ?? null,
    unit,
    checked: result.checked,
    opening: result.opening,
    closing: result.closing,
    currentBalance: null,
    issues: result.issues,
    issueCount: result.issueCount,
    from: result.oldest?.createdAt ?? null,
    to: result.newest?.createdAt ?? null,
    notes: [
      `offline check of ${path} (${format}): the head and the provider's identities need the live ledger and were not checked`,
      ...(result.mode === 'purchases' ? ['every entry is a purchase, so it was checked as a purchases-only history'] : []),
    ],
  };
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

function reportJson(r: Report) {
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
  };
}

async function output(ctx: Context, rows: Array<Report | ProfileFailure>, many: boolean): Promise<number> {
  let code: number = ExitCode.ok;
  for (const r of rows) code = Math.max(code, isFailure(r) ? exitCodeOf(r.error) : r.issueCount > 0 ? ExitCode.checkFailed : 0);
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
            error: { code: exitCodeOf(r.error), message: r.error.message },
          }
        : reportJson(r),
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
          ? [r.profile ?? '(env)', r.provider, '', '', '', '', { text: `error: ${r.error.message}`, tone: 'error' as const }]
          : [
              r.profile ?? '(env)',
              r.provider ?? '',
              String(r.checked),
              amountText(r.opening, r.unit) ?? '',
              amountText(r.closing, r.unit) ?? '',
              r.unit ?? '',
              r.issueCount === 0
                ? { text: 'ok', tone: 'positive' as const }
                : { text: `${r.issueCount} issue${r.issueCount === 1 ? '' : 's'}`, tone: 'negative' as const },
            ],
      ),
    );
    return code;
  }
  const r = rows[0] as Report;
  // the summary and notes are about the table, not in it: stdout carries the table alone (a pipe gets one
  // header line and the rows), whether stdout is a terminal or not, so `2>/dev/null` always leaves the data
  if (!ctx.options.quiet) {
    ctx.io.err(`${summaryLine(ctx, r, await painter(ctx.io.colorStderr))}\n`);
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

function summaryLine(ctx: Context, r: Report, paint: Awaited<ReturnType<typeof painter>>): string {
  const zone = ctx.options.zone;
  const who = r.profile ? `${r.provider} (profile ${r.profile})` : (r.provider ?? 'export');
  const period = r.from && r.to ? `, ${formatSpanInZone(r.from, r.to, zone)}` : '';
  const unit = r.unit ? ` ${r.unit}` : '';
  const balances =
    r.opening && r.closing ? `, opening ${amountText(r.opening, r.unit)} → closing ${amountText(r.closing, r.unit)}${unit}` : '';
  const live = r.currentBalance ? `, live balance ${amountText(r.currentBalance, r.unit)}${unit}` : '';
  const verdict =
    r.issueCount === 0 ? paint('positive', 'no issues') : paint('negative', `${r.issueCount} issue${r.issueCount === 1 ? '' : 's'}`);
  const count = `${r.checked} ${r.resumedFrom ? 'new ' : ''}entr${r.checked === 1 ? 'y' : 'ies'} checked`;
  const since = r.resumedFrom ? ` since checkpoint ${r.resumedFrom.id} (${formatInZone(r.resumedFrom.createdAt, zone)} ${zone})` : '';
  return `${who}: ${count}${since}${r.checked > 0 ? `${period}${balances}` : ''}${live}; ${verdict}`;
}
