// Every entry exactly once, or exit 4 and nothing written: repeated pages, seams, listing glitches, busy accounts.
// Commands run in process (test/helpers/in-process.ts: the same parsing, errors and exit codes as the binary,
// output through the io twin) over real sockets; what needs a process of its own (a signal, a closing
// connection seen from outside) runs the built binary.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { withHttpServer } from '../helpers/http.js';
import { expectWholeChain, parseNdjson } from '../helpers/ledger.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';
import { sandboxEnv } from '../helpers/tally.js';

const ENTRIES = 450;

let sandbox: Sandbox;
let dir: string;
/** conduit's ledger as the sandbox lists it, newest first */
const conduitEntries: unknown[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 3, entries: ENTRIES });
  dir = mkdtempSync(join(tmpdir(), 'tally-paging-'));
  const headers = { authorization: `Bearer ${sandbox.key('conduit', 'ok')}` };
  for (let offset = 0; offset < ENTRIES; offset += 100) {
    const page = (await (
      await fetch(`${sandbox.baseUrl('conduit')}/api/billing/ledger?limit=100&offset=${offset}`, { headers })
    ).json()) as {
      entries: unknown[];
    };
    conduitEntries.push(...page.entries);
  }
});
afterAll(() => sandbox.close());

interface Rewrite {
  /** Changes the request's query before it reaches the sandbox. */
  query?(q: URLSearchParams): void;
  /** Changes the sandbox's JSON answer before it reaches tally. */
  body?(body: Record<string, unknown>, q: URLSearchParams): unknown;
}

/** A misbehaving provider: the sandbox's own answers, with the paging parameters or the body rewritten. */
async function withRewrite<T>(provider: string, rewrite: Rewrite, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const upstream = sandbox.baseUrl(provider);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    rewrite.query?.(url.searchParams);
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-api-key']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    void (async () => {
      const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { headers });
      let text = await answer.text();
      if (rewrite.body && answer.ok) text = JSON.stringify(rewrite.body(JSON.parse(text) as Record<string, unknown>, url.searchParams));
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(text);
    })();
  };
  return withHttpServer(handler, (baseUrl) => fn({ ...sandboxEnv(sandbox, provider), TALLY_BASE_URL: baseUrl }));
}

describe('a listing that cannot account for its own total fails with exit 4 and writes nothing', () => {
  const repeated: Array<[style: string, provider: string, endpoint: string, rewrite: Rewrite]> = [
    ['page/page_size with a total', 'bytespike', 'GET /api/v1/me/billing/transactions', { query: (q) => q.set('page', '1') }],
    ['page/pageSize with a total', 'indigenius', 'GET /v1/billing/transactions', { query: (q) => q.set('page', '1') }],
    ['limit/offset with a total', 'account-api', 'GET /auth/account/ledger', { query: (q) => q.set('offset', '0') }],
    // 450 entries that repeat the first 200: each page's overlap with the one before still matches
    [
      'limit/offset with no total',
      'conduit',
      'GET /api/billing/ledger',
      {
        body: (b, q) => {
          const offset = Number(q.get('offset'));
          const length = Math.max(0, Math.min(Number(q.get('limit')), ENTRIES - offset));
          const entries = Array.from({ length }, (_, k) => conduitEntries[(offset + k) % 200]);
          return { ...b, entries, count: entries.length };
        },
      },
    ],
    [
      'an unpaginated history',
      'conflux',
      'GET /v1/billing/history',
      { body: (b) => ({ ...b, data: [...(b.data as unknown[]).slice(0, 200), ...(b.data as unknown[]).slice(0, 250)] }) },
    ],
  ];

  it.each(repeated)(
    'refuses repeated pages (%s: %s), naming the endpoint, and leaves no --out file',
    async (_style, provider, endpoint, rewrite) => {
      await withRewrite(provider, rewrite, async (env) => {
        const out = join(dir, `repeated-${provider}.csv`);
        const r = await tally(['ledger', 'export', '--out', out], { env });
        expect(r.stderr).toMatch(
          new RegExp(
            `^tally: ${endpoint}: the listing repeats entries it already listed \\(from entry \\w+\\), so it cannot be read exactly once\\n`,
          ),
        );
        expect(r.exitCode).toBe(4);
        expect(existsSync(out)).toBe(false);
        expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
        const stdout = await tally(['ledger', 'export', '--ndjson'], { env });
        expect(stdout.exitCode).toBe(4);
        expect(stdout.stdout).toBe('');
      });
    },
  );

  const stalled: Array<[what: string, provider: string, endpoint: string, detail: string, rewrite: Rewrite]> = [
    [
      'a limit/offset listing with no total that clamps an offset past its end to its last full page',
      'conduit',
      'GET /api/billing/ledger',
      'it kept moving: 20 reads in a row brought nothing new',
      {
        body: (b, q) => {
          const start = Math.min(Number(q.get('offset')), ENTRIES - Number(q.get('limit')));
          const entries = conduitEntries.slice(start, start + Number(q.get('limit')));
          return { ...b, entries, count: entries.length };
        },
      },
    ],
    [
      'a limit/offset listing with no total that answers its first page for every offset',
      'conduit',
      'GET /api/billing/ledger',
      'it kept moving: 20 reads in a row brought nothing new',
      { query: (q) => q.set('offset', '0') },
    ],
    [
      'a page/page_size listing whose total is lower than the entries it lists',
      'bytespike',
      'GET /api/v1/me/billing/transactions',
      `it lists more entries than its total of ${ENTRIES - 10}`,
      { body: (b) => ({ ...b, total: ENTRIES - 10 }) },
    ],
  ];

  it.each(stalled)(
    'refuses %s (exit 4, no --out file), instead of asking for ever or dropping entries',
    async (_what, provider, endpoint, detail, rewrite) => {
      await withRewrite(provider, rewrite, async (env) => {
        const out = join(dir, `stalled-${provider}.csv`);
        const r = await tally(['ledger', 'export', '--out', out], { env, timeoutMs: 20_000 });
        expect(r.stderr.split('\n')[0]).toBe(`tally: ${endpoint}: the ledger changed while tally read it (${detail})`);
        expect(r.exitCode).toBe(4);
        expect(existsSync(out)).toBe(false);
        const check = await tally(['reconcile'], { env, timeoutMs: 20_000 });
        expect(check.exitCode).toBe(4);
      });
    },
  );

  it('refuses a page/page_size listing whose pages drop an entry at a seam', async () => {
    // page 2 starts one entry late: 449 entries for a total of 450
    const seam: Rewrite = { body: (b, q) => (q.get('page') === '2' ? { ...b, items: (b.items as unknown[]).slice(1) } : b) };
    await withRewrite('bytespike', seam, async (env) => {
      const out = join(dir, 'seam.csv');
      const r = await tally(['ledger', 'export', '--out', out], { env });
      // page 2 holds 199 entries where 200 were asked (and echoed): read as a cap of 199, page 2 in pages of 199
      // starts one entry late again, where the entry before it was already read
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: GET /api/v1/me/billing/transactions: the ledger changed while tally read it (entry 900051 is not where the listing had it)',
      );
      expect(r.exitCode).toBe(4);
      expect(existsSync(out)).toBe(false);
    });
  });

  it('refuses a limit/offset listing with a total that skips entries at a seam', async () => {
    const seam: Rewrite = { query: (q) => q.get('offset') === '200' && q.set('offset', '201') };
    // page 3 starts one entry late, so page 4 starts with the entry page 3 ended on: one entry read twice, one never
    await withRewrite('account-api', seam, async (env) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env });
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: GET /auth/account/ledger: the listing repeats entries it already listed (from entry 1149), so it cannot be read exactly once',
      );
      expect(r.exitCode).toBe(4);
    });
  });
});

