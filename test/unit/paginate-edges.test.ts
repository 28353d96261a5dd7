// Paging at its edges: the exact failure for each way a listing goes wrong, the prefetch window, page counts.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/core/errors.js';
import {
  countedPages,
  numberedPage,
  overlappingOffsets,
  type Page,
  type PagingOptions,
  singlePage,
} from '../../src/providers/shared/paginate.js';

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

  it('reads a listing of exactly one page, and of a page and one entry, with one request a page, and one past a full last page', async () => {
    // a full page that reaches the total does not show that nothing follows it (a total short of the listing):
    // the page after it is asked for, and found empty; a page shorter than the size served ends the listing
    for (const [count, pages] of [
      [5, 2],
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

  it.each([
    [150, 150],
    [150, undefined],
    [250, undefined],
  ])('reads %i entries once from a provider that answers every page with all of them (echoing %s), its total true', async (count, echo) => {
    // it pages by no size of tally's: the page after a full one lists the same entries again, nothing past the total
    const l = listing(count);
    const read = countedPages(async () => () => ({ ...l.page(0, count), served: echo }), opts(100));
    expect((await collect(read)).flat()).toEqual(ids(count, 0));
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

  it.each([
    [3, 'reads the page again where its entries went'],
    [15, 'even when more of them post than a page holds'],
  ])('skips the %i entries posted since the read began: %s', async (count) => {
    const l = listing(30);
    let posted = false;
    const read = countedPages(
      async (i, size = 10) => {
        if (i === 1 && !posted) {
          posted = true;
          l.post(count);
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
  it('reads a listing shorter than a page with one request and the empty page that proves its end, and an empty one as one empty page', async () => {
    const l = listing(7);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      return l.page(o, n);
    }, opts(10));
    expect(await collect(read)).toEqual([ids(7, 0)]);
    expect(requests).toBe(2);
    expect(await collect(overlappingOffsets(async () => ({ items: [] }), opts(10)))).toEqual([[]]);
  });

  it('asks each next page from the last entry read, so pages overlap by one, and past a short page for the empty page that ends it', async () => {
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
      [25, 10],
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

/** The ProviderError a read fails with. */
async function error(gen: AsyncGenerator<Item[]>): Promise<ProviderError> {
  try {
    await collect(gen);
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    return e as ProviderError;
  }
  throw new Error('the read did not fail');
}

describe('paging on its rare paths', () => {
  it('gives each way a listing fails a hint the user can act on', async () => {
    const l = listing(30);
    const fell = await error(countedPages(async (i) => () => (i === 1 ? { ...l.page(10, 10), total: 29 } : l.page(i * 10, 10)), opts(10)));
    expect(fell.suggestion).toBe('nothing was skipped or repeated silently; run the command again');
    const again = await error(
      singlePage(async () => ({ items: [...l.items.slice(0, 3), l.items[0] as Item] }), opts(100, { onRepeat: () => undefined })),
    );
    expect(again.suggestion).toBe('the provider pages inconsistently; run the command again, and report it to the provider if it persists');
    const other = await error(
      singlePage(async () => ({ items: [l.items[0] as Item, { id: 'e29', v: 1 }] }), opts(100, { onRepeat: () => undefined })),
    );
    expect(other.suggestion).toBe(
      'the provider changed an entry while tally read it, or reuses ids; run again, and report it to the provider if it persists',
    );
  });

  it('reports two separate glitches in one listing, each once, in order', async () => {
    const [e2, e1, e0] = listing(3).items as [Item, Item, Item];
    const repeats: string[] = [];
    const read = singlePage(
      async () => ({ items: [e2, { ...e2 }, e1, e0, { ...e0 }] }),
      opts(100, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect(await collect(read)).toEqual([['e2', 'e1', 'e0']]);
    expect(repeats).toEqual(['e2', 'e0']);
  });

  it('fails on three copies of one entry in a row, naming it', async () => {
    const [e2, e1, e0] = listing(3).items as [Item, Item, Item];
    const read = singlePage(async () => ({ items: [e2, e1, { ...e1 }, { ...e1 }, e0] }), opts(100, { onRepeat: () => undefined }));
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e1), so it cannot be read exactly once',
    );
  });

  it('names the glitch still waiting to be confirmed when an older entry repeats right after it', async () => {
    const [e2, e1] = listing(3).items as [Item, Item, Item];
    const read = singlePage(async () => ({ items: [e2, e1, { ...e1 }, { ...e2 }] }), opts(100, { onRepeat: () => undefined }));
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e1), so it cannot be read exactly once',
    );
  });

  it('fails on a counted listing that holds exactly one entry more than its total', async () => {
    const l = listing(31);
    const read = countedPages(async (i) => () => ({ items: l.items.slice(i * 10, i === 2 ? 31 : i * 10 + 10), total: 30 }), opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (it lists more entries than its total of 30)');
  });

  it('compares an entry read again exactly two pages behind the read, and none further back', async () => {
    for (const changedEntry of [false, true]) {
      const l = listing(60);
      let posted = false;
      const read = countedPages(
        async (i, size = 10) => {
          if (i === 3 && !posted) {
            posted = true;
            l.post(25); // page 3 now lists positions 5–14 of the read: 5–9 are more than two pages back
            if (changedEntry) l.items[35] = { ...(l.items[35] as Item), v: 999 }; // position 10: e49
          }
          const page = l.page(i * size, size);
          return () => page;
        },
        opts(10, { concurrency: 1 }),
      );
      if (changedEntry) {
        expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entry e49 is not where the listing had it)');
      } else {
        expect((await collect(read)).flat()).toEqual(ids(60, 0));
      }
    }
  });

  it('fails after twenty-one counted reads in a row that bring nothing new, and reads a long listing that keeps moving', async () => {
    const l = listing(30);
    let fetches = 0;
    const stuck = countedPages(
      async (i, size = 10) => {
        if (fetches++ > 0) l.post(10); // every page after the first lists the same ten entries again
        const page = l.page(i * size, size);
        return () => page;
      },
      opts(10, { concurrency: 1 }),
    );
    expect(await failure(stuck)).toBe(
      'GET /test: the ledger changed while tally read it (it kept moving: 20 reads in a row brought nothing new)',
    );
    expect(fetches).toBe(22);
    const long = listing(300);
    expect((await collect(countedPages(async (i) => () => long.page(i * 10, 10), opts(10)))).flat()).toEqual(ids(300, 0));
  });

  it('re-reads a seam at position 1 too: a second page of one entry that repeats the first fails when the listing does not hold it twice', async () => {
    const l = listing(3);
    const read = countedPages(
      async (i, size = 1) =>
        () =>
          i === 1 && size === 1 ? l.page(0, 1) : l.page(i * size, size),
      opts(1),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e2), so it cannot be read exactly once',
    );
  });

  it('names an entry listed twice across a page boundary with other content', async () => {
    const l = listing(200);
    l.items.splice(100, 0, { id: 'e100', v: 999 });
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          l.page(i * size, size),
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe('GET /test: entry e100 was returned twice with different content');
  });

  it('confirms a twin across a page boundary with pages of 60, where the re-read must not split the two', async () => {
    const l = listing(150);
    l.items.splice(60, 0, { ...(l.items[59] as Item) });
    const repeats: string[] = [];
    const read = countedPages(
      async (i, size = 60) =>
        () =>
          l.page(i * size, size),
      opts(60, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(ids(150, 0));
    expect(repeats).toEqual(['e90']);
  });

  it('gives up on a twin across a page boundary after five re-reads that each find an entry posted', async () => {
    const l = listing(200);
    l.items.splice(100, 0, { ...(l.items[99] as Item) });
    let rereads = 0;
    const read = countedPages(
      async (i, size = 100) => {
        if (size !== 100) {
          rereads++;
          l.post(1);
        }
        const page = l.page(i * size, size);
        return () => page;
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e100), so it cannot be read exactly once',
    );
    expect(rereads).toBe(5);
  });

  it('fails naming both totals when the total falls while a twin across a page boundary is re-read', async () => {
    const l = listing(200);
    l.items.splice(100, 0, { ...(l.items[99] as Item) });
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          size === 100 ? l.page(i * size, size) : { ...l.page(i * size, size), total: 200 },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (its total fell from 201 to 200)');
  });

  it('fails on a twin across a page boundary when the re-read comes back short', async () => {
    const l = listing(200);
    l.items.splice(100, 0, { ...(l.items[99] as Item) });
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          size === 100 ? l.page(i * size, size) : { items: [], total: 201 },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e100), so it cannot be read exactly once',
    );
  });

  it('fails naming how far it read when the page re-read to fill a gap comes back empty', async () => {
    const l = listing(30);
    const before = [...l.items];
    let page2 = 0;
    const read = countedPages(async (i) => {
      const page = i === 2 ? (page2++ === 0 ? { items: before.slice(20, 30), total: 30 } : { items: [], total: 33 }) : l.page(i * 10, 10);
      if (i === 0) l.post(3);
      return () => page;
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (it ended after 17 of 30 entries)');
  });

  it('fails naming the newest entry when it stands just past the twentieth page, after twenty probes', async () => {
    const l = listing(40);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      if (++requests === 2) l.post(205);
      return l.page(o, n);
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (its newest entry e39 is gone)');
    expect(requests).toBe(22);
  });

  it('emits a twin pair that ends a full page once when the last page holds only the overlap', async () => {
    const l = listing(9);
    const items = [...l.items, { ...(l.items[8] as Item) }];
    const repeats: string[] = [];
    const read = overlappingOffsets(async (o, n) => ({ items: items.slice(o, o + n) }), opts(10, { onRepeat: (i) => repeats.push(i.id) }));
    expect((await collect(read)).flat()).toEqual(ids(9, 0));
    expect(repeats).toEqual(['e0']);
  });

  it('measures the shift five times, no more, when entries keep posting as it looks', async () => {
    const l = listing(40);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      if (o % 10 !== 0) l.post(12);
      return l.page(o, n);
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entry e30 moved)');
    expect(requests).toBe(28);
  });

  it('fails saying entries were removed when entries posted during the read are removed again', async () => {
    const l = listing(40);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      if (requests === 2) l.post(3);
      if (requests === 3) l.items.splice(0, 2);
      return l.page(o, n);
    }, opts(10));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entries were removed)');
  });

  it('takes the measured shift at once when it is one of several alignments, with one probe and no re-read', async () => {
    const l = listing(30);
    const twin = l.items[8] as Item;
    l.items.splice(9, 0, { ...twin }); // the first page ends with the twins: once one entry posts, the seam has two alignments, 0 and 1
    let requests = 0;
    const repeats: string[] = [];
    const read = overlappingOffsets(
      async (o, n) => {
        requests++;
        if (requests === 2) l.post(1);
        return l.page(o, n);
      },
      opts(10, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(ids(30, 0));
    expect(repeats).toEqual([twin.id]);
    expect(requests).toBe(6); // the sixth: the empty page past the short last one
  });

  it('reads a listing of more than twenty-one full pages through offsets, and stops one that stalls after exactly twenty-one reads', async () => {
    const long = listing(300);
    expect((await collect(overlappingOffsets(async (o, n) => long.page(o, n), opts(10)))).flat()).toEqual(ids(300, 0));
    const l = listing(45);
    let requests = 0;
    const first = async () => {
      requests++;
      return { items: l.items.slice(0, 10) };
    };
    expect(await failure(overlappingOffsets(first, opts(10)))).toBe(
      'GET /test: the ledger changed while tally read it (it kept moving: 20 reads in a row brought nothing new)',
    );
    expect(requests).toBe(22);
  });

  it('probes the head and re-reads once for a shift of more than a page, and goes on', async () => {
    const l = listing(40);
    const asked: number[] = [];
    const read = overlappingOffsets(async (o, n) => {
      asked.push(o);
      if (asked.length === 2) l.post(15);
      return l.page(o, n);
    }, opts(10));
    expect((await collect(read)).flat()).toEqual(ids(40, 0));
    expect(asked).toEqual([0, 9, 0, 10, 24, 33, 42, 51, 55]); // 55: the empty page past the short last one
  });

  it('fails on three copies of one entry across a page seam read through offsets, naming it', async () => {
    const l = listing(30);
    const x = l.items[8] as Item;
    l.items.splice(9, 0, { ...x }, { ...x });
    const read = overlappingOffsets(async (o, n) => l.page(o, n), opts(10, { onRepeat: () => undefined }));
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e21), so it cannot be read exactly once',
    );
  });
});

/**
 * A provider serving at most `cap` entries a page, whatever is asked: by offset (the items start where asked),
 * or by page number (pages numbered in pages of the size served); `echo`: whether it says the size it served.
 */
function capped(l: ReturnType<typeof listing>, cap: number, echo: boolean) {
  const asked: Array<[index: number, size: number]> = [];
  return {
    asked,
    byOffset: async (i: number, size = 100) => {
      asked.push([i, size]);
      const served = Math.min(size, cap);
      const page = { ...l.page(i * size, served), ...(echo ? { served } : {}) };
      return () => page;
    },
    byPage: async (i: number, size = 100) => {
      asked.push([i, size]);
      const served = Math.min(size, cap);
      const page = numberedPage(i, size, l.page(i * served, served).items, l.items.length, echo ? served : undefined);
      return () => page;
    },
    offsets: async (o: number, n: number) => {
      asked.push([o, n]);
      const served = Math.min(n, cap);
      return { ...l.page(o, served), ...(echo ? { served } : {}) };
    },
  };
}

describe('a provider that serves fewer entries a page than asked', () => {
  it.each([
    [30, true],
    [30, false],
    [50, false],
    [1, true],
    [1, false],
  ])('counted pages by offset, capped at %i (echoing the size: %s), read every entry once', async (cap, echo) => {
    const l = listing(250);
    const p = capped(l, cap, echo);
    expect((await collect(countedPages(p.byOffset, opts(100)))).flat()).toEqual(ids(250, 0));
    // after the first page, every page is asked in the size served
    expect(p.asked.slice(1).every(([, size]) => size === cap)).toBe(true);
  });

  it.each([
    [30, true],
    [30, false],
    [7, true],
    [1, true],
    [1, false],
  ])('counted pages by page number, capped at %i (echoing the size: %s), are asked again in the size served', async (cap, echo) => {
    const l = listing(250);
    const p = capped(l, cap, echo);
    expect((await collect(countedPages(p.byPage, opts(100)))).flat()).toEqual(ids(250, 0));
    expect(p.asked[1]).toEqual([1, cap]);
    // a last page that is full (every page, at one entry a page) is followed by the empty page that ends it
    expect(p.asked.length).toBe(Math.ceil(250 / cap) + (250 % cap === 0 ? 1 : 0));
  });

  it('reads each entry once from a page-number listing capped at 30 while entries post between requests', async () => {
    const l = listing(400);
    let requests = 0;
    const read = countedPages(
      async (i, size = 100) => {
        if (requests++ > 0) l.post(requests % 3);
        const served = Math.min(size, 30);
        const page = numberedPage(i, size, l.page(i * served, served).items, l.items.length, served);
        return () => page;
      },
      opts(100, { concurrency: 3 }),
    );
    expect((await collect(read)).flat()).toEqual(ids(400, 0));
  });

  it('confirms a twin across a page boundary of pages of one entry with two single reads', async () => {
    const l = listing(20);
    l.items.splice(10, 0, { ...(l.items[9] as Item) });
    const repeats: string[] = [];
    const p = capped(l, 1, true);
    const read = countedPages(p.byPage, opts(100, { onRepeat: (i) => repeats.push(i.id) }));
    expect((await collect(read)).flat()).toEqual(ids(20, 0));
    expect(repeats).toEqual(['e10']);
  });

  it('takes a page shorter than the size asked, echoing that size, short of the total, for a cap: the echo is the limit parameter', async () => {
    const l = listing(250);
    const asked: number[] = [];
    const read = countedPages(async (i, size = 100) => {
      asked.push(size);
      const page = { ...l.page(i * size, Math.min(size, 60)), served: size };
      return () => page;
    }, opts(100));
    expect((await collect(read)).flat()).toEqual(ids(250, 0));
    expect(asked.slice(1).every((size) => size === 60)).toBe(true);
  });

  it('fails on a listing that leaves an entry out of every page that holds it, whatever the size asked (entries missing, not a cap)', async () => {
    const l = listing(250);
    const missing = l.items[150] as Item;
    const read = countedPages(async (i, size = 100) => {
      const page = l.page(i * size, size);
      const items = page.items.filter((item) => item !== missing);
      return () => ({ ...page, items, served: size });
    }, opts(100));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (entry e51 is not where the listing had it)');
  });

  it.each([
    [30, true, 10],
    [30, false, 11],
    [7, true, 43],
  ])('offsets capped at %i (echoing the size: %s) read every entry once, in %i requests', async (cap, echo, requests) => {
    const l = listing(250);
    const p = capped(l, cap, echo);
    expect((await collect(overlappingOffsets(p.offsets, opts(100)))).flat()).toEqual(ids(250, 0));
    // the last request is the empty page past the last entry
    expect(p.asked.at(-1)).toEqual([250, 100]);
    expect(p.asked.length).toBe(requests);
  });

  it.each([true, false])(
    'offsets capped at one entry a page (echoing the size: %s) read each entry, then the one before it again',
    async (echo) => {
      const l = listing(12);
      const p = capped(l, 1, echo);
      expect((await collect(overlappingOffsets(p.offsets, opts(100)))).flat()).toEqual(ids(12, 0));
      expect(p.asked.at(-1)).toEqual([12, 100]);
    },
  );

  it('reads each entry once from offsets capped at one entry a page while entries post between requests', async () => {
    const l = listing(30);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      requests++;
      if (requests % 7 === 0) l.post(requests % 3);
      return { ...l.page(o, Math.min(n, 1)), served: 1 };
    }, opts(100));
    expect((await collect(read)).flat()).toEqual(ids(30, 0));
  });

  it('finds a shift of more than a capped page by probing the head page by page as served', async () => {
    const l = listing(200);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      if (++requests === 3) l.post(45);
      return { ...l.page(o, Math.min(n, 20)), served: 20 };
    }, opts(100));
    expect((await collect(read)).flat()).toEqual(ids(200, 0));
  });

  it('fails naming the newest entry when a provider of one entry a page moves it further than twenty probes', async () => {
    const l = listing(10);
    let requests = 0;
    const read = overlappingOffsets(async (o, n) => {
      if (++requests === 3) l.post(25);
      return { ...l.page(o, Math.min(n, 1)), served: 1 };
    }, opts(100));
    expect(await failure(read)).toBe('GET /test: the ledger changed while tally read it (its newest entry e9 is gone)');
  });
});

/** The listing with the entry at `again` replaced by a copy of the one at `first` (newest first): one id listed twice. */
function farCopy(count: number, first: number, again: number, alter = false) {
  const l = listing(count);
  const original = l.items[first] as Item;
  l.items[again] = alter ? { ...original, v: -1 } : { ...original };
  return l;
}

/** Every id of a listing of `count` but the one at `again`, newest first. */
const allBut = (count: number, again: number) => ids(count, 0).filter((_, k) => k !== again);

describe('an entry listed again far from its first listing', () => {
  it.each([
    ['inside a page', 250],
    ["at a page's first entry", 200],
    ["at a page's last entry", 299],
  ])('counted pages read it once and tell onRepeat, when the listing holds it at both places (%s)', async (_where, again) => {
    const l = farCopy(450, 10, again);
    const repeats: string[] = [];
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          l.page(i * size, size),
      opts(100, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(450, again));
    expect(repeats).toEqual(['e439']);
  });

  it('counted pages capped at one entry a page confirm it with one read at each place', async () => {
    const l = farCopy(40, 3, 30);
    const repeats: string[] = [];
    const asked: number[] = [];
    const read = countedPages(
      async (i, size = 100) => {
        asked.push(i);
        return () => numberedPage(i, size, l.page(i, 1).items, l.items.length, 1);
      },
      opts(100, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(40, 30));
    expect(repeats).toEqual(['e36']);
    // 40 pages, two single reads, and the empty page past the last full one
    expect(asked.length).toBe(40 + 2 + 1);
  });

  it('counted pages find it again where it stands after entries post during the re-read', async () => {
    const l = farCopy(450, 10, 250);
    let rereads = 0;
    const read = countedPages(
      async (i, size = 100) => {
        if (size !== 100 && rereads++ === 0) l.post(3);
        const page = l.page(i * size, size);
        return () => page;
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(450, 250));
  });

  it('counted pages fail naming it when its content differs from its first listing', async () => {
    const l = farCopy(450, 10, 250, true);
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          l.page(i * size, size),
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe('GET /test: entry e439 was returned twice with different content');
  });

  it('counted pages fail when the listing read again does not hold it at both places (a page served wrong once)', async () => {
    const l = listing(450);
    let wrong = true;
    const read = countedPages(
      async (i, size = 100) => {
        const page = l.page(i * size, size);
        if (i !== 2 || !wrong) return () => page;
        // page 2, as first served, lists e439 in place of e199
        wrong = false;
        return () => ({ ...page, items: page.items.map((e) => (e.id === 'e199' ? { id: 'e439', v: 439 } : e)) });
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e439), so it cannot be read exactly once',
    );
  });

  it('counted pages fail on two in a row, a block listed again, without reading it again', async () => {
    const l = farCopy(450, 10, 250);
    l.items[251] = { ...(l.items[11] as Item) };
    const sizes: number[] = [];
    const read = countedPages(
      async (i, size = 100) => {
        sizes.push(size);
        return () => l.page(i * size, size);
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e439), so it cannot be read exactly once',
    );
    expect(sizes.every((size) => size === 100)).toBe(true);
  });

  it('counted pages fail on it when nothing hears of repeats, so none is dropped unseen', async () => {
    const l = farCopy(450, 10, 250);
    const read = countedPages(
      async (i, size = 100) =>
        () =>
          l.page(i * size, size),
      opts(100),
    );
    expect(await failure(read)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e439), so it cannot be read exactly once',
    );
  });

  it('offsets read it once and tell onRepeat, the later place read again first', async () => {
    const l = farCopy(450, 10, 250);
    const repeats: string[] = [];
    const asked: Array<[number, number]> = [];
    const read = overlappingOffsets(
      async (o, n) => {
        asked.push([o, n]);
        return l.page(o, n);
      },
      opts(100, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(450, 250));
    expect(repeats).toEqual(['e439']);
    expect(asked.filter(([, n]) => n === 1)).toEqual([
      [250, 1],
      [10, 1],
    ]);
  });

  it('offsets find it again where it stands after entries post while it is read again', async () => {
    const l = farCopy(450, 10, 250);
    let rereads = 0;
    const read = overlappingOffsets(
      async (o, n) => {
        if (n === 1 && rereads++ === 0) l.post(4);
        return l.page(o, n);
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(450, 250));
  });

  it('offsets of one entry a page read it once too', async () => {
    const l = farCopy(30, 2, 20);
    const repeats: string[] = [];
    const read = overlappingOffsets(
      async (o, n) => ({ ...l.page(o, Math.min(n, 1)), served: 1 }),
      opts(100, { onRepeat: (i) => repeats.push(i.id) }),
    );
    expect((await collect(read)).flat()).toEqual(allBut(30, 20));
    expect(repeats).toEqual(['e27']);
  });

  it('offsets fail naming it when its content differs, or when the listing read again does not hold it twice', async () => {
    const altered = farCopy(450, 10, 250, true);
    expect(await failure(overlappingOffsets(async (o, n) => altered.page(o, n), opts(100, { onRepeat: () => undefined })))).toBe(
      'GET /test: entry e439 was returned twice with different content',
    );
    const l = listing(450);
    let wrong = true;
    const once = overlappingOffsets(
      async (o, n) => {
        const page = l.page(o, n);
        if (!wrong || o > 250 || o + page.items.length <= 250) return page;
        wrong = false;
        return { items: page.items.map((e) => (e.id === 'e199' ? { id: 'e439', v: 439 } : e)) };
      },
      opts(100, { onRepeat: () => undefined }),
    );
    expect(await failure(once)).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e439), so it cannot be read exactly once',
    );
  });

  it('an unpaginated listing, with no total to account for it, still fails on it', async () => {
    const l = farCopy(50, 3, 40);
    expect(await failure(singlePage(async () => ({ items: l.items }), opts(100, { onRepeat: () => undefined })))).toBe(
      'GET /test: the listing repeats entries it already listed (from entry e46), so it cannot be read exactly once',
    );
  });
});
