// The live reconciliation of one profile: the chain read newest first, the head re-read against the live
// balance, the provider's identities, and the checkpoint a clean run anchors the next one to.
import type { Context } from '../core/context.js';
import { ProviderError } from '../core/errors.js';
import { Decimal, formatAmount, sameFigure } from '../core/money.js';
import { assertOffers, openProvider, type ProviderSession, unsupported } from '../providers/session.js';
import type { Target } from '../providers/target.js';
import { applyFilter, inFilter } from '../providers/shared/filter.js';
import type { Balance, LedgerEntry } from '../providers/types.js';
import { ChainChecker, type CheckEntry, type Issue, makeIssue, ToleratedLog } from './check.js';
import {
  type Checkpoint,
  checkpointKey,
  checkpointOf,
  CheckpointStore,
  extendBlocks,
  HistoryDigest,
  HistoryVerifier,
} from './checkpoint.js';
import { openingUnitOf, type Report } from './report.js';

/** What a live reconciliation is asked (reconcile's options less the choice of live, file or --all). */
export interface LiveOptions {
  checkpoint: boolean;
  /** Forget the checkpoint and verify the whole history. */
  resetCheckpoint: boolean;
  /** Read the whole history again and compare it with the checkpoint's digest. */
  full: boolean;
  tolerance: Decimal;
  since?: Date;
  until?: Date;
}

/** A purchase came in while a purchases-only history was read: the totals no longer describe it. */
class PurchasedDuringRead extends ProviderError {
  constructor() {
    super('purchases kept coming in while the history was read', 'run reconcile again');
  }
}

const toCheck = (e: LedgerEntry): CheckEntry => e;

/**
 * a == b: exactly, or where figures came as JSON numbers within the noise of the provider's double arithmetic
 * (SPEC §2: `figures` read, `additions` made to reach them), or within the tolerance; a difference the tolerance
 * let pass is counted in `tolerated`.
 */
