// Pagination for every style the seeds use, yielding pages of entries, each entry exactly once while the ledger grows.
//
// A listing ends only on proof of its end: the total reached (counted listings) or an empty page (conduit's
// offsets, which report no total). A page shorter than asked is no such proof: providers serve fewer entries
// a page than asked for (a cap below their documented maximum), so tally pages by the size the provider
// served — its echoed limit or page size, or else the length of a page that is not the listing's last — and a
// page-number API, which numbers its pages by the size it serves, is asked again in pages of that size.
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
// - a far duplicate: an isolated identical repeat of an entry listed further back, in a listing that
//   accounts for itself (a total whose every position is read once, or conduit's overlaps, every seam
//   aligned, ending on an empty page). It is the ledger's fact, not a paging failure, once the listing is
//   read again at both places and holds the same entry at each: then it is a glitch as above.
// - anything else — two or more repeats in a row (a page or block served again), a repeat the re-read does
//   not find at both places (a page that moved, an offset that went back), one id with different content,
//   any repeat in conflux's unpaginated history (no total to account for it) — means the listing cannot
//   account for its entries: a ProviderError (exit 4) naming the endpoint.
// Across a page boundary, a genuine duplicate looks the same as a page that moved by one (an entry read
// twice, another never): the two positions are re-read in one response where the provider serves pages of
// two or more, and only when it lists the entry at both is it a glitch.
import { ProviderError } from '../../core/errors.js';
import { IdSet } from './id-set.js';

export interface Page<T> {
  items: T[];
  /** The provider's count of all matching entries at the time of this page, where it reports one. */
  total?: number;
  /**
   * Where the page's first item stands in the listing, where the API places it otherwise than at the page
   * asked for: a page-number API numbers its pages by the size it served (page 2 of pages capped at 50
   * starts at entry 50, whatever size was asked). Default: the page's index times the size asked.
   */
  start?: number;
  /** The page size the provider says it served (its echoed limit or page size), where it echoes one. */
  served?: number;
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
   * Hears of an identical entry listed twice (a glitch or a far duplicate), which is emitted once. Without
   * it such a repeat is a ProviderError: a repeat is never dropped unseen.
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
 * What the read makes of an entry: `new` to the read (emit it), a `repeat` (already emitted, not emitted
 * again), or `confirm`: an id read further back, which the pager must find again at both places before it
 * counts as a repeat.
 */
type Taken = 'new' | 'repeat' | 'confirm';

/**
 * The ids read so far, where each stood in the read, and the rule above for an id that comes again. Per
 * entry: one hash-and-copy of its id; the rest runs only for a repeat.
 */
class Distinct<T> {
  private readonly ids: IdSet;
  /** a repeat waiting to see that the entry after it is new */
  private pending: T | undefined;
  /** the read's positions so far: where the next entry stands in the read */
  position = 0;
  /** the positions whose entry was a repeat, ascending: with an id's ordinal they give where it stood */
  private readonly repeats: number[] = [];

  constructor(
    private readonly opts: PagingOptions<T>,
    expected = 0,
    /** whether an id read further back may be confirmed by a re-read (not in one unpaginated response: nothing to re-read) */
    private readonly farRepeats = false,
  ) {
    this.ids = new IdSet(expected);
  }

