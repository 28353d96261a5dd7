// Paging at its edges: the exact failure for each way a listing goes wrong, the prefetch window, page counts.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors.js';
import { countedPages, overlappingOffsets, type Page, type PagingOptions, singlePage } from '../../src/providers/shared/paginate.js';

interface Item {
  id: string;
  v: number;
}

/** A newest-first listing of `count` entries (e{count-1} first) that can grow at the head between requests. */
function listing(count: number) {
  const items: Item[] = Array.from({ length: count }, (_, i) => ({ id: `e${count - 1 - i}`, v: count - 1 - i }));
  let next = count;
  return {
    items,
    post(n = 1) {
      for (let i = 0; i < n; i++) items.unshift({ id: `e${next}`, v: next++ });
    },
    page(offset: number, limit: number): Page<Item> {
      return { items: items.slice(offset, offset + limit), total: items.length };
    },
  };
}

const opts = (pageSize: number, over: Partial<PagingOptions<Item>> = {}): PagingOptions<Item> => ({
  pageSize,
  endpoint: 'GET /test',
  idOf: (i) => i.id,
  fingerprint: (i) => `${i.id}:${i.v}`,
  ...over,
});

async function collect(gen: AsyncGenerator<Item[]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const page of gen) out.push(page.map((i) => i.id));
  return out;
}

/** The message of the ProviderError a read fails with. */
async function failure(gen: AsyncGenerator<Item[]>): Promise<string> {
  try {
    await collect(gen);
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return (error as ProviderError).message;
  }
  throw new Error('the read did not fail');
}

const ids = (from: number, to: number) => Array.from({ length: from - to }, (_, k) => `e${from - 1 - k}`);

