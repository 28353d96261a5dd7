// The flags ledger list and export share: --type, --since, --until (and list's --limit/--offset), validated.
import type { Context } from '../../core/context.js';
import { assertRange, parseDateFlag } from '../../core/dates.js';
import { UsageError } from '../../core/errors.js';
import type { Target } from '../../providers/target.js';
import { ENTRY_TYPES, type LedgerEntry } from '../../providers/types.js';

export interface LedgerFilter {
  type?: string;
  since?: Date;
  until?: Date;
}

export function parseFilter(ctx: Context, raw: Record<string, unknown>): LedgerFilter {
  const now = ctx.now();
  const since = typeof raw.since === 'string' ? parseDateFlag(raw.since, '--since', now) : undefined;
  const until = typeof raw.until === 'string' ? parseDateFlag(raw.until, '--until', now) : undefined;
  assertRange(since, until);
  return { since, until, type: typeof raw.type === 'string' ? raw.type : undefined };
}

/** --type takes a normalised type or the provider's own word (any case); anything else is exit 2. */
export function resolveType(target: Target, type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const words = Object.keys(target.provider.entryTypes);
  const known = [...ENTRY_TYPES, ...words];
  const match = known.find((k) => k.toLowerCase() === type.toLowerCase());
  if (!match) {
    throw new UsageError(`--type "${type}" is not a ledger type of ${target.provider.id}`, `use one of: ${known.join(', ')}`);
  }
  return match;
}

export function positiveInt(raw: unknown, flag: string, min: number): number {
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`${flag} "${text}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`, `such as ${flag} 20`);
  }
  return Number(text);
}

/** Entries older than --since for this many in a row end a newest-first read that the API did not filter. */
const PAST_SINCE_RUN = 200;

/** Applies what the provider did not: type, since, until, a page at a time. Stops early once well past --since. */
export async function* applyFilter(
  pages: AsyncIterable<LedgerEntry[]>,
  filter: LedgerFilter,
  applied: { type: boolean; since: boolean; until: boolean },
): AsyncGenerator<LedgerEntry[]> {
  const type = applied.type ? undefined : filter.type;
  const since = applied.since ? undefined : filter.since?.toISOString();
  const until = applied.until ? undefined : filter.until?.toISOString();
  if (type === undefined && since === undefined && until === undefined) {
    yield* pages;
    return;
  }
  let pastSince = 0;
  for await (const page of pages) {
    const kept: LedgerEntry[] = [];
    for (const e of page) {
      if (since !== undefined && e.createdAt < since) {
        // newest first: a long run older than --since means the rest is older too (a few out-of-order
        // timestamps are still honoured)
        if (++pastSince >= PAST_SINCE_RUN) break;
        continue;
      }
      pastSince = 0;
      if (until !== undefined && e.createdAt >= until) continue;
      if (type !== undefined && e.type !== type && e.providerType !== type) continue;
      kept.push(e);
    }
    if (kept.length > 0) yield kept;
    if (pastSince >= PAST_SINCE_RUN) return;
  }
}