  /**
   * The entry at the read's next position; `before` is the entry just before it in the same response,
   * `confirmed` that the pager found an id read further back at both places (the repeat is the ledger's).
   */
  take(item: T, before: T | undefined, confirmed = false): Taken {
    const id = this.opts.idOf(item);
    if (this.ids.add(id)) {
      if (this.pending !== undefined) this.flush();
      this.position++;
      return 'new';
    }
    const { endpoint } = this.opts;
    if (this.pending !== undefined) throw repeated(endpoint, this.opts.idOf(this.pending));
    if (before !== undefined && this.opts.idOf(before) === id) {
      if (this.opts.fingerprint(before) !== this.opts.fingerprint(item)) throw differentContent(endpoint, id);
    } else if (!confirmed) {
      // with nobody to hear of a repeat it fails all the same: no re-read to prove it
      if (!this.farRepeats || !this.opts.onRepeat) throw repeated(endpoint, id);
      return 'confirm';
    }
    this.pending = item;
    this.repeats.push(this.position++);
    return 'repeat';
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** The position in the read where an id read before first stood. */
  positionOf(id: string): number {
    let position = this.ids.ordinalOf(id);
    for (const repeat of this.repeats) {
      if (repeat > position) break;
      position++;
    }
    return position;
  }

  /** A pending repeat is confirmed (the next entry was new, or the listing ended). */
  flush(): void {
    const item = this.pending;
    if (item === undefined) return;
    this.pending = undefined;
    if (!this.opts.onRepeat) throw new ProviderError(`${this.opts.endpoint}: entry ${this.opts.idOf(item)} is listed twice`);
    this.opts.onRepeat(item);
  }
}

/** Fails as a block listed again when the entry after a repeat in the same response was read before too. */
function refuseBlock<T>(distinct: Distinct<T>, opts: PagingOptions<T>, item: T, following: T | undefined): void {
  if (following !== undefined && distinct.has(opts.idOf(following))) throw repeated(opts.endpoint, opts.idOf(item));
}

/**
 * A page of a page-number API (page 1 first): its items start at (page − 1) × the size it served, which is
 * the size it echoes where it echoes one — a provider that caps page_size at 50 numbers its pages by 50.
 */
export function numberedPage<T>(index: number, asked: number, items: T[], total: number, served: number | undefined): Page<T> {
  return { items, total, served, start: index * (served ?? asked) };
}

/** A page fetched but not yet read: calling it parses and maps it (and throws if it is not the documented shape). */
export type FetchedPage<T> = () => Page<T>;

/** Page `index` of pages of `size` (default: the paging's pageSize), fetched now and read later. */
export type FetchPage<T> = (index: number, size?: number) => Promise<FetchedPage<T>>;

/** Pages in a row (or re-reads) that bring nothing new before a listing that keeps moving counts as failed. */
const MAX_STALLS = 20;
/** Re-reads of one gap (or of one repeat) before its entries count as gone. */
const MAX_REFILLS = 5;
/** Probes of the head, page after page, before the newest entry read counts as gone. */
const MAX_PROBES = 20;

/** An entry read before, where accept stopped: it is taken once a re-read finds it at both places. */
interface Suspect<T> {
  item: T;
  /** where it first stood in the read */
  first: number;
  /** where it stands again */
  at: number;
}

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
  const first = (await fetchPage(0, opts.pageSize))();
  if (first.total === undefined) throw new ProviderError(`${opts.endpoint}: the response has no total to page by`);
  yield* new CountedRead(fetchPage, opts, first.total).pages(first);
}

/** One read of a counted listing: the positions 0 … startTotal − 1 of the listing as it was when the read began. */
class CountedRead<T> {
  private readonly endpoint: string;
  private readonly distinct: Distinct<T>;
  /** the page size asked for: the paging's, until the provider shows that it serves fewer */
  private size: number;
  /** whether it has: then no page larger than `size` is asked for, not even to re-read two entries */
  private capped = false;
  /** the positions read so far: the next one to read */
  private next = 0;
  /** the largest shift a page has shown: entries posted since the read began, at least */
  private shiftSeen = 0;
  /** reads in a row that brought nothing new */
  private stalls = 0;
  /** the last `span` entries, at their position modulo span: to verify overlaps */
  private readonly span: number;
  private readonly recent: (T | undefined)[];
  /** a position whose repeat a re-read found at both places, so accept takes it */
  private confirmed = -1;
  /** where accept last stopped for a re-read */
  private suspect: Suspect<T> | undefined;

  constructor(
    private readonly fetchPage: FetchPage<T>,
    private readonly opts: PagingOptions<T>,
    private readonly startTotal: number,
  ) {
    this.endpoint = opts.endpoint;
    this.distinct = new Distinct(opts, startTotal, true);
    this.size = opts.pageSize;
    this.span = 2 * opts.pageSize;
    this.recent = new Array<T | undefined>(this.span);
  }

