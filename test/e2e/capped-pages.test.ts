// A provider that serves smaller pages than tally asks for: every entry is still read exactly once, in every
// paging style, whatever the cap (one that divides tally's page size, one that does not, one entry a page),
// whether or not the provider echoes the size it served. Each provider is a small server of the test's own.
// Commands run in process (test/helpers/in-process.ts) over real sockets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { expectWholeChain, parseNdjson } from '../helpers/ledger.js';
import { sandboxEnv } from '../helpers/tally.js';

/** Entries in the ledger: more than one of tally's pages at every cap but the largest provider page (200). */
const ENTRIES = 120;
const KEY = 'sk-capped-pages-test-0001';
const START = Date.parse('2026-03-01T00:00:00Z');

/** The ledger, oldest first: a purchase of 100.00 opens it, then debits; cents, and the balance after each. */
const LEDGER = (() => {
  let balance = 0;
  return Array.from({ length: ENTRIES }, (_, i) => {
    const cents = i === 0 ? 10_000 : -((i % 7) + 1) * 11;
    balance += cents;
    return { i, cents, balance, at: new Date(START + i * 3_600_000).toISOString() };
  });
})();
const NEWEST_FIRST = [...LEDGER].reverse();
const BALANCE = LEDGER[ENTRIES - 1]!.balance;
const usd = (cents: number) => cents / 100;

interface Cap {
  /** The most entries the provider serves a page, whatever tally asks for. */
  cap: number;
  /**
   * Whether the provider echoes the page size it served (the seeds' responses do), or leaves it out; `asked`:
   * it echoes the size asked for (its request parameter), not the one it served; `count`: the entries on the
   * page (0 on an empty one).
   */
  echo: boolean | 'asked' | 'count';
  /** The total (count) the provider reports, where it reports one: ENTRIES unless a test makes it lie. */
  total?: number;
}

/** The entries a request for `asked` entries from `offset` gets, and how many the provider served (or says it did). */
function slice(asked: number, cap: number, offset: number, echo: Cap['echo'] = true) {
  const served = Math.min(asked, cap);
  const entries = NEWEST_FIRST.slice(offset, offset + served);
  return { served, echoed: echo === 'asked' ? asked : echo === 'count' ? entries.length : served, entries };
}

type Route = (q: URLSearchParams, c: Cap) => unknown;

