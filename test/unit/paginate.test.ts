import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors.js';
import { IdSet } from '../../src/providers/shared/id-set.js';
import { countedPages, overlappingOffsets, type PagingOptions, singlePage } from '../../src/providers/shared/paginate.js';

interface Item {
  id: string;
  v: number;
}

/** A newest-first listing that can grow at the head (or lose entries) between requests. */
class Listing {
  items: Item[];
  next: number;
  requests = 0;
  beforeRequest: (n: number, l: Listing) => void = () => undefined;
  constructor(count: number) {
    this.items = Array.from({ length: count }, (_, i) => ({ id: `e${count - 1 - i}`, v: count - 1 - i }));
    this.next = count;
  }
  post(n = 1): void {
    for (let i = 0; i < n; i++) this.items.unshift({ id: `e${this.next}`, v: this.next++ });
  }
  async at(offset: number, limit: number) {
    this.beforeRequest(++this.requests, this);
    return { items: this.items.slice(offset, offset + limit), total: this.items.length };
  }
  /** The same page as countedPages takes it: fetched now, read when called (`reads` counts the calls). */
  reads = 0;
  async later(offset: number, limit: number) {
    const page = await this.at(offset, limit);
    return () => {
      this.reads++;
      return page;
    };
  }
}

const opts = (pageSize: number): PagingOptions<Item> => ({
  pageSize,
  endpoint: 'GET /test',
  idOf: (i) => i.id,
  fingerprint: (i) => `${i.id}:${i.v}`,
  concurrency: 3,
});

async function collect(gen: AsyncGenerator<Item[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const page of gen) for (const i of page) out.push(i.id);
  return out;
}

const expected = (count: number) => Array.from({ length: count }, (_, i) => `e${count - 1 - i}`);

