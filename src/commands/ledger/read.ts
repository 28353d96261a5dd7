// Opens a ledger read for the chosen target: provider pushdown first, the rest of the filter locally.
import type { Context } from '../../core/context.js';
import { UsageError } from '../../core/errors.js';
import { terminalSafe } from '../../core/io.js';
import { assertOffers, openProvider, type ProviderSession, unsupported } from '../../providers/session.js';
import { resolveTarget, type Target } from '../../providers/target.js';
import { ENTRY_TYPES, type LedgerEntry, type ProviderEntry } from '../../providers/types.js';
import { applyFilter, inFilter, type LedgerFilter } from '../../providers/shared/filter.js';

export interface OpenLedger {
  target: Target;
  session: ProviderSession;
  /** The filter, with --type resolved to a known word. */
  filter: LedgerFilter;
  /** Whose ledger a warning is about, where several are read at once (--all): the profile. */
  label?: string;
}

/** Resolves and checks everything that can fail with exit 2 or 5, without a request. */
export function prepareLedger(ctx: Context, filter: LedgerFilter): { target: Target; filter: LedgerFilter } {
  const target = resolveTarget(ctx.options, ctx.env, ctx.config(), ctx.configDir);
  assertOffers(target, 'ledger');
  return { target, filter: { ...filter, types: filter.types?.map((t) => resolveType(target, t)) } };
}

export async function openLedger(ctx: Context, target: Target, filter: LedgerFilter): Promise<OpenLedger> {
  return { target, filter, session: await openProvider(ctx, target) };
}

/**
 * Newest first, every entry once, filtered, a page at a time. An entry the provider lists twice in a row is
 * kept once and named on stderr (even with --quiet: the output then differs from the provider's listing).
 * Pages are reported to the context's activity (progress); `upTo`: the most entries the caller will take.
 */
export function readPages(ctx: Context, open: OpenLedger, upTo?: number): AsyncGenerator<LedgerEntry[]> {
  const ledger = open.session.adapter.ledger;
  if (!ledger) throw unsupported(open.target, 'ledger');
  const onRepeat = (e: LedgerEntry) => {
    if (inFilter(e, open.filter))
      ctx.io.err(
        `tally: warning: ${open.label ? `${open.label}: ` : ''}entry ${terminalSafe(e.id)} is listed twice by the provider; it is kept once\n`,
      );
  };
  // the provider's total counts what it filtered: a --since applied here ends the read well before it, and
  // `upTo` counts entries kept, not read, once --type or --until is applied here
  const { filter } = open;
  const counted = () => {
    const sinceHere = filter.since !== undefined && !read.applied.since;
    const thinnedHere = (filter.types !== undefined && !read.applied.type) || (filter.until !== undefined && !read.applied.until);
    return !sinceHere && !(upTo !== undefined && thinnedHere);
  };
  const onPage = ctx.activity.read({ total: counted, upTo });
  const read = ledger(open.session.pctx, { ...filter, startedAt: ctx.now(), onPage, onRepeat });
  return applyFilter(read.pages, open.filter);
}

/** --type takes a normalised type or the provider's own word (any case); anything else is exit 2. */
export function resolveType(target: Target, type: string): string {
  const match = matchType(target.provider, type);
  if (!match) {
    const known = [...ENTRY_TYPES, ...Object.keys(target.provider.entryTypes)];
    throw new UsageError(`--type "${type}" is not a ledger type of ${target.provider.id}`, `use one of: ${known.join(', ')}`);
  }
  return match;
}

/** --type's value as `provider` knows it: a normalised type or its own word (any case); undefined when neither. */
export function matchType(provider: ProviderEntry, type: string): string | undefined {
  const known = [...ENTRY_TYPES, ...Object.keys(provider.entryTypes)];
  return known.find((k) => k.toLowerCase() === type.toLowerCase());
}