  async *pages(first: Page<T>): AsyncGenerator<T[]> {
    const { startTotal } = this;
    const start0 = first.start ?? 0;
    yield (await this.settle(first, start0)).fresh;
    const window = Math.max(1, this.opts.concurrency ?? 4);
    /** pages requested ahead, by index in pages of `size` */
    let inflight = new Map<number, Promise<FetchedPage<T>>>();
    const request = (i: number) => {
      const p = this.fetchPage(i, this.size);
      p.catch(() => undefined); // surfaced when awaited; an abandoned prefetch must not crash the process
      inflight.set(i, p);
    };
    // the page holding the next position, in pages of the size the provider serves
    const resume = () => Math.floor((this.next + this.shiftSeen) / this.size);
    let i = this.learn(first, this.opts.pageSize, start0) ? resume() : 1;
    /**
     * Whether the last page read was full: then the listing may go on past it, whatever its total says. A page
     * of more entries than asked is not: the provider pages by no size of tally's, and lists on no further.
     */
    const fills = (page: Page<T>, asked: number) => page.items.length >= this.size && page.items.length <= asked;
    let full = fills(first, this.opts.pageSize);
    let requested = i;
    while (this.next < startTotal) {
      const planned = Math.max(1, Math.ceil(startTotal / this.size));
      while (requested < Math.max(planned, i + 1) && requested < i + window) request(requested++);
      if (!inflight.has(i)) request(i);
      requested = Math.max(requested, i + 1);
      const asked = this.size;
      const fetched = await (inflight.get(i) as Promise<FetchedPage<T>>);
      inflight.delete(i);
      const page = fetched();
      if (page.items.length === 0) throw changed(this.endpoint, `it ended after ${this.next} of ${startTotal} entries`);
      const start = page.start ?? i * asked;
      let taken = await this.settle(page, start);
      if (taken.fresh.length > 0) yield taken.fresh;
      const learnt = this.learn(page, asked, start);
      full = fills(page, asked);
      if (learnt) {
        // the pages asked for ahead are of a size the provider does not serve: ask again, in its size
        inflight = new Map();
        i = requested = resume();
        continue;
      }
      for (let refills = 0; taken.gap >= 0; refills++) {
        if (refills === MAX_REFILLS) throw changed(this.endpoint, `entries ${this.next}–${taken.gap - 1} of ${startTotal} went missing`);
        // the entry at `next` now stands at least shiftSeen further down the current listing
        const at = resume();
        const refill = (await this.fetchPage(at, this.size))();
        if (refill.items.length === 0) throw changed(this.endpoint, `it ended after ${this.next} of ${startTotal} entries`);
        const again = (await this.settle(refill, refill.start ?? at * this.size)).fresh;
        if (again.length > 0) yield again;
        taken = await this.settle(page, start);
        if (taken.fresh.length > 0) yield taken.fresh;
      }
      i++;
    }
    if (full) await this.endAfter(resume());
    this.distinct.flush();
  }

  /**
   * A full page that ends at the total is no proof that nothing follows it: a total short of the listing (by
   * whole pages; at one entry a page, by any number) would end the read with its oldest entries never read.
   * The page after it (`index`) must list no entry past the total that the read has not seen; one it has seen
   * is a provider that answers every page with the same entries, which its total accounts for.
   */
  private async endAfter(index: number): Promise<void> {
    const page = (await this.fetchPage(index, this.size))();
    const shift = this.shiftOf(page);
    const start = page.start ?? index * this.size;
    page.items.forEach((item, k) => {
      if (start + k - shift >= this.startTotal && !this.distinct.has(this.opts.idOf(item))) {
        throw changed(this.endpoint, `it lists more entries than its total of ${this.startTotal}`);
      }
    });
  }

  /**
   * Whether the page shows that the provider serves fewer entries a page than asked (what it echoes, or else
   * a page that holds fewer than asked and does not reach the listing's end): then `size` becomes that. An echo
   * of the very size asked says nothing: APIs echo their limit parameter back while serving fewer.
   */
  private learn(page: Page<T>, asked: number, start: number): boolean {
    const end = page.total ?? this.startTotal;
    const echoed = page.served === asked ? undefined : page.served;
    const served = echoed ?? (start + page.items.length < end ? page.items.length : asked);
    if (served < 1 || served >= this.size) return false;
    this.size = served;
    this.capped = true;
    return true;
  }