describe('countedPages', () => {
  it('reads every page once, in order, with prefetching', async () => {
    const l = new Listing(1050);
    expect(await collect(countedPages((i) => l.later(i * 100, 100), opts(100)))).toEqual(expected(1050));
    expect(l.requests).toBe(11);
  });

  it('reads each entry exactly once when entries post between requests', async () => {
    const l = new Listing(1000);
    l.beforeRequest = (n, listing) => {
      if (n > 1) listing.post(n % 3);
    };
    expect(await collect(countedPages((i) => l.later(i * 100, 100), opts(100)))).toEqual(expected(1000));
  });

  it('follows a shift of more than a page', async () => {
    const l = new Listing(500);
    l.beforeRequest = (n, listing) => {
      if (n === 3) listing.post(250);
    };
    expect(await collect(countedPages((i) => l.later(i * 100, 100), { ...opts(100), concurrency: 1 }))).toEqual(expected(500));
  });

  it('fails rather than skip when entries disappear', async () => {
    const l = new Listing(500);
    l.beforeRequest = (n, listing) => {
      if (n === 3) listing.items.splice(10, 1);
    };
    await expect(collect(countedPages((i) => l.later(i * 100, 100), opts(100)))).rejects.toThrow(/total fell from 500 to 499/);
  });

  it('fails naming the id when an entry changes content under the overlap', async () => {
    const l = new Listing(300);
    l.beforeRequest = (n, listing) => {
      if (n === 2) {
        listing.post(1);
        listing.items[100] = { ...(listing.items[100] as Item), v: -1 };
      }
    };
    await expect(collect(countedPages((i) => l.later(i * 100, 100), { ...opts(100), concurrency: 1 }))).rejects.toThrow(
      /entry e200 is not where the listing had it/,
    );
  });

  it('reads a page fetched ahead only when its turn comes', async () => {
    const l = new Listing(1000);
    const seen: Array<[requests: number, reads: number]> = [];
    for await (const page of countedPages((i) => l.later(i * 100, 100), opts(100))) {
      expect(page).toHaveLength(100);
      seen.push([l.requests, l.reads]);
    }
    // three pages are requested ahead of the one read; each is read once, as it is emitted
    expect(seen.map(([, reads]) => reads)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen[1]?.[0]).toBeGreaterThan(2);
  });

  it('reads an empty listing as nothing', async () => {
    const l = new Listing(0);
    expect(await collect(countedPages((i) => l.later(i * 100, 100), opts(100)))).toEqual([]);
  });

  it('re-reads an entry that moved between two pages answered out of order, instead of failing', async () => {
    // page 2 is answered after page 3, and one entry posts in between: page 2 then starts one entry late
    const l = new Listing(600);
    let release: () => void = () => undefined;
    const page3Answered = new Promise<void>((r) => (release = r));
    const fetch = async (i: number, size = 100) => {
      if (i === 2) {
        await page3Answered;
        l.post(1);
      }
      const page = await l.later(i * size, size);
      if (i === 3) release();
      return page;
    };
    expect(await collect(countedPages(fetch, opts(100)))).toEqual(expected(600));
  });

  it('fails naming the endpoint when every page is the first page again', async () => {
    const l = new Listing(450);
    await expect(collect(countedPages(() => l.later(0, 100), opts(100)))).rejects.toThrow(
      'GET /test: the listing repeats entries it already listed (from entry e449), so it cannot be read exactly once',
    );
  });

  it('fails rather than drop entries it received when the listing holds more entries than its total', async () => {
    const l = new Listing(450);
    const understated = async (offset: number, limit: number) => {
      const page = await l.at(offset, limit);
      return () => ({ items: page.items, total: 440 });
    };
    await expect(collect(countedPages((i) => understated(i * 100, 100), opts(100)))).rejects.toThrow(
      'GET /test: the ledger changed while tally read it (it lists more entries than its total of 440)',
    );
    const single = async (offset: number, limit: number) => {
      const page = await l.at(offset, limit);
      return () => ({ items: page.items.slice(0, 100), total: 90 });
    };
    await expect(collect(countedPages((i) => single(i * 100, 100), opts(100)))).rejects.toThrow(
      'it lists more entries than its total of 90',
    );
  });

  it('fails when a page starts one entry late (one entry read twice across the seam, one never)', async () => {
    const l = new Listing(450);
    const fetch = (i: number, size = 100) => l.later(i === 2 && size === 100 ? 199 : i * size, size);
    await expect(collect(countedPages(fetch, opts(100)))).rejects.toThrow(/repeats entries it already listed \(from entry e250\)/);
  });

  it.each([
    ['inside a page', 50],
    ['across a page boundary', 99],
  ])('emits an identical entry listed twice in a row (%s) once, and reports it', async (_where, at) => {
    const l = new Listing(450);
    const twin = l.items[at] as Item;
    l.items.splice(at + 1, 0, { ...twin });
    const repeats: string[] = [];
    const ids = await collect(
      countedPages((i, size = 100) => l.later(i * size, size), { ...opts(100), onRepeat: (i) => repeats.push(i.id) }),
    );
    expect(ids).toEqual(expected(450));
    expect(repeats).toEqual([twin.id]);
  });

  it('confirms an entry listed twice across a page boundary where it stands after an entry posted', async () => {
    const l = new Listing(450);
    const twin = l.items[99] as Item;
    l.items.splice(100, 0, { ...twin });
    // requests 2–4 fetch pages 1–3 ahead; the 5th re-reads the seam, after an entry posted
    l.beforeRequest = (n, listing) => {
      if (n === 5) listing.post(1);
    };
    const repeats: string[] = [];
    const read = countedPages((i, size = 100) => l.later(i * size, size), { ...opts(100), onRepeat: (i) => repeats.push(i.id) });
    expect(await collect(read)).toEqual(expected(450));
    expect(repeats).toEqual([twin.id]);
  });

  it('fails on an entry listed twice in a row when nothing hears of repeats, so none is dropped unseen', async () => {
    const l = new Listing(450);
    l.items.splice(51, 0, { ...(l.items[50] as Item) });
    await expect(collect(countedPages((i) => l.later(i * 100, 100), opts(100)))).rejects.toThrow('GET /test: entry e399 is listed twice');
  });

  it('fails on two repeated entries in a row: a block listed again is no glitch', async () => {
    const l = new Listing(450);
    l.items.splice(52, 0, { ...(l.items[50] as Item) }, { ...(l.items[51] as Item) });
    await expect(collect(countedPages((i) => l.later(i * 100, 100), { ...opts(100), onRepeat: () => undefined }))).rejects.toThrow(
      /repeats entries it already listed \(from entry e399\)/,
    );
  });
});

