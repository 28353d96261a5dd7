// Pagination for every style the seeds use, yielding pages of entries, each entry exactly once while the ledger grows.
//
// Newest-first listings shift when an entry posts between two page requests. Two strategies keep the
// export exact: where the API reports a total, the growth of the total is the shift, so each item's
// position in the listing as it was when the read began is known; where it does not (conduit), pages
// overlap by one entry and are re-aligned on it, with a probe of the head when the overlap is ambiguous.
//
// Every id read is remembered (IdSet), so no id is ever emitted twice. What a repeated id means:
// - a glitch: an isolated identical repeat of the entry listed just before it, in the same response
//   (the provider listed one entry twice in a row). It is not emitted; `onRepeat` hears of it (export and
//   list warn, reconcile reports a `duplicate`). Isolated: the entry after it must be new to the read.
// - anything else — two or more repeats in a row (a page or block served again), a repeat of an entry read
//   further back or in an earlier response (a page that moved, an offset that went back) — means the
//   listing cannot account for its entries: a ProviderError (exit 4) naming the endpoint.
// Across a page boundary of a counted listing, a genuine duplicate looks the same as a page that moved by
// one (an entry read twice, another never): the two positions are re-read in one response, and only when it
// lists the entry at both is it a glitch.
import { ProviderError } from '../../core/errors.js';
import { IdSet } from './id-set.js';

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
  /** Each page's entries new to the read, with the listing's total where it reports one. */
  onPage?(entries: number, total?: number): void;
  /**
   * Hears of an identical entry listed twice in a row (a glitch), which is emitted once. Without it such a
   * repeat is a ProviderError: a repeat is never dropped unseen.
   */
  onRepeat?(item: T): void;
}

function changed(endpoint: string, detail: string): ProviderError {
  return new ProviderError(
    `${endpoint}: the ledger changed while tally read it (${detail})`,
    'nothing was skipped or repeated silently; run the command again',
  );
}

function repeated(endpoint: string, id: string): ProviderError {
  return new ProviderError(
    `${endpoint}: the listing repeats entries it already listed (from entry ${id}), so it cannot be read exactly once`,
    'the provider pages inconsistently; run the command again, and report it to the provider if it persists',
  );
}

/** Fails when one id comes back with different content: entries are never merged silently. */
function differentContent(endpoint: string, id: string): ProviderError {
  return new ProviderError(
    `${endpoint}: entry ${id} was returned twice with different content`,
    'the provider changed an entry while tally read it, or reuses ids; run again, and report it to the provider if it persists',
  );
}

/**
 * The ids read so far, and the rule above for an id that comes again. Per entry: one hash-and-copy of its
 * id; the rest runs only for a repeat.
 */
class Distinct<T> {
  private readonly ids: IdSet;
  /** a glitch waiting to see that the entry after it is new */
  private pending: T | undefined;

  constructor(
    private readonly opts: PagingOptions<T>,
    expected = 0,
  ) {
    this.ids = new IdSet(expected);
  }

  /** True when the item is new to the read; `before` is the item just before it in the same response. */
  take(item: T, before: T | undefined): boolean {
    const id = this.opts.idOf(item);
    if (this.ids.add(id)) {
      if (this.pending !== undefined) this.flush();
      return true;
    }
    const { endpoint } = this.opts;
    if (this.pending !== undefined || before === undefined || this.opts.idOf(before) !== id) {
      throw repeated(endpoint, this.pending === undefined ? id : this.opts.idOf(this.pending));
    }
    if (this.opts.fingerprint(before) !== this.opts.fingerprint(item)) throw differentContent(endpoint, id);
    this.pending = item;
    return false;
  }

  /** A pending glitch is confirmed (the next entry was new, or the listing ended). */
  flush(): void {
    const item = this.pending;
    if (item === undefined) return;
    this.pending = undefined;
    if (!this.opts.onRepeat) throw new ProviderError(`${this.opts.endpoint}: entry ${this.opts.idOf(item)} is listed twice`);
    this.opts.onRepeat(item);
  }
}

/** A page fetched but not yet read: calling it parses and maps it (and throws if it is not the documented shape). */
export type FetchedPage<T> = () => Page<T>;

/** Page `index` of pages of `size` (default: the paging's pageSize), fetched now and read later. */
export type FetchPage<T> = (index: number, size?: number) => Promise<FetchedPage<T>>;

/** Pages in a row (or re-reads) that bring nothing new before a listing that keeps moving counts as failed. */
const MAX_STALLS = 20;
/** Re-reads of one gap before its entries count as gone. */
const MAX_REFILLS = 5;