  /** The shift a page shows (entries posted since the read began); fails when its total fell. */
  private shiftOf(page: Page<T>): number {
    const shift = (page.total ?? this.startTotal) - this.startTotal;
    if (shift < 0) throw changed(this.endpoint, `its total fell from ${this.startTotal} to ${page.total}`);
    return shift;
  }

  /**
   * The page's entries that are new to this read, in order. `gap`: the position its entries resume at past
   * a gap, or -1. Stops at an entry read before that must be re-read first (`suspect`).
   */
  private accept(page: Page<T>, start: number): { fresh: T[]; gap: number } {
    const { opts, startTotal, span, recent, distinct, endpoint } = this;
    const shift = this.shiftOf(page);
    if (shift > this.shiftSeen) this.shiftSeen = shift;
    const fresh: T[] = [];
    const items = page.items;
    const from = this.next;
    let gap = -1;
    for (let k = 0; k < items.length; k++) {
      const position = start + k - shift;
      const item = items[k] as T;
      if (position < 0) continue; // posted after the read began: not part of this read
      // more entries than the total accounts for: which of them belong to the read cannot be known
      if (position >= startTotal) throw changed(endpoint, `it lists more entries than its total of ${startTotal}`);
      if (position < this.next) {
        if (position >= this.next - span) {
          const seen = recent[position % span];
          if (!seen || opts.fingerprint(seen) !== opts.fingerprint(item)) {
            throw changed(endpoint, `entry ${opts.idOf(item)} is not where the listing had it`);
          }
        }
        // further back than the overlap kept: its content cannot be compared, and the pages ahead check the order
        continue;
      }
      if (position > this.next) {
        gap = position;
        break;
      }
      let before = k > 0 ? (items[k - 1] as T) : undefined;
      if (before === undefined && position > 0) {
        const earlier = recent[(position - 1) % span] as T;
        if (opts.idOf(earlier) === opts.idOf(item)) {
          if (position !== this.confirmed) {
            this.suspect = { item, first: position - 1, at: position };
            break;
          }
          before = earlier;
        }
      }
      const taken = distinct.take(item, before, position === this.confirmed);
      if (taken === 'confirm') {
        refuseBlock(distinct, opts, item, items[k + 1]);
        this.suspect = { item, first: distinct.positionOf(opts.idOf(item)), at: position };
        break;
      }
      recent[position % span] = item;
      this.next++;
      if (taken === 'new') fresh.push(item);
    }
    this.stalls = this.next > from ? 0 : this.stalls + 1;
    if (this.stalls > MAX_STALLS) throw changed(endpoint, `it kept moving: ${MAX_STALLS} reads in a row brought nothing new`);
    opts.onPage?.(fresh.length, startTotal);
    return { fresh, gap };
  }

  /** accept, with an entry read before re-read at both places before it counts as a repeat */
  private async settle(page: Page<T>, start: number): Promise<{ fresh: T[]; gap: number }> {
    let taken = this.accept(page, start);
    let fresh = taken.fresh;
    while (this.suspect) {
      const suspect = this.suspect;
      this.suspect = undefined;
      if (!(await this.foundTwice(suspect))) throw repeated(this.endpoint, this.opts.idOf(suspect.item));
      this.confirmed = suspect.at;
      taken = this.accept(page, start);
      fresh = fresh.concat(taken.fresh);
    }
    return { fresh, gap: taken.gap };
  }

  /** Whether the listing holds the suspect's entry, identical, at both of its positions, read where they stand now. */
  private async foundTwice({ item, first, at }: Suspect<T>): Promise<boolean> {
    const { opts, endpoint } = this;
    const id = opts.idOf(item);
    const fingerprint = opts.fingerprint(item);
    const kept = first >= at - this.span ? this.recent[first % this.span] : undefined;
    if (kept && opts.idOf(kept) === id && opts.fingerprint(kept) !== fingerprint) throw differentContent(endpoint, id);
    for (let attempt = 0; attempt < MAX_REFILLS; attempt++) {
      const both = await this.reread(first, at);
      if (!both) continue; // entries posted meanwhile: the two positions moved, look again where they are now
      const [a, b] = both;
      if (a !== undefined && opts.idOf(a) === id && opts.fingerprint(a) !== fingerprint) throw differentContent(endpoint, id);
      const same = (x: T | undefined) => x !== undefined && opts.fingerprint(x) === fingerprint;
      return same(a) && same(b);
    }
    return false;
  }