describe('an identical entry listed twice is written once, with a warning naming it', () => {
  it.each(['conduit', 'account-api', 'bytespike', 'indigenius'])(
    'writes the duplicate %s entry once and names it on stderr',
    async (provider) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env: sandboxEnv(sandbox, provider, 'bad') });
      expect(r.exitCode).toBe(0);
      const entries = parseNdjson(r.stdout);
      const ids = entries.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(ENTRIES);
      expect(r.stderr).toMatch(/^tally: warning: entry \w+ is listed twice by the provider; it is kept once\n?$/);
      const id = /entry (\w+)/.exec(r.stderr)?.[1];
      expect(ids).toContain(id);
    },
  );

  it('shows the duplicate once in ledger list, with the same warning', async () => {
    const r = await tally(['ledger', 'list', '--json', '--limit', '1000'], { env: sandboxEnv(sandbox, 'conduit', 'bad') });
    expect(r.exitCode).toBe(0);
    const ids = (JSON.parse(r.stdout) as Array<{ id: string }>).map((e) => e.id);
    expect(ids).toHaveLength(ENTRIES);
    expect(new Set(ids).size).toBe(ENTRIES);
    expect(r.stderr).toMatch(/^tally: warning: entry clx\w+ is listed twice by the provider; it is kept once\n?$/);
  });

  it('writes once an identical entry a conflux history lists twice', async () => {
    const twice: Rewrite = {
      body: (b) => {
        const data = b.data as unknown[];
        return { ...b, data: [...data.slice(0, 101), data[100], ...data.slice(101)] };
      },
    };
    await withRewrite('conflux', twice, async (env) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env });
      expect(r.exitCode).toBe(0);
      const ids = parseNdjson(r.stdout).map((e) => e.id);
      expect(ids).toHaveLength(ENTRIES);
      expect(new Set(ids).size).toBe(ENTRIES);
      expect(r.stderr).toMatch(/^tally: warning: entry tx_\w+ is listed twice by the provider; it is kept once\n?$/);
    });
  });

  it('still reports the duplicate in reconcile (exit 1)', async () => {
    const r = await tally(['reconcile', '--json'], { env: sandboxEnv(sandbox, 'bytespike', 'bad') });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(r.stdout) as { issues: Array<{ kind: string; entryId: string; message: string }> };
    const duplicates = report.issues.filter((i) => i.kind === 'duplicate');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]!.message).toBe(`entry ${duplicates[0]!.entryId} is listed twice`);
  });
});

describe('a busy account is exported exactly once', () => {
  it('exports every indigenius entry once while entries post between pages answered out of order', async () => {
    // 200 pages of 100 fetched four at a time: a page answered before an entry posted and the page before
    // it answered after sat one entry apart ("entries 3193–3193 … went missing", 3 and 4 exports of 5)
    const busy = await startSandbox({ port: 0, seed: 3, entries: 20000, faults: 'shift%10' });
    try {
      for (let run = 0; run < 3; run++) {
        const r = await tally(['ledger', 'export', '--ndjson'], { env: sandboxEnv(busy, 'indigenius') });
        expect(r.stderr).toBe('');
        expect(r.exitCode).toBe(0);
        const entries = parseNdjson(r.stdout);
        expect(entries.length).toBeGreaterThanOrEqual(20000);
        expectWholeChain(entries);
      }
    } finally {
      await busy.close();
    }
  }, 120_000);
});
