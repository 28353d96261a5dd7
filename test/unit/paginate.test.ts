import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors.js';
import { countedPages, overlappingOffsets, type PagingOptions } from '../../src/providers/shared/paginate.js';

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

  it('keeps identical consecutive entries at a page seam, with or without a shift', async () => {
    for (const shift of [0, 1]) {
      const l = new Listing(300);
      const twin = l.items[99] as Item;
      l.items.splice(100, 0, { ...twin }); // entries 99 and 100 are the same entry listed twice
      l.beforeRequest = (n, listing) => {
        if (n === 2) listing.post(shift);
      };
      const ids = await collect(overlappingOffsets((o, n) => l.at(o, n), opts(100)));
      expect(ids).toHaveLength(301);
      expect(ids.filter((id) => id === twin.id)).toHaveLength(2);
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
