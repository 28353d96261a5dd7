// A ledger filter (type, since, until) applied page by page to what the provider returns, whether or not it was
// sent: a provider that ignores a filter, or reads `until` as inclusive, never brings an entry outside it.
import type { LedgerEntry } from '../types.js';

export interface LedgerFilter {
  /** Entries of any of these types (a normalised type or the provider's word); undefined for all. */
  types?: readonly string[];
  since?: Date;
  until?: Date;
}

/** Whether one entry is inside the filter (for entries outside the page stream: a repeat the read reports). */
export function inFilter(e: LedgerEntry, filter: LedgerFilter): boolean {
  if (filter.since && e.createdAt < filter.since.toISOString()) return false;
  if (filter.until && e.createdAt >= filter.until.toISOString()) return false;
  return ofTypes(e, filter.types);
}

function ofTypes(e: LedgerEntry, types: readonly string[] | undefined): boolean {
  return types === undefined || types.includes(e.type) || types.includes(e.providerType);
}

/** Entries older than --since for this many in a row end a newest-first read that the API did not filter. */
const PAST_SINCE_RUN = 200;

/**
 * Applies the filter, a page at a time, also where the provider was sent it (`LedgerRead.applied`): a period or a
 * type the API ignores, or an end it takes in, would otherwise put other entries in a period's export and
 * statement (February's in January's), with nothing to show it. Stops early once well past --since.
 */
export async function* applyFilter(pages: AsyncIterable<LedgerEntry[]>, filter: LedgerFilter): AsyncGenerator<LedgerEntry[]> {
  const types = filter.types;
  const since = filter.since?.toISOString();
  const until = filter.until?.toISOString();
  if (types === undefined && since === undefined && until === undefined) {
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
      if (!ofTypes(e, types)) continue;
      kept.push(e);
    }
    if (kept.length > 0) yield kept;
    if (pastSince >= PAST_SINCE_RUN) return;
  }
}