/** Each paging style, as its seed (and SPEC §1) documents it, with the cap applied. */
const PROVIDERS: Record<string, { endpoint: string; routes: Record<string, Route> }> = {
  conduit: {
    endpoint: 'GET /api/billing/ledger',
    routes: {
      '/api/billing/balance': () => ({ balanceInCents: BALANCE, balanceInDollars: usd(BALANCE) }),
      '/api/billing/ledger': (q, { cap, echo }) => {
        const offset = Number(q.get('offset') ?? 0);
        const { echoed, entries } = slice(Number(q.get('limit') ?? 10), cap, offset, echo);
        return {
          entries: entries.map((e) => ({
            id: `clx${e.i}`,
            type: e.i === 0 ? 'CREDIT_PURCHASE' : 'USAGE_DEBIT',
            amountInCents: e.cents,
            balanceAfterInCents: e.balance,
            metadata: e.i === 0 ? { stripePaymentId: 'pi_1' } : { model: 'gpt-4', tokens: 100 },
            createdAt: e.at,
          })),
          ...(echo ? { limit: echoed, offset, count: entries.length } : {}),
        };
      },
    },
  },
  'account-api': {
    endpoint: 'GET /auth/account/ledger',
    routes: {
      '/auth/account/credits': () => ({ balance: usd(BALANCE), reserved: 0, available: usd(BALANCE), currency: 'USD' }),
      '/auth/account/ledger': (q, { cap, echo, total }) => {
        const offset = Number(q.get('offset') ?? 0);
        const { echoed, entries } = slice(Number(q.get('limit') ?? 50), cap, offset, echo);
        return {
          data: entries.map((e) => ({
            id: 1000 + e.i,
            type: e.i === 0 ? 'credit' : 'debit',
            amount: usd(Math.abs(e.cents)),
            balance_after: usd(e.balance),
            description: e.i === 0 ? 'Credit purchase' : 'API usage',
            reference: e.i === 0 ? 'pay_1' : null,
            created_at: e.at,
          })),
          total: total ?? ENTRIES,
          ...(echo ? { limit: echoed, offset } : {}),
        };
      },
    },
  },
  bytespike: {
    endpoint: 'GET /api/v1/me/billing/transactions',
    routes: {
      '/api/v1/balance': () => ({ balance_usd: usd(BALANCE), currency: 'USD' }),
      // pages are numbered in pages of the size served: page 2 of pages capped at 50 starts at entry 50
      '/api/v1/me/billing/transactions': (q, { cap, echo, total }) => {
        const page = Number(q.get('page') ?? 1);
        const asked = Number(q.get('page_size') ?? 50);
        const served = Math.min(asked, cap);
        const { echoed, entries } = slice(asked, cap, (page - 1) * served, echo);
        return {
          items: entries.map((e) => ({
            id: 900_000 + e.i,
            created_at: e.at,
            kind: e.i === 0 ? 'topup' : 'admin_debit',
            amount_usd: usd(e.cents),
            balance_after_usd: usd(e.balance),
            source: {},
            note: null,
          })),
          total: total ?? ENTRIES,
          ...(echo ? { page, page_size: echoed } : {}),
        };
      },
    },
  },
  indigenius: {
    endpoint: 'GET /v1/billing/transactions',
    routes: {
      '/v1/billing/transactions': (q, { cap, echo, total = ENTRIES }) => {
        const page = Number(q.get('page') ?? 1);
        const asked = Number(q.get('pageSize') ?? 10);
        const served = Math.min(asked, cap);
        const { echoed, entries } = slice(asked, cap, (page - 1) * served, echo);
        return {
          status: true,
          message: 'Billing transactions fetched',
          data: entries.map((e) => ({
            id: `665e${String(e.i).padStart(8, '0')}`,
            type: e.i === 0 ? 'credit' : 'debit',
            amount: usd(Math.abs(e.cents)),
            balance_after: usd(e.balance),
            currency: 'USD',
            createdAt: e.at,
            description: e.i === 0 ? 'Plan top-up' : 'Agent minutes',
          })),
          meta: echo ? { page, pageSize: echoed, totalPages: Math.ceil(total / echoed), totalCount: total } : { totalCount: total },
        };
      },
    },
  },
};

/** Runs `fn` against `provider`'s API serving at most `cap` entries a page; `requests` counts the ledger's requests. */
async function withCappedProvider<T>(provider: string, c: Cap, fn: (env: Record<string, string>, requests: () => number) => Promise<T>) {
  const { routes, endpoint } = PROVIDERS[provider]!;
  let ledgerRequests = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    if (`GET ${url.pathname}` === endpoint) ledgerRequests++;
    res.writeHead(route === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(route === undefined ? { error: 'not found' } : route(url.searchParams, c)));
  };
  return withHttpServer(handler, (baseUrl) =>
    fn({ TALLY_PROVIDER: provider, TALLY_BASE_URL: baseUrl, TALLY_API_KEY: KEY }, () => ledgerRequests),
  );
}

const CAPS: Cap[] = [
  { cap: 50, echo: true },
  { cap: 30, echo: true }, // divides none of tally's page sizes (100, 200)
  { cap: 30, echo: false },
  { cap: 1, echo: true },
];

const cases = Object.keys(PROVIDERS).flatMap((provider) =>
  CAPS.map((c) => [provider, c.cap, c.echo ? 'echoing the size it served' : 'echoing nothing', c] as const),
);

