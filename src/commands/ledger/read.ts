// Opens a ledger read for the chosen target: provider pushdown first, the rest of the filter locally.
import type { Context } from '../../core/context.js';
import { terminalSafe } from '../../core/io.js';
import { assertOffers, openProvider, type ProviderSession, unsupported } from '../../providers/session.js';
import { resolveTarget, type Target } from '../../providers/target.js';
import type { LedgerEntry } from '../../providers/types.js';
import { applyFilter, inFilter, type LedgerFilter } from '../../providers/shared/filter.js';
import { resolveType } from './query.js';

export interface OpenLedger {
  target: Target;
  session: ProviderSession;
  /** The filter, with --type resolved to a known word. */
  filter: LedgerFilter;
}

/** Resolves and checks everything that can fail with exit 2 or 5, without a request. */
export function prepareLedger(ctx: Context, filter: LedgerFilter): { target: Target; filter: LedgerFilter } {
  const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
  assertOffers(target, 'ledger');
  return { target, filter: { ...filter, type: resolveType(target, filter.type) } };
}

export async function openLedger(ctx: Context, target: Target, filter: LedgerFilter): Promise<OpenLedger> {
  return { target, filter, session: await openProvider(ctx, target) };
}

/**
 * Newest first, every entry once, filtered, a page at a time. An entry the provider lists twice in a row is
 * kept once and named on stderr (even with --quiet: the output then differs from the provider's listing).
 */
export function readPages(ctx: Context, open: OpenLedger, onPage?: (n: number) => void): AsyncGenerator<LedgerEntry[]> {
  const ledger = open.session.adapter.ledger;
  if (!ledger) throw unsupported(open.target, 'ledger');
  const onRepeat = (e: LedgerEntry) => {
    if (inFilter(e, open.filter))
      ctx.io.err(`tally: warning: entry ${terminalSafe(e.id)} is listed twice by the provider; it is kept once\n`);
  };
  const read = ledger(open.session.pctx, { ...open.filter, startedAt: ctx.now(), onPage, onRepeat });
  return applyFilter(read.pages, open.filter, read.applied);
}