describe('counted pages at their edges', () => {
  it('fails naming the endpoint when the first page has no total', async () => {
    const l = listing(10);
    const read = countedPages(async (i) => () => ({ items: l.page(i * 5, 5).items }), opts(5));
    expect(await failure(read)).toBe('GET /test: the response has no total to page by');
  });

  it('reads a listing of exactly one page, and of a page and one entry, with one request a page', async () => {
    for (const [count, pages] of [
      [5, 1],
      [6, 2],
    ] as const) {
      const l = listing(count);
      const asked: number[] = [];
      const read = countedPages(async (i) => {
        asked.push(i);
        return () => l.page(i * 5, 5);
      }, opts(5));
      expect((await collect(read)).flat()).toEqual(ids(count, 0));
      expect(asked).toEqual(Array.from({ length: pages }, (_, i) => i));
    }
  });

  it('asks for four pages ahead by default, as many as told, and at least one', async () => {
    for (const [concurrency, ahead] of [
      [undefined, 4],
      [2, 2],
      [0, 1],
      [-3, 1],
    ] as const) {
      const l = listing(100);
      const asked: number[] = [];
      const read = countedPages(
        async (i) => {
          asked.push(i);
          return () => l.page(i * 10, 10);
        },
        opts(10, { concurrency }),
      );
      const it = read[Symbol.asyncIterator]();
      await it.next(); // page 0
      await it.next(); // page 1: the pages ahead are requested before it is read
      expect(asked, `concurrency ${concurrency}`).toEqual(Array.from({ length: 1 + ahead }, (_, i) => i));
      await it.return(undefined);
    }
  });

  it('tells onPage how many new entries each page brought', async () => {
    const l = listing(25);
    const counts: number[] = [];
    await collect(countedPages(async (i) => () => l.page(i * 10, 10), opts(10, { onPage: (n) => counts.push(n) })));
    expect(counts).toEqual([10, 10, 5]);
  });

  it('fails naming how far it read when a page comes back empty before the total', async () => {
    const l = listing(30);
    const read = countedPages(async (i) => () => (i === 2 ? { items: [], total: 30 } : l.page(i * 10, 10)), opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (it ended after 20 of 30 entries)');
  });

  it('fails naming both totals when the total falls', async () => {
    const l = listing(30);
    const read = countedPages(async (i) => () => (i === 1 ? { ...l.page(10, 10), total: 29 } : l.page(i * 10, 10)), opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (its total fell from 30 to 29)');
  });

  it('skips entries posted since the read began, and reads the page again where its entries went', async () => {
    const l = listing(30);
    let posted = false;
    const read = countedPages(
      async (i, size = 10) => {
        if (i === 1 && !posted) {
          posted = true;
          l.post(3);
        }
        const page = l.page(i * size, size);
        return () => page;
      },
      opts(10, { concurrency: 1 }),
    );
    expect((await collect(read)).flat()).toEqual(ids(30, 0));
  });

  it('gives up naming the missing entries when a gap does not fill after five re-reads', async () => {
    const l = listing(30);
    const before = [...l.items];
    // three entries post after the first page; page 1 is answered after them, page 2 (and every
    // re-read of it) as the listing was before, so entries 17–19 of the read stand nowhere
    const read = countedPages(async (i) => {
      const page = i === 2 ? { items: before.slice(20, 30), total: 30 } : l.page(i * 10, 10);
      if (i === 0) l.post(3);
      return () => page;
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entries 17–19 of 30 went missing)');
  });
});

describe('offsets without a total at their edges', () => {
  it('reads a listing shorter than a page with one request, and an empty one as one empty page', async () => {
    const l = listing(7);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      return l.page(o, n);
    }, opts(10));
    expect(await collect(read)).toEqual([ids(7, 0)]);
    expect(requests).toBe(1);
    expect(await collect(overlappingOffsets(async () => ({ items: [] }), opts(10)))).toEqual([[]]);
  });

  it('asks each next page from the last entry read, so pages overlap by one', async () => {
    const l = listing(25);
    const asked: Array<[number, number]> = [];
    const read = overlappingOffsets(async (o, n) => {
      asked.push([o, n]);
      return l.page(o, n);
    }, opts(10));
    expect(await collect(read)).toEqual([ids(25, 15), ids(15, 6), ids(6, 0)]);
    expect(asked).toEqual([
      [0, 10],
      [9, 10],
      [18, 10],
    ]);
  });

  it('tells onPage how many new entries each page brought', async () => {
    const l = listing(25);
    const counts: number[] = [];
    await collect(overlappingOffsets(async (o, n) => l.page(o, n), opts(10, { onPage: (n) => counts.push(n) })));
    expect(counts).toEqual([10, 9, 6]);
  });

  it('follows a small shift found at the overlap, then one of more than a page found by probing the head', async () => {
    const l = listing(600);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      if (requests === 2) l.post(3);
      if (requests === 4) l.post(150);
      return l.page(o, n);
    }, opts(100));
    expect((await collect(read)).flat()).toEqual(ids(600, 0));
  });

  it('fails saying entries were removed when the newest entry it read moved towards the head', async () => {
    const l = listing(40);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      if (++requests === 2) l.items.splice(0, 12); // more than a page gone from the head
      return l.page(o, n);
    }, opts(10));
    await expect(collect(read)).rejects.toThrow(
      /GET \/test: the ledger changed while tally read it \((its newest entry e39 is gone|entries were removed)\)/,
    );
  });

  it('fails naming the newest entry when it is no longer in the first twenty pages', async () => {
    const l = listing(40);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      if (++requests === 2) l.post(250);
      return l.page(o, n);
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (its newest entry e39 is gone)');
  });

  it('fails naming the entry it cannot find again when the listing keeps moving as it looks', async () => {
    const l = listing(40);
    const read = overlappingOffsets(async (o, n) => {
      // every read that is not a probe of the head (those ask at whole pages) finds 12 more entries posted
      if (o % 10 !== 0) l.post(12);
      return l.page(o, n);
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entry e30 moved)');
  });
});

describe('a single page at its edges', () => {
  it('reads every entry once and tells onPage how many', async () => {
    const l = listing(12);
    const counts: number[] = [];
    expect(await collect(singlePage(async () => l.page(0, 100), opts(100, { onPage: (n) => counts.push(n) })))).toEqual([ids(12, 0)]);
    expect(counts).toEqual([12]);
  });

  it('fails on an entry listed twice in a row at the very end when nothing hears of repeats', async () => {
    const l = listing(3);
    const items = [...l.items, { ...(l.items[2] as Item) }];
    expect(await failure(singlePage(async () => ({ items }), opts(100)))).toBe('GET /test: entry e0 is listed twice');
  });

  it('names an id listed twice in a row with other content', async () => {
    const l = listing(3);
    const items = [l.items[0] as Item, { id: 'e2', v: 99 }, ...l.items.slice(1)];
    expect(await failure(singlePage(async () => ({ items }), opts(100, { onRepeat: () => undefined })))).toBe(
      'GET /test: entry e2 was returned twice with different content',
    );
  });

  it('names the first id of a repeat that is not next to its original', async () => {
    const l = listing(3);
    const items = [...l.items, l.items[0] as Item];
    expect(await failure(singlePage(async () => ({ items }), opts(100, { onRepeat: () => undefined })))).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e2), so it cannot be read exactly once',
    );
  });
});