describe('a provider that serves smaller pages than tally asks for is read whole', () => {
  it.each(cases)('%s capped at %i entries a page (%s): export writes every entry once', async (provider, _cap, _echo, c) => {
    await withCappedProvider(provider, c, async (env) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const entries = parseNdjson(r.stdout);
      expect(entries).toHaveLength(ENTRIES);
      expectWholeChain(entries);
      // the opening purchase, the oldest entry, is there
      expect(entries[ENTRIES - 1]).toMatchObject({ amount: '100.00', balanceAfter: '100.00' });
    });
  });

  it.each(cases)('%s capped at %i entries a page (%s): reconcile checks every entry', async (provider, _cap, _echo, c) => {
    await withCappedProvider(provider, c, async (env) => {
      const r = await tally(['reconcile', '--json'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout) as { checked: number; ok: boolean; opening: string; closing: string; issues: unknown[] };
      expect({ checked: report.checked, ok: report.ok, opening: report.opening, issues: report.issues }).toEqual({
        checked: ENTRIES,
        ok: true,
        opening: '0.00',
        issues: [],
      });
      expect(r.exitCode).toBe(0);
    });
  });

  it('states the month of a conduit capped at 50 from its opening purchase, not from the 50 newest entries', async () => {
    await withCappedProvider('conduit', { cap: 50, echo: true }, async (env) => {
      const r = await tally(['statement', '--month', '2026-03', '--json'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const statement = JSON.parse(r.stdout) as { opening: string; closing: string; entries: number; ok: boolean };
      expect(statement).toMatchObject({ opening: '0.00', closing: (BALANCE / 100).toFixed(2), entries: ENTRIES, ok: true });
    });
  });

  it('reads an uncapped conduit with one request more than its pages: the empty page that proves the end', async () => {
    await withCappedProvider('conduit', { cap: 100, echo: true }, async (env, requests) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env });
      expect(r.exitCode).toBe(0);
      expect(parseNdjson(r.stdout)).toHaveLength(ENTRIES);
      // offset 0 (100 entries), offset 99 (21 entries, 20 new), then offset 120: nothing
      expect(requests()).toBe(3);
    });
  });
});

describe('a provider that echoes the page size asked for, not the one it served, is read by what it served', () => {
  // an API that echoes its limit parameter while serving at most 50: the page itself shows the size served
  it.each([
    ['account-api', 3],
    ['bytespike', 3],
    ['indigenius', 3],
    ['conduit', 5],
  ] as const)('%s capped at 50, echoing the size asked: export writes every entry once in %i requests', async (provider, expected) => {
    await withCappedProvider(provider, { cap: 50, echo: 'asked' }, async (env, requests) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const entries = parseNdjson(r.stdout);
      expect(entries).toHaveLength(ENTRIES);
      expectWholeChain(entries);
      // pages of 50 once the first page showed it: no page asked again, none asked twice over
      expect(requests()).toBe(expected);
    });
  });

  it.each(['account-api', 'bytespike', 'indigenius'])(
    '%s capped at 50, echoing the size asked: reconcile checks every entry',
    async (provider) => {
      await withCappedProvider(provider, { cap: 50, echo: 'asked' }, async (env) => {
        const r = await tally(['reconcile', '--json'], { env, timeoutMs: 60_000 });
        expect(r.stderr).toBe('');
        expect(r.exitCode).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ checked: ENTRIES, ok: true, opening: '0.00', issues: [] });
      });
    },
  );
});

describe('a provider whose page size says the entries on the page, 0 on an empty one', () => {
  // 120 entries in three full pages of 40: the page after them, empty, says it holds 0
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])('%s: export writes every entry once (exit 0)', async (provider) => {
    await withCappedProvider(provider, { cap: 40, echo: 'count' }, async (env) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env, timeoutMs: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(parseNdjson(r.stdout)).toHaveLength(ENTRIES);
    });
  });
});

describe('a total short of the entries listed is no proof of the end', () => {
  // the newest 100 of 120 entries fill two pages of 50 exactly: only the page after them shows there is more
  const cases = ['account-api', 'bytespike', 'indigenius'].flatMap((provider) => [
    [provider, 50, ENTRIES - 20] as const,
    [provider, 1, ENTRIES - 1] as const,
  ]);
  const refusal = (provider: string, total: number) =>
    `tally: ${PROVIDERS[provider]!.endpoint}: the ledger changed while tally read it (it lists more entries than its total of ${total})\n` +
    '  nothing was skipped or repeated silently; run the command again';

  it.each(cases)(
    '%s capped at %i with a total of %i for 120 entries: reconcile fails (exit 4), never a clean run on the newest',
    async (provider, cap, total) => {
      await withCappedProvider(provider, { cap, echo: true, total }, async (env) => {
        const r = await tally(['reconcile'], { env, timeoutMs: 60_000 });
        expect({ code: r.exitCode, stderr: r.stderr }).toEqual({ code: 4, stderr: refusal(provider, total) });
      });
    },
  );

  it.each(cases)(
    '%s capped at %i with a total of %i for 120 entries: the statement fails (exit 4), never one whose opening is a later balance',
    async (provider, cap, total) => {
      await withCappedProvider(provider, { cap, echo: true, total }, async (env) => {
        const r = await tally(['statement', '--month', '2026-03', '--json'], { env, timeoutMs: 60_000 });
        expect({ code: r.exitCode, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 4, stdout: '', stderr: refusal(provider, total) });
      });
    },
  );

  it.each(['account-api', 'bytespike', 'indigenius'])(
    '%s with a true total that fills its last page reads one page more, finds it empty, and exports every entry',
    async (provider) => {
      await withCappedProvider(provider, { cap: 40, echo: true }, async (env, requests) => {
        const r = await tally(['ledger', 'export', '--ndjson'], { env, timeoutMs: 60_000 });
        expect(r.stderr).toBe('');
        expect(r.exitCode).toBe(0);
        expect(parseNdjson(r.stdout)).toHaveLength(ENTRIES);
        // three pages of 40, then the empty one past the total
        expect(requests()).toBe(4);
      });
    },
  );
});