  /**
   * The entries at two positions of the read, where they stand now: in one response, pages of the smallest
   * size (no more than the provider serves) that does not split them, else one response each. Undefined when
   * a response shows another shift than the one they were looked for at (the largest shift seen is updated).
   */
  private async reread(first: number, at: number): Promise<[T | undefined, T | undefined] | undefined> {
    const shift = this.shiftSeen;
    const x = first + shift;
    const y = at + shift;
    // two neighbours fit a page of two at least, unless the provider serves one entry a page
    const largest = this.capped ? this.size : Math.max(this.size, 2);
    let size = y - x + 1;
    while (size <= largest && Math.floor(x / size) !== Math.floor(y / size)) size++;
    if (size <= largest) {
      const page = await this.readAt(Math.floor(x / size), size, shift);
      return page && [page.entryAt(x), page.entryAt(y)];
    }
    const one = await this.readAt(Math.floor(x / this.size), this.size, shift);
    const two = one && (await this.readAt(Math.floor(y / this.size), this.size, shift));
    return one && two && [one.entryAt(x), two.entryAt(y)];
  }

  /** Page `index` of pages of `size`, when it shows the shift expected; what stands at a position of the listing now. */
  private async readAt(index: number, size: number, shift: number): Promise<{ entryAt(at: number): T | undefined } | undefined> {
    const page = (await this.fetchPage(index, size))();
    const now = this.shiftOf(page);
    if (now !== shift) {
      this.shiftSeen = Math.max(this.shiftSeen, now);
      return undefined;
    }
    const start = page.start ?? index * size;
    return { entryAt: (at) => page.items[at - start] };
  }
}

/**
 * limit/offset with no total (conduit): each request overlaps the previous page by one entry; the overlap
 * must match, and a shift (entries posted meanwhile) is found by aligning on it. The listing ends on an
 * empty page.
 */
export async function* overlappingOffsets<T>(
  fetchAt: (offset: number, limit: number) => Promise<Page<T>>,
  opts: PagingOptions<T>,
): AsyncGenerator<T[]> {
  yield* new OffsetRead(fetchAt, opts).pages();
}

/** One read of a listing by overlapping offsets. */
class OffsetRead<T> {
  private readonly endpoint: string;
  private readonly distinct: Distinct<T>;
  /** the page size asked for */
  private readonly size: number;
  /** the page size the provider serves: what it echoes, else as asked until a short page proves not to be the last */
  private served: number;
  /** the newest entry when the read began: where it stands now is the shift */
  private headId = '';
  /** the last page read: its last entry is the overlap the next page must begin with */
  private previous: T[] = [];
  /** where the entry after the last one read stands in the listing now */
  private cursor = 0;
  /** entries posted at the head since the read began, as of the last page read */
  private shiftSoFar = 0;
  /** pages in a row that brought nothing new */
  private stalls = 0;

  constructor(
    private readonly fetchAt: (offset: number, limit: number) => Promise<Page<T>>,
    private readonly opts: PagingOptions<T>,
  ) {
    this.endpoint = opts.endpoint;
    this.distinct = new Distinct(opts, 0, true);
    this.size = opts.pageSize;
    this.served = opts.pageSize;
  }

  private fp(item: T): string {
    return this.opts.fingerprint(item);
  }