/**
 * Pages with a total: page/page_size (bytespike, indigenius) or limit/offset with a total (account-api),
 * addressed by page index. Pages are fetched `concurrency` at a time and emitted in order; each is read
 * (its fetched body turned into items) only when its turn comes, so the pages waiting ahead hold bytes,
 * not live objects.
 *
 * Pages fetched together may be answered out of order: a page answered before an entry posted and the
 * page before it answered after sit one entry apart, and the entry between them is read nowhere. Such a
 * gap is re-read where its entries stand now (found from the largest shift seen), then the page again.
 */
export async function* countedPages<T>(fetchPage: FetchPage<T>, opts: PagingOptions<T>): AsyncGenerator<T[]> {
  const { pageSize, endpoint } = opts;
  const first = (await fetchPage(0))();
  if (first.total === undefined) throw new ProviderError(`${endpoint}: the response has no total to page by`);
  const startTotal = first.total;
  const planned = Math.max(1, Math.ceil(startTotal / pageSize));
  const window = Math.max(1, opts.concurrency ?? 4);
  const distinct = new Distinct(opts, startTotal);
  /** the last `span` entries, at their position (in the listing as it was at the start) modulo span: to verify overlaps */
  const span = 2 * pageSize;
  const recent: (T | undefined)[] = new Array<T | undefined>(span);
  let next = 0;
  /** the largest shift a page has shown: entries posted since the read began, at least */
  let shiftSeen = 0;
  let stalls = 0;
  /** a position whose entry was confirmed to repeat the one before it, across a page boundary */
  let verifiedSeam = -1;
  /** the entry at the seam `accept` last stopped at */
  let seamItem: T | undefined;

  /**
   * The page's entries that are new to this read, in order. `gap`: the position its entries resume at past
   * a gap, or -1; `seam`: the position of a first entry that repeats one read before, to be verified, or -1.
   */
  function accept(page: Page<T>, index: number): { fresh: T[]; gap: number; seam: number } {
    const shift = (page.total ?? startTotal) - startTotal;
    if (shift < 0) throw changed(endpoint, `its total fell from ${startTotal} to ${page.total}`);
    if (shift > shiftSeen) shiftSeen = shift;
    const fresh: T[] = [];
    const items = page.items;
    const from = next;
    let gap = -1;
    let seam = -1;
    for (let k = 0; k < items.length; k++) {
      const position = index * pageSize + k - shift;
      const item = items[k] as T;
      if (position < 0) continue; // posted after the read began: not part of this read
      // more entries than the total accounts for: which of them belong to the read cannot be known
      if (position >= startTotal) throw changed(endpoint, `it lists more entries than its total of ${startTotal}`);
      if (position < next) {
        if (position >= next - span) {
          const seen = recent[position % span];
          if (!seen || opts.fingerprint(seen) !== opts.fingerprint(item)) {
            throw changed(endpoint, `entry ${opts.idOf(item)} is not where the listing had it`);
          }
        }
        // further back than the overlap kept: its content cannot be compared, and the pages ahead check the order
        continue;
      }
      if (position > next) {
        gap = position;
        break;
      }
      let before = k > 0 ? (items[k - 1] as T) : undefined;
      if (before === undefined && position > 0) {
        const earlier = recent[(position - 1) % span] as T;
        if (opts.idOf(earlier) === opts.idOf(item)) {
          if (position !== verifiedSeam) {
            seam = position;
            seamItem = item;
            break;
          }
          before = earlier;
        }
      }
      recent[position % span] = item;
      next++;
      if (distinct.take(item, before)) fresh.push(item);
    }
    stalls = next > from ? 0 : stalls + 1;
    if (stalls > MAX_STALLS) throw changed(endpoint, `it kept moving: ${MAX_STALLS} reads in a row brought nothing new`);
    opts.onPage?.(fresh.length, startTotal);
    return { fresh, gap, seam };
  }

  /**
   * Whether the listing holds the entry read at `position - 1` at `position` too: both re-read in one
   * response, pages of the smallest size that does not split them.
   */
  async function repeatsAcross(position: number, item: T): Promise<boolean> {
    const earlier = recent[(position - 1) % span] as T;
    if (opts.fingerprint(item) !== opts.fingerprint(earlier)) throw differentContent(endpoint, opts.idOf(item));
    for (let attempt = 0; attempt < MAX_REFILLS; attempt++) {
      const at = position - 1 + shiftSeen;
      let size = 2;
      while ((at + 1) % size === 0) size++;
      const index = Math.floor(at / size);
      const page = (await fetchPage(index, size))();
      const shift = (page.total ?? startTotal) - startTotal;
      if (shift !== shiftSeen) {
        if (shift < 0) throw changed(endpoint, `its total fell from ${startTotal} to ${page.total}`);
        shiftSeen = Math.max(shiftSeen, shift);
        continue; // entries posted meanwhile: the two positions moved, look again where they are now
      }
      const a = page.items[at - index * size];
      const b = page.items[at + 1 - index * size];
      const same = (x: T | undefined) => x !== undefined && opts.fingerprint(x) === opts.fingerprint(earlier);
      return same(a) && same(b);
    }
    return false;
  }

  /** accept, with a repeat across a page boundary checked by a re-read before it counts as a glitch */
  async function settle(page: Page<T>, index: number): Promise<{ fresh: T[]; gap: number }> {
    let taken = accept(page, index);
    let fresh = taken.fresh;
    while (taken.seam >= 0) {
      const item = seamItem as T;
      if (!(await repeatsAcross(taken.seam, item))) throw repeated(endpoint, opts.idOf(item));
      verifiedSeam = taken.seam;
      taken = accept(page, index);
      fresh = fresh.concat(taken.fresh);
    }
    return { fresh, gap: taken.gap };
  }

  yield (await settle(first, 0)).fresh;
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
    let taken = await settle(page, i);
    if (taken.fresh.length > 0) yield taken.fresh;
    for (let refills = 0; taken.gap >= 0; refills++) {
      if (refills === MAX_REFILLS) throw changed(endpoint, `entries ${next}–${taken.gap - 1} of ${startTotal} went missing`);
      // the entry at `next` now stands at least shiftSeen further down the current listing
      const at = Math.floor((next + shiftSeen) / pageSize);
      const refill = (await fetchPage(at))();
      if (refill.items.length === 0) throw changed(endpoint, `it ended after ${next} of ${startTotal} entries`);
      const again = (await settle(refill, at)).fresh;
      if (again.length > 0) yield again;
      taken = await settle(page, i);
      if (taken.fresh.length > 0) yield taken.fresh;
    }
  }
  distinct.flush();
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
  const distinct = new Distinct(opts);
  /** The page's entries from `from` on that are new to the read (the overlap before `from` counts as their neighbour). */
  function checked(page: T[], from: number): T[] {
    const fresh: T[] = [];
    for (let k = from; k < page.length; k++) {
      const item = page[k] as T;
      if (distinct.take(item, k > 0 ? (page[k - 1] as T) : undefined)) fresh.push(item);
    }
    opts.onPage?.(fresh.length);
    return fresh;
  }
  yield checked(first.items, 0);
  if (first.items.length < size) {
    distinct.flush();
    return;
  }
  const headId = opts.idOf(first.items[0] as T);
  let previous = first.items;
  /** current position of the entry after the last one emitted */
  let cursor = first.items.length;
  /** entries posted at the head since the read began */
  let shiftSoFar = 0;
  /** full pages in a row that brought nothing new */
  let stalls = 0;

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
      let found = -1;
      for (let attempt = 0; attempt < MAX_REFILLS && found < 0; attempt++) {
        const moved = (await measureShift()) - shiftSoFar;
        if (moved < 0) throw changed(endpoint, 'entries were removed');
        if (attempt === 0 && candidates.includes(moved)) {
          found = moved;
          break;
        }
        page = (await fetchAt(cursor - 1 + moved, size)).items;
        candidates = alignments(page);
        if (candidates.includes(0)) {
          // re-read where the last entry emitted now stands: the shift is accounted for here, the overlap is 0
          cursor += moved;
          shiftSoFar += moved;
          found = 0;
        }
        // else more entries posted between the measure and the re-read: measure again
      }
      if (found < 0) throw changed(endpoint, `entry ${opts.idOf(previous[previous.length - 1] as T)} moved`);
      j = found;
    }
    shiftSoFar += j;
    // a full page with nothing new: a shift that large is rare, a listing that stopped moving (an offset it
    // clamps, the same page for every offset) is not; tally would otherwise ask for ever
    stalls = j + 1 < page.length ? 0 : stalls + 1;
    if (stalls > MAX_STALLS) throw changed(endpoint, `it kept moving: ${MAX_STALLS} reads in a row brought nothing new`);
    yield checked(page, j + 1);
    cursor = cursor - 1 + page.length;
    if (page.length < size) {
      distinct.flush();
      return;
    }
    previous = page;
  }
}

/** An unpaginated listing (conflux): one request, newest first. */
export async function* singlePage<T>(fetch: () => Promise<Page<T>>, opts: PagingOptions<T>): AsyncGenerator<T[]> {
  const { items } = await fetch();
  const distinct = new Distinct(opts);
  const fresh = items.filter((item, k) => distinct.take(item, k > 0 ? (items[k - 1] as T) : undefined));
  distinct.flush();
  opts.onPage?.(fresh.length);
  yield fresh;
}