describe('the sandbox caps its pages with --faults cap=N', () => {
  it('serves at most N entries a page on every paginated listing, echoing N where its API echoes a size, and numbering pages by it', async () => {
    const sandbox = await startSandbox({ port: 0, seed: 5, entries: 300, faults: 'cap=25' });
    try {
      const get = async (provider: string, path: string) => {
        const key = sandbox.key(provider, 'ok');
        const headers: Record<string, string> = provider === 'indigenius' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
        return (await (await fetch(`${sandbox.baseUrl(provider)}${path}`, { headers })).json()) as Record<string, unknown>;
      };
      const conduit = await get('conduit', '/api/billing/ledger?limit=100&offset=30');
      expect([(conduit.entries as unknown[]).length, conduit.limit, conduit.offset, conduit.count]).toEqual([25, 25, 30, 25]);
      const account = await get('account-api', '/auth/account/ledger?limit=100&offset=30');
      expect([(account.data as unknown[]).length, account.limit, account.offset]).toEqual([25, 25, 30]);
      const first = await get('bytespike', '/api/v1/me/billing/transactions?page=1&page_size=200');
      const spike = await get('bytespike', '/api/v1/me/billing/transactions?page=2&page_size=200');
      expect([(spike.items as unknown[]).length, spike.page, spike.page_size]).toEqual([25, 2, 25]);
      // page 2 of pages of 25 starts right after page 1's 25 entries
      const ids = (page: Record<string, unknown>) => (page.items as Array<{ id: number }>).map((e) => e.id);
      expect(ids(spike)[0]).toBe(ids(first)[24]! - 1);
      const usage = await get('bytespike', '/api/v1/me/usage?page=1&page_size=200');
      expect([(usage.items as unknown[]).length, usage.page_size]).toEqual([25, 25]);
      const indigenius = await get('indigenius', '/v1/billing/transactions?page=3&pageSize=100');
      expect([(indigenius.data as unknown[]).length, indigenius.meta]).toEqual([
        25,
        { page: 3, pageSize: 25, totalPages: Math.ceil(300 / 25), totalCount: 300 },
      ]);
      const history = await get('indigenius', '/v1/billing/history?page=1&pageSize=100');
      expect((history.data as unknown[]).length).toBe(25);
      // conflux's history is one response, not a page: nothing to cap
      const conflux = await get('conflux', '/v1/billing/history');
      expect((conflux.data as unknown[]).length).toBeGreaterThan(25);
    } finally {
      await sandbox.close();
    }
  });
});

describe('usage pages, capped, are read whole too', () => {
  it.each(['bytespike', 'indigenius', 'conduit'])(
    '%s usage from a sandbox serving 7 entries a page equals its usage served whole',
    async (provider) => {
      const end = new Date('2026-11-20T00:00:00Z');
      const whole = await startSandbox({ port: 0, seed: 9, entries: 300, end });
      const capped = await startSandbox({ port: 0, seed: 9, entries: 300, end, faults: 'cap=7' });
      try {
        const usage = async (sandbox: typeof whole) => {
          const r = await tally(['--json', 'usage', '--by', 'day'], { env: sandboxEnv(sandbox, provider), timeoutMs: 60_000 });
          expect(r.stderr).toBe('');
          expect(r.exitCode).toBe(0);
          return JSON.parse(r.stdout) as { totals: { requests: number } };
        };
        const expected = await usage(whole);
        expect(expected.totals.requests).toBeGreaterThan(14);
        expect(await usage(capped)).toEqual(expected);
      } finally {
        await whole.close();
        await capped.close();
      }
    },
  );
});