  async *pages(): AsyncGenerator<T[]> {
    const first = await this.read(0);
    yield await this.checked(first.items, 0);
    if (first.items.length === 0) return this.distinct.flush(); // an empty listing: its empty page is the proof
    this.headId = this.opts.idOf(first.items[0] as T);
    this.previous = first.items;
    this.cursor = first.items.length;
    let short = first.items.length < this.served;
    for (;;) {
      if (short) {
        // a page shorter than the provider serves: the end, when the listing holds nothing past it
        const after = await this.read(this.cursor);
        if (after.items.length === 0) return this.distinct.flush();
        // it does: the provider serves pages that long (or entries posted since, which the next read finds),
        // unless it said what it serves (an echo of the size asked says nothing: see read)
        if (after.served === undefined || after.served >= this.size) this.served = Math.max(1, Math.min(this.served, this.previous.length));
      }
      const step = this.served > 1 ? await this.overlapping() : await this.oneByOne();
      if (!step) return this.distinct.flush();
      yield step.fresh;
      short = step.short;
    }
  }

  /**
   * The page at `offset`, taking in the page size it echoes when that is less than asked: an echo of the very
   * limit asked says nothing, since APIs echo their limit parameter back while serving fewer.
   */
  private async read(offset: number, limit = this.size): Promise<Page<T>> {
    const page = await this.fetchAt(offset, limit);
    if (page.served !== undefined && page.served < limit && limit === this.size) this.served = page.served;
    if (page.items.length > this.served) this.served = page.items.length;
    return page;
  }

  /**
   * How many entries have posted since the start: where the start's newest entry now stands, looked for from
   * a page before where it stood at the last page read (entries post at the head, so it only moves further
   * on; found before that, entries were removed).
   */
  private async measureShift(): Promise<number> {
    let offset = Math.max(0, this.shiftSoFar - this.served);
    for (let probes = 0; probes < MAX_PROBES; probes++) {
      const probe = await this.read(offset);
      const at = probe.items.findIndex((item) => this.opts.idOf(item) === this.headId);
      if (at >= 0) return offset + at;
      if (probe.items.length === 0) break;
      offset += probe.items.length;
    }
    throw changed(this.endpoint, `its newest entry ${this.headId} is gone`);
  }

  /** Offsets j at which the page's first j+1 items repeat the previous page's last j+1 items. */
  private alignments(page: T[]): number[] {
    const { previous } = this;
    const found: number[] = [];
    const max = Math.min(page.length, previous.length);
    for (let j = 0; j < max; j++) {
      let match = true;
      for (let k = 0; k <= j && match; k++) match = this.fp(page[k] as T) === this.fp(previous[previous.length - 1 - j + k] as T);
      if (match) found.push(j);
    }
    return found;
  }

  /** The next page, overlapping the last one read by an entry: its new entries, and whether it was short. */
  private async overlapping(): Promise<{ fresh: T[]; short: boolean }> {
    let page = (await this.read(this.cursor - 1)).items;
    let candidates = this.alignments(page);
    let j: number;
    if (candidates.length === 1) {
      j = candidates[0] as number;
    } else {
      // none: moved by more than a page, or lost entries; several: identical entries at the seam
      let found = -1;
      for (let attempt = 0; attempt < MAX_REFILLS && found < 0; attempt++) {
        const moved = (await this.measureShift()) - this.shiftSoFar;
        if (moved < 0) throw changed(this.endpoint, 'entries were removed');
        if (attempt === 0 && candidates.includes(moved)) {
          found = moved;
          break;
        }
        page = (await this.read(this.cursor - 1 + moved)).items;
        candidates = this.alignments(page);
        if (candidates.includes(0)) {
          // re-read where the last entry emitted now stands: the shift is accounted for here, the overlap is 0
          this.cursor += moved;
          this.shiftSoFar += moved;
          found = 0;
        }
        // else more entries posted between the measure and the re-read: measure again
      }
      if (found < 0) throw changed(this.endpoint, `entry ${this.opts.idOf(this.previous[this.previous.length - 1] as T)} moved`);
      j = found;
    }
    this.shiftSoFar += j;
    // a full page with nothing new: a shift that large is rare, a listing that stopped moving (an offset it
    // clamps, the same page for every offset) is not; tally would otherwise ask for ever
    this.stall(j + 1 < page.length);
    const fresh = await this.checked(page, j + 1);
    this.cursor = this.cursor - 1 + page.length;
    this.previous = page;
    return { fresh, short: page.length < this.served };
  }