function within(a: Decimal, b: Decimal, tolerance: Decimal, tolerated: ToleratedLog, figures = 2, additions = 0): boolean {
  if (sameFigure(a, b, figures, additions)) return true;
  const difference = a.sub(b);
  if (difference.abs().cmp(tolerance) > 0) return false;
  tolerated.add(difference);
  return true;
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
 * newest entry, and only counts when both reads agree (nothing posted meanwhile). The entry is null when the
 * ledger lists none.
 */
async function stableHead(ctx: Context, session: ProviderSession): Promise<{ entry: LedgerEntry | null; balance: Balance } | null> {
  const balanceOf = session.adapter.balance;
  if (!balanceOf) return null;
  for (let attempt = 0; attempt < STABLE_ATTEMPTS; attempt++) {
    const before = await newestEntry(ctx, session);
    const balance = await balanceOf(session.pctx);
    const after = await newestEntry(ctx, session);
    if (before?.id === after?.id && before?.balanceAfter?.toString() === after?.balanceAfter?.toString()) return { entry: after, balance };
  }
  throw new ProviderError(
    `${session.adapter.info.id}: the ledger kept changing while tally compared its newest entry with the live balance`,
    'run reconcile again when the account is quieter',
  );
}

export async function reconcileLive(ctx: Context, target: Target, opts: LiveOptions): Promise<Report> {
  assertOffers(target, 'reconcile');
  const purchasesOnly = target.provider.ledgerKind === 'purchases';
  const label = target.profile ? `profile ${target.profile}` : `${target.provider.id} at ${target.baseUrl.host}`;
  const account = { provider: target.provider.id, baseUrl: target.baseUrl.href, profile: target.profile };
  const store = opts.checkpoint
    ? new CheckpointStore(ctx.configDir, checkpointKey(target.provider.id, target.baseUrl.href, target.key), label, account)
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
      // a checkpoint in another unit than the account's now anchors nothing read here: a bad file, not a verdict —
      // unless the ledger itself changed unit since (a unit_change this run reports, exit 1)
      const unitChanged = outcome.report.issues.some((i) => i.kind === 'unit_change');
      if (store && checkpoint && outcome.report.unit !== null && !unitChanged) store.assertUnit(checkpoint, outcome.report.unit);
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
  opts: LiveOptions,
  checkpoint: Checkpoint | null,
  purchasesOnly: boolean,
): Promise<{ report: Report; newest: Checkpoint | null }> {
  const { adapter, pctx } = session;
  const notes: string[] = [];
  const extra: Issue[] = [];
  // what the tolerance let pass outside the chain: the head and the identities (each comparison made once)
  const tolerated = new ToleratedLog();
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
  reading: for await (const page of applyFilter(read.pages, { since: opts.since, until: opts.until })) {
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
    else {
      // nothing read: the whole ledger lists nothing (its balance is zero), or --since or the checkpoint stopped
      // the read above its newest entry, which is read on its own; an empty read is never clean by default
      let top = newestNow;
      if (!top && !wholeHistory) {
        top = await newestEntry(ctx, session);
        if (top?.balanceAfter && opts.since && !checkpoint) {
          notes.push(`nothing is listed since --since; the head was checked with the newest entry before it, ${top.id}`);
        }
      }
      const headBalance = top ? top.balanceAfter : Decimal.ZERO;
      if (top && top.unit !== live.unit) {
        // a balance in one unit is never compared with a balance in another
        extra.push(
          makeIssue('unit_change', {
            entryId: top.id,
            createdAt: top.createdAt,
            message: `the live balance is in ${live.unit}, the newest entry ${top.id} in ${top.unit}: balances in different units are never compared`,
          }),
        );
      } else if (headBalance && !within(headBalance, live.balance, opts.tolerance, tolerated)) {
        // they may differ only because entries posted since the balance was read: compare a still snapshot
        const snapshot = await stableHead(ctx, session);
        const still = snapshot?.entry ?? null;
        const was = still ? still.balanceAfter : Decimal.ZERO;
        const now = snapshot?.balance.balance;
        if (was && now && within(was, now, opts.tolerance, tolerated)) {
          notes.push('entries posted while the ledger was read; the newest entry agrees with the live balance');
        } else if (was && now) {
          const liveText = formatAmount(now, snapshot.balance.unit);
          extra.push(
            mismatch('head_mismatch', was, now, {
              entryId: still?.id ?? null,
              createdAt: still?.createdAt ?? null,
              message: still
                ? `the live balance ${liveText} differs from the newest entry's balance_after ${formatAmount(was, still.unit)}`
                : `the ledger lists no entries, but the live balance is ${liveText}`,
            }),
          );
        }
      }
    }
  }

  // identities the provider exposes
  if (live?.balance && live.available && live.reserved) {
    const sum = live.available.add(live.reserved);
    if (!within(live.balance, sum, opts.tolerance, tolerated, 3, 1)) {
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
    if (!within(balanceNow, expectedBalance, opts.tolerance, tolerated)) {
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
      if (!within(totals.purchased, purchased, opts.tolerance, tolerated)) {
        extra.push(
          mismatch('identity_mismatch', totals.purchased, purchased, {
            message: `total_purchased ${formatAmount(purchased, unit)} should equal the sum of purchases in the history (${formatAmount(totals.purchased, unit)})`,
          }),
        );
      }
      const newestBalance = newestNow?.balanceAfter ?? Decimal.ZERO;
      const consumedExpected = totals.consumedBetween.add(newestBalance.sub(balanceNow));
      if (!within(consumed, consumedExpected, opts.tolerance, tolerated)) {
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
    ...openingUnitOf(result.oldest, unit),
    checked: fresh,
    // resumed: the period opens at the verified entry's balance (its own amount was checked before)
    opening: checkpoint && !full && anchor ? anchor.balanceAfter : result.opening,
    closing: result.closing,
    currentBalance: live?.source === 'balance endpoint' ? live.balance : null,
    issues,
    issueCount,
    tolerated: tolerated.merge(result.tolerated),
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