describe('overlappingOffsets', () => {
  it('stops on a short page, overlapping each page by one', async () => {
    const l = new Listing(250);
    expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).toEqual(expected(250));
  });

  it('stops on an exactly full last page with one more request', async () => {
    const l = new Listing(200);
    expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).toEqual(expected(200));
  });

  it('re-aligns when entries post between pages', async () => {
    const l = new Listing(1000);
    l.beforeRequest = (n, listing) => {
      if (n > 1) listing.post(n % 4);
    };
    expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).toEqual(expected(1000));
  });

  it('probes the head when more entries post than a page holds', async () => {
    const l = new Listing(400);
    l.beforeRequest = (n, listing) => {
      if (n === 2) listing.post(150);
    };
    expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).toEqual(expected(400));
  });

  it('emits identical consecutive entries at a page seam once and reports the repeat, with or without a shift', async () => {
    for (const shift of [0, 1]) {
      const l = new Listing(300);
      const twin = l.items[99] as Item;
      l.items.splice(100, 0, { ...twin }); // entries 99 and 100 are the same entry listed twice
      l.beforeRequest = (n, listing) => {
        if (n === 2) listing.post(shift);
      };
      const repeats: string[] = [];
      const ids = await collect(overlappingOffsets((o, n) => l.at(o, n), { ...opts(100), onRepeat: (i) => repeats.push(i.id) }));
      expect(ids).toEqual(expected(300));
      expect(repeats).toEqual([twin.id]);
    }
  });

  it('follows two shifts of more than a page each', async () => {
    const l = new Listing(600);
    l.beforeRequest = (n, listing) => {
      if (n === 2 || n === 6) listing.post(150);
    };
    expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).toEqual(expected(600));
  });

  it('follows a shift of more than a page, then another while it measures the first', async () => {
    for (const second of [3, 4, 5, 6, 7]) {
      const l = new Listing(600);
      l.beforeRequest = (n, listing) => {
        if (n === 2) listing.post(150);
        if (n === second) listing.post(130);
      };
      expect(await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100))), `second shift before request ${second}`).toEqual(
        expected(600),
      );
    }
  });

  it('fails when entries disappear', async () => {
    const l = new Listing(400);
    l.beforeRequest = (n, listing) => {
      if (n === 3) listing.items.splice(50, 120);
    };
    await expect(collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).rejects.toBeInstanceOf(ProviderError);
  });

  it('fails naming the id when the same id arrives with different content', async () => {
    const l = new Listing(50);
    l.items.splice(10, 0, { id: (l.items[9] as Item).id, v: 999 });
    await expect(collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)))).rejects.toThrow(
      /entry e40 was returned twice with different content/,
    );
  });
});

describe('overlappingOffsets and singlePage against repeated blocks', () => {
  it('fails naming the endpoint when the listing repeats a block whose overlaps still match', async () => {
    const l = new Listing(200);
    const cycle = async (offset: number, limit: number) => ({
      items: Array.from({ length: Math.max(0, Math.min(limit, 450 - offset)) }, (_, k) => l.items[(offset + k) % 200] as Item),
    });
    await expect(collect(overlappingOffsets(cycle, opts(100)))).rejects.toThrow(
      'GET /test: the listing repeats entries it already listed (from entry e199), so it cannot be read exactly once',
    );
  });

  it('fails instead of asking for ever when every offset answers the first page again', async () => {
    const l = new Listing(450);
    let requests = 0;
    const first = async () => {
      requests++;
      return { items: l.items.slice(0, 100) };
    };
    await expect(collect(overlappingOffsets(first, opts(100)))).rejects.toThrow(
      'GET /test: the ledger changed while tally read it (it kept moving: 20 reads in a row brought nothing new)',
    );
    expect(requests).toBeLessThan(30);
  });

  it('fails instead of asking for ever when the listing clamps an offset past its end to its last full page', async () => {
    const l = new Listing(450);
    const clamped = async (offset: number, limit: number) => ({
      items: l.items.slice(Math.min(offset, 450 - limit), Math.min(offset, 450 - limit) + limit),
    });
    await expect(collect(overlappingOffsets(clamped, opts(100)))).rejects.toThrow('it kept moving: 20 reads in a row brought nothing new');
  });

  it('emits an identical entry an unpaginated listing repeats once, and fails on a repeated block', async () => {
    const l = new Listing(100);
    const twice = [...l.items.slice(0, 11), { ...(l.items[10] as Item) }, ...l.items.slice(11)];
    const repeats: string[] = [];
    expect(await collect(singlePage(async () => ({ items: twice }), { ...opts(100), onRepeat: (i) => repeats.push(i.id) }))).toEqual(
      expected(100),
    );
    expect(repeats).toEqual(['e89']);
    const block = [...l.items, ...l.items.slice(0, 20)];
    await expect(collect(singlePage(async () => ({ items: block }), opts(100)))).rejects.toThrow(
      /repeats entries it already listed \(from entry e99\)/,
    );
  });
});