  /**
   * A provider that serves one entry a page, where no page holds the overlap and a new entry: the entry at
   * the cursor is read, then the last one read again where it stood — unmoved, nothing posted in between,
   * so the entry read follows it. Undefined at the end: an empty page at the cursor.
   */
  private async oneByOne(): Promise<{ fresh: T[]; short: boolean } | undefined> {
    const last = this.previous[this.previous.length - 1] as T;
    const page = await this.read(this.cursor);
    const entry = page.items[0];
    if (entry === undefined) return undefined;
    const stands = (await this.read(this.cursor - 1)).items[0];
    if (stands === undefined || this.fp(stands) !== this.fp(last)) {
      // entries posted meanwhile: read on from where the last entry read stands now
      const moved = (await this.measureShift()) - this.shiftSoFar;
      if (moved < 0) throw changed(this.endpoint, 'entries were removed');
      if (moved === 0) throw changed(this.endpoint, `entry ${this.opts.idOf(last)} moved`);
      this.cursor += moved;
      this.shiftSoFar += moved;
      this.stall(false);
      return { fresh: [], short: false };
    }
    this.stall(true);
    const fresh = await this.checked([last, ...page.items], 1);
    this.cursor += page.items.length;
    this.previous = page.items;
    return { fresh, short: false };
  }

  private stall(progressed: boolean): void {
    this.stalls = progressed ? 0 : this.stalls + 1;
    if (this.stalls > MAX_STALLS) throw changed(this.endpoint, `it kept moving: ${MAX_STALLS} reads in a row brought nothing new`);
  }

  /** The page's entries from `from` on that are new to the read (the overlap before `from` counts as their neighbour). */
  private async checked(page: T[], from: number): Promise<T[]> {
    const { distinct, opts } = this;
    const fresh: T[] = [];
    for (let k = from; k < page.length; k++) {
      const item = page[k] as T;
      const before = k > 0 ? (page[k - 1] as T) : undefined;
      let taken = distinct.take(item, before);
      if (taken === 'confirm') {
        refuseBlock(distinct, opts, item, page[k + 1]);
        if (!(await this.foundTwice(item, distinct.positionOf(opts.idOf(item)), distinct.position))) {
          throw repeated(this.endpoint, opts.idOf(item));
        }
        taken = distinct.take(item, before, true);
      }
      if (taken === 'new') fresh.push(item);
    }
    opts.onPage?.(fresh.length);
    return fresh;
  }

  /**
   * Whether the listing holds an entry read before, identical, at both of its positions in the read (`first`,
   * `at`), read where they stand now: the later one first, then the earlier, so that entries posting in
   * between (which move every entry further on) cannot show one entry at both.
   */
  private async foundTwice(item: T, first: number, at: number): Promise<boolean> {
    const { opts, endpoint } = this;
    const id = opts.idOf(item);
    const fingerprint = this.fp(item);
    let shift = this.shiftSoFar;
    for (let attempt = 0; attempt < MAX_REFILLS; attempt++) {
      const later = (await this.read(at + shift, 1)).items[0];
      const earlier = (await this.read(first + shift, 1)).items[0];
      for (const x of [later, earlier])
        if (x !== undefined && opts.idOf(x) === id && this.fp(x) !== fingerprint) throw differentContent(endpoint, id);
      if (later !== undefined && earlier !== undefined && opts.idOf(later) === id && opts.idOf(earlier) === id) return true;
      // entries posted meanwhile, or the listing does not hold it twice: where the newest entry stands now
      const measured = await this.measureShift();
      if (measured < shift) throw changed(endpoint, 'entries were removed');
      if (measured === shift) return false;
      shift = measured;
    }
    return false;
  }
}

/** An unpaginated listing (conflux): one request, newest first. No total and nothing to re-read: any repeat but a glitch fails. */
export async function* singlePage<T>(fetch: () => Promise<Page<T>>, opts: PagingOptions<T>): AsyncGenerator<T[]> {
  const { items } = await fetch();
  const distinct = new Distinct(opts);
  const fresh = items.filter((item, k) => distinct.take(item, k > 0 ? (items[k - 1] as T) : undefined) === 'new');
  distinct.flush();
  opts.onPage?.(fresh.length);
  yield fresh;
}
