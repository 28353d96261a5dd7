// Pagination for every style the seeds use, yielding pages of entries, each entry exactly once while the ledger grows.
//
// Newest-first listings shift when an entry posts between two page requests. Two strategies keep the
// export exact: where the API reports a total, the growth of the total is the shift, so each item's
// position in the listing as it was when the read began is known; where it does not (conduit), pages
// overlap by one entry and are re-aligned on it, with a probe of the head when the overlap is ambiguous.
import { ProviderError } from '../../core/errors.js';

export interface Page<T> {
  items: T[];
  /** The provider's count of all matching entries at the time of this page, where it reports one. */
  total?: number;
}

export interface PagingOptions<T> {
  pageSize: number;
  /** "GET /api/billing/ledger", for messages. */
  endpoint: string;
  idOf(item: T): string;
  /** Identity plus content: two items with the same fingerprint are the same entry. */
  fingerprint(item: T): string;
  /** Counted pages fetched ahead of the consumer, in order. */
  concurrency?: number;
  onPage?(entries: number): void;
}

function changed(endpoint: string, detail: string): ProviderError {
  return new ProviderError(
    `${endpoint}: the ledger changed while tally read it (${detail})`,
    'nothing was skipped or repeated silently; run the command again',
  );
}

/** Fails when one id comes back with different content: entries are never merged silently. */
function sameIdDifferentContent<T>(endpoint: string, opts: PagingOptions<T>, a: T, b: T): void {
  if (opts.idOf(a) === opts.idOf(b) && opts.fingerprint(a) !== opts.fingerprint(b)) {
    throw new ProviderError(
      `${endpoint}: entry ${opts.idOf(a)} was returned twice with different content`,
      'the provider changed an entry while tally read it, or reuses ids; run again, and report it to the provider if it persists',
    );
  }
}

/** A page fetched but not yet read: calling it parses and maps it (and throws if it is not the documented shape). */
export type FetchedPage<T> = () => Page<T>;

/**
 * Pages with a total: page/page_size (bytespike, indigenius) or limit/offset with a total (account-api),
 * addressed by page index. Pages are fetched `concurrency` at a time and emitted in order; each is read
 * (its fetched body turned into items) only when its turn comes, so the pages waiting ahead hold bytes,
 * not live objects.
 */
export async function* countedPages<T>(fetchPage: (index: number) => Promise<FetchedPage<T>>, opts: PagingOptions<T>): AsyncGenerator<T[]> {
  const { pageSize, endpoint } = opts;
  const first = (await fetchPage(0))();
  if (first.total === undefined) throw new ProviderError(`${endpoint}: the response has no total to page by`);
  const startTotal = first.total;
  const planned = Math.max(1, Math.ceil(startTotal / pageSize));
  const window = Math.max(1, opts.concurrency ?? 4);
  /** the last `span` entries, at their position (in the listing as it was at the start) modulo span: to verify overlaps */
  const span = 2 * pageSize;
  const recent: (T | undefined)[] = new Array<T | undefined>(span);
  let next = 0;
  let last: T | undefined;

  /** The page's entries that are new to this read, in order. */
  function accept(page: Page<T>, index: number): T[] {
    const shift = (page.total ?? startTotal) - startTotal;
    if (shift < 0) throw changed(endpoint, `its total fell from ${startTotal} to ${page.total}`);
    const fresh: T[] = [];
    for (let k = 0; k < page.items.length; k++) {
      const position = index * pageSize + k - shift;
      const item = page.items[k] as T;
      if (position < 0) continue; // posted after the read began: not part of this read
      if (position >= startTotal) break;
      if (position < next) {
        const seen = position >= next - span ? recent[position % span] : undefined;
        if (!seen || opts.fingerprint(seen) !== opts.fingerprint(item)) {
          throw changed(endpoint, `entry ${opts.idOf(item)} is not where the listing had it`);
        }
        continue;
      }
      if (position > next) throw changed(endpoint, `entries ${next}–${position - 1} of ${startTotal} went missing`);
      if (last) sameIdDifferentContent(endpoint, opts, last, item);
      recent[position % span] = item;
      last = item;
      next++;
      fresh.push(item);
    }
    opts.onPage?.(fresh.length);
    return fresh;
  }

  yield accept(first, 0);
  const inflight = new Map<number, Promise<FetchedPage<T>>>();
  const request = (i: number) => {
    const p = fetchPage(i);
    p.catch(() => undefined); // surfaced when awaited; an abandoned prefetch must not crash the process
    inflight.set(i, p);
  };
  let requested = 1;
  for (let i = 1; next < startTotal; i++) {
    while (requested < Math.max(planned, i + 1) && requested < i + window) request(requested++);
    if (!inflight.has(i)) request(i);
    requested = Math.max(requested, i + 1);
    const fetched = await (inflight.get(i) as Promise<FetchedPage<T>>);
    inflight.delete(i);
    const page = fetched();
    if (page.items.length === 0) throw changed(endpoint, `it ended after ${next} of ${startTotal} entries`);
    yield accept(page, i);
  }
}