describe('IdSet', () => {
  it('tells every id it holds from every one it does not, exactly', () => {
    const set = new IdSet();
    const id = (i: number) => `clx${i.toString(36).padStart(7, '0')}`;
    let added = 0;
    for (let i = 0; i < 200_000; i++) if (set.add(id(i))) added++;
    expect(added).toBe(200_000);
    expect(set.size).toBe(200_000);
    let again = 0;
    for (let i = 0; i < 200_000; i += 7) if (set.add(id(i))) again++;
    expect(again).toBe(0);
    let unknown = 0;
    for (let i = 200_000; i < 201_000; i++) if (set.has(id(i))) unknown++;
    expect(unknown).toBe(0);
    expect(set.has('clx0000000')).toBe(true);
    expect(set.has('clx000000')).toBe(false);
    expect(set.add('')).toBe(true);
    expect(set.add('')).toBe(false);
  });

  it('tells where each id was added among them, wide ids included, and -1 for one it does not hold', () => {
    const set = new IdSet();
    for (const id of ['a', 'tx_€1', 'b', '']) set.add(id);
    expect(['a', 'tx_€1', 'b', '', 'c', 'tx_€2'].map((id) => set.ordinalOf(id))).toEqual([0, 1, 2, 3, -1, -1]);
    expect(set.size).toBe(4);
    for (let i = 0; i < 5000; i++) set.add(`id${i}`);
    expect(set.ordinalOf('id4999')).toBe(5003);
    expect(set.ordinalOf('b')).toBe(2);
  });

  it('keeps ids with characters past Latin-1 exactly too', () => {
    const set = new IdSet();
    expect(set.add('tx_€1')).toBe(true);
    expect(set.add('tx_\u00ac1')).toBe(true); // U+20AC and U+00AC share their low byte
    expect(set.add('tx_€1')).toBe(false);
    expect(set.has('tx_€1')).toBe(true);
    expect(set.has('tx_€2')).toBe(false);
  });

  it('holds thousands of ids past Latin-1 between ordinary ones, growing its table, and finds each again', () => {
    const set = new IdSet();
    let added = 0;
    for (let i = 0; i < 20_000; i++) if (set.add(`€${i}`)) added++;
    for (let i = 0; i < 20_000; i++) if (set.add(`e${i}`)) added++;
    expect(added).toBe(40_000);
    expect(set.size).toBe(40_000);
    expect(set.ordinalOf('€19999')).toBe(19_999);
    expect(set.ordinalOf('e0')).toBe(20_000);
    expect(set.add('€7')).toBe(false);
    expect(set.add('e7')).toBe(false);
    expect(set.has('e20000')).toBe(false);
  });

  it('tells ids apart whose hashes place them side by side: every match is confirmed byte for byte', () => {
    // a small table: 1,500 ids crowd 2,048 slots, so probes run through long neighbourhoods
    const set = new IdSet(1);
    for (let i = 0; i < 1_500; i++) set.add(String(i));
    const ordinals = Array.from({ length: 1_500 }, (_, i) => set.ordinalOf(String(i)));
    expect(ordinals).toEqual(Array.from({ length: 1_500 }, (_, i) => i));
    expect(Array.from({ length: 1_500 }, (_, i) => set.has(String(1_500 + i))).some(Boolean)).toBe(false);
  });
});