/**
 * limit/offset with no total (conduit): stops on a short page. Each request overlaps the previous page by
 * one entry; the overlap must match, and a shift (entries posted meanwhile) is found by aligning on it.
 */
export async function* overlappingOffsets<T>(
  fetchAt: (offset: number, limit: number) => Promise<Page<T>>,
  opts: PagingOptions<T>,
): AsyncGenerator<T[]> {
  const { pageSize: size, endpoint } = opts;
  const fp = (item: T) => opts.fingerprint(item);
  const first = await fetchAt(0, size);
  let last: T | undefined;
  function checked(items: T[]): T[] {
    for (const item of items) {
      if (last) sameIdDifferentContent(endpoint, opts, last, item);
      last = item;
    }
    opts.onPage?.(items.length);
    return items;
  }
  yield checked(first.items);
  if (first.items.length < size) return;
  const headId = opts.idOf(first.items[0] as T);
  let previous = first.items;
  /** current position of the entry after the last one emitted */
  let cursor = first.items.length;
  /** entries posted at the head since the read began */
  let shiftSoFar = 0;

  /** How many entries have posted since the start: where the start's newest entry now stands. */
  async function measureShift(): Promise<number> {
    for (let offset = 0; offset < size * 20; offset += size) {
      const probe = await fetchAt(offset, size);
      const at = probe.items.findIndex((item) => opts.idOf(item) === headId);
      if (at >= 0) return offset + at;
      if (probe.items.length < size) break;
    }
    throw changed(endpoint, `its newest entry ${headId} is gone`);
  }

  /** Offsets j at which the page's first j+1 items repeat the previous page's last j+1 items. */
  function alignments(page: T[]): number[] {
    const found: number[] = [];
    const max = Math.min(page.length, previous.length);
    for (let j = 0; j < max; j++) {
      let match = true;
      for (let k = 0; k <= j && match; k++) match = fp(page[k] as T) === fp(previous[previous.length - 1 - j + k] as T);
      if (match) found.push(j);
    }
    return found;
  }

  for (;;) {
    let page = (await fetchAt(cursor - 1, size)).items;
    let candidates = alignments(page);
    let j: number;
    if (candidates.length === 1) {
      j = candidates[0] as number;
    } else {
      // none: moved by more than a page, or lost entries; several: identical entries at the seam
      const moved = (await measureShift()) - shiftSoFar;
      if (moved < 0) throw changed(endpoint, 'entries were removed');
      if (!candidates.includes(moved)) {
        page = (await fetchAt(cursor - 1 + moved, size)).items;
        candidates = alignments(page);
        if (!candidates.includes(0)) throw changed(endpoint, `entry ${opts.idOf(previous[previous.length - 1] as T)} moved`);
        cursor += moved;
        shiftSoFar += moved;
        j = 0;
      } else {
        j = moved;
      }
    }
    shiftSoFar += j;
    yield checked(page.slice(j + 1));
    cursor = cursor - 1 + page.length;
    if (page.length < size) return;
    previous = page;
  }
}

/** An unpaginated listing (conflux): one request, newest first. */
export async function* singlePage<T>(fetch: () => Promise<Page<T>>, opts: Pick<PagingOptions<T>, 'onPage'>): AsyncGenerator<T[]> {
  const page = await fetch();
  opts.onPage?.(page.items.length);
  yield page.items;
}
