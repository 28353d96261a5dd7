// Money as the wire carries it (SPEC §2): JSON numbers that carry a provider's double-arithmetic noise, decimal
// strings longer than a double holds, and a ledger whose unit changes part way (SPEC §4 `unit_change`).
// Each provider here is a loopback server of the test's own; commands run in process over real sockets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withHttpServer } from '../helpers/http.js';
import { tallyInProcess as tally } from '../helpers/in-process.js';

const KEY = 'sk-money-wire-test-0001';
const env = (provider: string, baseUrl: string) => ({ TALLY_PROVIDER: provider, TALLY_BASE_URL: baseUrl, TALLY_API_KEY: KEY });

type Routes = Record<string, (url: URL) => { status: number; text: string }>;

/** A loopback provider answering by path with JSON text written by the test (numbers exactly as given). */
function handler(routes: Routes) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[url.pathname];
    const reply = route ? route(url) : { status: 404, text: '{"error":{"message":"not found"}}' };
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.text);
  };
}

interface Tx {
  amount: number;
  balance: number;
}

/**
 * ByteSpike's wallet (seeds/bytespike.txt): amounts and balances as JSON numbers, newest first, every page
 * at once; entries are given oldest first, one a minute from 2026-11-01.
 */
function bytespike(oldestFirst: Tx[], live: number): Routes {
  const items = oldestFirst
    .map((t, i) => ({
      id: 700000 + i,
      created_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
      kind: t.amount < 0 ? 'admin_debit' : 'admin_credit',
      amount_usd: t.amount,
      balance_after_usd: t.balance,
      source: { actor: 'ops@bytespike.ai' },
      note: null,
    }))
    .reverse();
  return {
    '/api/v1/balance': () => ({ status: 200, text: `{"balance_usd": ${String(live)}, "currency": "USD"}` }),
    '/api/v1/me/billing/transactions': (url) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      const size = Number(url.searchParams.get('page_size') ?? '50');
      const slice = items.slice((page - 1) * size, page * size);
      return { status: 200, text: JSON.stringify({ items: slice, total: items.length, page, page_size: size }) };
    },
  };
}

/** Indigenius' envelope (seeds/indigenius.txt), one page holding every transaction, newest first. */
const indigenius = (newestFirst: unknown[]): Routes => ({
  '/v1/billing/transactions': () => ({
    status: 200,
    text: JSON.stringify({
      status: true,
      message: 'ok',
      data: newestFirst,
      meta: { page: 1, pageSize: 100, totalPages: 1, totalCount: newestFirst.length },
    }),
  }),
});

/** An indigenius transaction in `currency`, `minute` minutes after 2026-11-01T10:00Z. */
const currencyTx = (id: string, amount: number, balance: number, currency: string, minute: number) => ({
  id,
  type: amount < 0 ? 'debit' : 'credit',
  amount,
  balance_after: balance,
  currency,
  createdAt: new Date(Date.UTC(2026, 10, 1, 10, minute)).toISOString(),
  description: 'x',
});

/** `count` entries of `step`, each balance the running sum in doubles, as a provider that adds floats writes it. */
function runningSum(count: number, step: number, start = 0): Tx[] {
  const out: Tx[] = [];
  let balance = start;
  for (let i = 0; i < count; i++) {
    balance += step;
    out.push({ amount: step, balance });
  }
  return out;
}

async function json<T>(args: string[], environment: Record<string, string>): Promise<{ code: number; value: T; stderr: string }> {
  const r = await tally(['--json', ...args], { env: environment });
  return { code: r.exitCode, value: (r.stdout === '' ? null : JSON.parse(r.stdout)) as T, stderr: r.stderr };
}

interface ReconcileJson {
  ok: boolean;
  checked: number;
  opening: string | null;
  closing: string | null;
  currentBalance: string | null;
  issues: Array<{ kind: string; entryId: string | null; previousId: string | null; delta: string | null; message: string }>;
}

describe('a provider that sums doubles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-doubles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('reads 0.30000000000000004 and 7.10000000000001 as 0.3 and 7.1, in every output', async () => {
    const ledger: Tx[] = [
      { amount: 0.1, balance: 0.1 },
      { amount: 0.1, balance: 0.2 },
      { amount: 0.1, balance: 0.30000000000000004 },
      { amount: 6.7, balance: 7.000000000000001 },
      { amount: 0.1, balance: 7.10000000000001 },
    ];
    await withHttpServer(handler(bytespike(ledger, 7.1)), async (base) => {
      const e = env('bytespike', base);
      const rec = await json<ReconcileJson>(['reconcile'], e);
      expect(rec.stderr).toBe('');
      expect(rec.code).toBe(0);
      expect(rec.value).toMatchObject({ ok: true, checked: 5, opening: '0.00', closing: '7.10', currentBalance: '7.10', issues: [] });
      const csv = await tally(['ledger', 'export', '--order', 'asc'], { env: e });
      expect(csv.exitCode).toBe(0);
      expect(csv.stdout.split('\n').map((line) => line.split(',').slice(4, 6).join(','))).toEqual([
        'amount,balance_after',
        '0.10,0.10',
        '0.10,0.20',
        '0.10,0.30',
        '6.70,7.00',
        '0.10,7.10',
      ]);
      const balance = await json<{ balance: string }>(['balance'], e);
      expect(balance.value.balance).toBe('7.10');
    });
  });

  it('finds no discrepancy in 500 entries of 0.1 summed in doubles, against a live balance computed another way', async () => {
    const ledger = runningSum(500, 0.1);
    // the running sum ends at 50.00000000000044, 240 units in the last place above 500 × 0.1 (50)
    expect(ledger.at(-1)?.balance).toBe(50.00000000000044);
    await withHttpServer(handler(bytespike(ledger, 500 * 0.1)), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('bytespike', base));
      expect(rec.value.issues).toEqual([]);
      expect(rec.code).toBe(0);
      const statement = await json<{ ok: boolean; difference: string }>(
        ['statement', '--since', '2026-11-01', '--until', '2026-11-02'],
        env('bytespike', base),
      );
      expect(statement.stderr).toBe('');
      expect(statement.code).toBe(0);
      expect(statement.value.ok).toBe(true);
    });
  });

  it('finds no discrepancy in 5,000 entries of 0.1 summed in doubles, live or offline from an export', async () => {
    const ledger = runningSum(5000, 0.1);
    // drift the reading does not take away: 500.0000000000452 is 2^-43 off
    expect(ledger.at(-1)?.balance).toBe(500.0000000000452);
    await withHttpServer(handler(bytespike(ledger, 500)), async (base) => {
      const live = await json<ReconcileJson>(['reconcile'], env('bytespike', base));
      expect(live.value.issues).toEqual([]);
      expect(live.code).toBe(0);
      // a period that opens inside the drift, its opening carried from the entry before it, rolls forward too
      const middle = await json<{ ok: boolean; entries: number }>(
        ['statement', '--since', '2026-11-02T12:00:00Z', '--until', '2026-11-05'],
        env('bytespike', base),
      );
      expect(middle.stderr).toBe('');
      expect([middle.code, middle.value.ok, middle.value.entries]).toEqual([0, true, 5000 - 2160]);
      // offline, from an export of it: the file does not say the figures were doubles
      for (const format of ['csv', 'ndjson', 'json']) {
        const file = join(dir, `doubles.${format}`);
        const exported = await tally(['ledger', 'export', '--format', format, '--out', file], { env: env('bytespike', base) });
        expect(exported.exitCode).toBe(0);
        const offline = await json<ReconcileJson>(['reconcile', '--file', file], {});
        expect([format, offline.value.issues]).toEqual([format, []]);
        expect(offline.code).toBe(0);
      }
    });
  });

  it('still finds a hundredth of a cent, in a ledger of noisy doubles', async () => {
    const ledger = runningSum(120, 0.1);
    const off = ledger[59] as Tx;
    off.balance += 0.0001;
    await withHttpServer(handler(bytespike(ledger, ledger.at(-1)?.balance as number)), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('bytespike', base));
      expect(rec.code).toBe(1);
      expect(rec.value.issues).toHaveLength(1);
      expect(rec.value.issues[0]).toMatchObject({ kind: 'chain_break', entryId: '700059', previousId: '700058', delta: '0.0001' });
    });
  });

  it('still finds a hundredth of a cent between the newest entry and the live balance', async () => {
    const ledger = runningSum(120, 0.1);
    await withHttpServer(handler(bytespike(ledger, 12.0001)), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('bytespike', base));
      expect(rec.code).toBe(1);
      expect(rec.value.issues).toEqual([expect.objectContaining({ kind: 'head_mismatch', delta: '0.0001' })]);
    });
  });

  it('still finds one credit in ten million, and no noise, in account-api credits sent as doubles', async () => {
    // debits of 0.1 credit sent positive (the adapter turns them negative), balances the running sum
    const start = 10_000_000.7;
    const rows: Array<{ id: string; type: string; amount: number; balance_after: number; created_at: string }> = [];
    let balance = start;
    for (let i = 0; i < 200; i++) {
      balance -= 0.1;
      rows.push({
        id: `c${i}`,
        type: 'debit',
        amount: 0.1,
        balance_after: i === 150 ? balance + 1 : balance,
        created_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
      });
    }
    rows.reverse();
    const routes: Routes = {
      '/auth/account/credits': () => ({ status: 200, text: JSON.stringify({ balance, currency: 'credits' }) }),
      '/auth/account/ledger': (url) => {
        const limit = Number(url.searchParams.get('limit') ?? '100');
        const offset = Number(url.searchParams.get('offset') ?? '0');
        return { status: 200, text: JSON.stringify({ data: rows.slice(offset, offset + limit), total: rows.length, limit, offset }) };
      },
    };
    await withHttpServer(handler(routes), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('account-api', base));
      expect(rec.code).toBe(1);
      expect(rec.value.issues).toEqual([expect.objectContaining({ kind: 'chain_break', entryId: 'c150', delta: '1' })]);
    });
  });
});

describe('decimal strings', () => {
  const tx = (id: string, amount: string, balance: string, minute: number) => ({
    id,
    type: amount.startsWith('-') ? 'debit' : 'credit',
    amount,
    balance_after: balance,
    currency: 'USD',
    createdAt: new Date(Date.UTC(2026, 10, 1, 0, minute)).toISOString(),
    description: 'x',
  });

  it('reads a decimal string digit for digit, beyond what a double holds', async () => {
    const ledger = [tx('t2', '-0.01', '12345678901234567.88', 1), tx('t1', '12345678901234567.89', '12345678901234567.89', 0)];
    await withHttpServer(handler(indigenius(ledger)), async (base) => {
      const e = env('indigenius', base);
      const out = await json<Array<{ amount: string; balanceAfter: string }>>(['ledger', 'export'], e);
      expect(out.code).toBe(0);
      expect(out.value.map((x) => [x.amount, x.balanceAfter])).toEqual([
        ['-0.01', '12345678901234567.88'],
        ['12345678901234567.89', '12345678901234567.89'],
      ]);
      const rec = await json<ReconcileJson>(['reconcile'], e);
      expect(rec.value).toMatchObject({ ok: true, opening: '0.00', closing: '12345678901234567.88', issues: [] });
    });
  });

  it('finds a difference of a cent in a balance beyond what a double holds', async () => {
    const ledger = [tx('t2', '-0.01', '12345678901234567.89', 1), tx('t1', '12345678901234567.89', '12345678901234567.89', 0)];
    await withHttpServer(handler(indigenius(ledger)), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('indigenius', base));
      expect(rec.code).toBe(1);
      expect(rec.value.issues).toEqual([expect.objectContaining({ kind: 'chain_break', entryId: 't2', delta: '0.01' })]);
    });
  });
});

describe('a ledger whose unit changes', () => {
  // 50 USD, 50 USD, then a 5 EUR debit leaving 95: the sum is meaningless across the change
  const routes = indigenius([currencyTx('e3', -5, 95, 'EUR', 2), currencyTx('u2', 50, 100, 'USD', 1), currencyTx('u1', 50, 50, 'USD', 0)]);
  const dir = mkdtempSync(join(tmpdir(), 'tally-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const period = ['--since', '2026-11-01', '--until', '2026-11-02'];

  it('is a unit_change in reconcile, exit 1, never summed', async () => {
    await withHttpServer(handler(routes), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('indigenius', base));
      expect(rec.code).toBe(1);
      expect(rec.value.ok).toBe(false);
      expect(rec.value.issues).toEqual([
        expect.objectContaining({
          kind: 'unit_change',
          entryId: 'e3',
          previousId: 'u2',
          delta: null,
          message: 'entry e3 is in EUR, the entry before it (u2) in USD: amounts in different units are never summed',
        }),
      ]);
      const text = await tally(['--tz', 'UTC', 'reconcile'], { env: env('indigenius', base) });
      expect(text.exitCode).toBe(1);
      expect(text.stderr.split('\n')[0]).toBe(
        'indigenius: 3 entries checked, 2026-11-01 10:00:00 → 2026-11-01 10:02:00 (UTC), opening 0.00 USD → closing 95.00 EUR; 1 issue',
      );
    });
  });

  it('is refused by statement with exit 4 naming the entry, until the period holds one unit', async () => {
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['statement', ...period], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'tally: indigenius: the ledger changes unit at entry e3 (2026-11-01T10:02:00.000Z): USD before it, EUR from it; amounts in different units are never summed\n' +
          '  narrow the period to one unit with --since or --until',
      );
      const usd = await json<{ unit: string; opening: string; closing: string; ok: boolean }>(
        ['statement', '--since', '2026-11-01', '--until', '2026-11-01T10:02:00Z'],
        env('indigenius', base),
      );
      expect(usd.code).toBe(0);
      expect(usd.value).toMatchObject({ unit: 'USD', opening: '0.00', closing: '100.00', ok: true });
      const eur = await tally(['--json', 'statement', '--since', '2026-11-01T10:02:00Z', '--until', '2026-11-02'], {
        env: env('indigenius', base),
      });
      expect(eur.exitCode).toBe(0);
      expect(JSON.parse(eur.stdout)).toMatchObject({ unit: 'EUR', opening: '100.00', closing: '95.00', ok: true });
      const eurText = await tally(['statement', '--since', '2026-11-01T10:02:00Z', '--until', '2026-11-02'], {
        env: env('indigenius', base),
      });
      expect(eurText.exitCode).toBe(0);
      expect(eurText.stderr).toContain(
        "note: the last entry before the period, u2 (2026-11-01 10:01:00 UTC), is in USD, so the opening is what the period's first entry started from",
      );
    });
  });

  it.each(['hledger', 'beancount'])('is refused by the %s journal with exit 4 naming the entry, and no file', async (format) => {
    await withHttpServer(handler(routes), async (base) => {
      const out = join(dir, `units.${format}`);
      const r = await tally(['ledger', 'export', '--format', format, '--out', out, ...period], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr.split('\n')[0]).toBe(
        'tally: indigenius: the ledger changes unit at entry e3 (2026-11-01T10:02:00.000Z): USD before it, EUR from it; amounts in different units are never summed',
      );
      expect(() => readFileSync(out)).toThrow();
    });
  });

  it('is refused by the workbook with exit 4 naming the entry, and no file', async () => {
    await withHttpServer(handler(routes), async (base) => {
      const out = join(dir, 'units.xlsx');
      const r = await tally(['ledger', 'export', '--format', 'xlsx', '--out', out, ...period], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(4);
      expect(r.stderr.split('\n')[0]).toContain('the ledger changes unit at entry e3');
      expect(() => readFileSync(out)).toThrow();
    });
  });

  it('is exported as it is to CSV, each row with its own unit', async () => {
    await withHttpServer(handler(routes), async (base) => {
      const r = await tally(['ledger', 'export', '--order', 'asc'], { env: env('indigenius', base) });
      expect(r.exitCode).toBe(0);
      expect(r.stdout.split('\n').map((line) => line.split(',')[6])).toEqual(['unit', 'USD', 'USD', 'EUR']);
      // and read back, the change is found offline too
      const file = join(dir, 'units.csv');
      expect((await tally(['ledger', 'export', '--out', file], { env: env('indigenius', base) })).exitCode).toBe(0);
      const offline = await json<ReconcileJson>(['reconcile', '--file', file], {});
      expect(offline.code).toBe(1);
      expect(offline.value.issues).toEqual([expect.objectContaining({ kind: 'unit_change', entryId: 'e3', previousId: 'u2' })]);
    });
  });
});

describe('a burn rate over spending in two units', () => {
  it('is not known, and says why, rather than summed', async () => {
    const routes = indigenius([
      currencyTx('e3', -5, 35, 'EUR', 2),
      currencyTx('u2', -10, 40, 'USD', 1),
      currencyTx('u1', 50, 50, 'USD', 0),
    ]);
    await withHttpServer(handler(routes), async (base) => {
      const now = new Date('2026-11-02T00:00:00Z');
      const r = await tally(['--json', 'balance'], { env: env('indigenius', base), now });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ balance: '35.00', unit: 'EUR', burnPerDay: null, runwayDays: null });
      const days = await tally(['balance', '--min-days', '3'], { env: env('indigenius', base), now });
      expect(days.exitCode).toBe(4);
      expect(days.stderr).toContain(
        'entry u2 of the last 7 days is in USD, the balance in EUR: spending in different units is never summed',
      );
    });
  });
});

describe('a live balance in another unit than the ledger', () => {
  it('is a unit_change, never compared as if the units were one', async () => {
    const routes = bytespike([{ amount: 50, balance: 50 }], 50);
    routes['/api/v1/balance'] = () => ({ status: 200, text: '{"balance_usd": 50, "currency": "EUR"}' });
    await withHttpServer(handler(routes), async (base) => {
      const rec = await json<ReconcileJson>(['reconcile'], env('bytespike', base));
      expect(rec.code).toBe(1);
      expect(rec.value.issues).toEqual([
        expect.objectContaining({
          kind: 'unit_change',
          entryId: '700000',
          message: 'the live balance is in EUR, the newest entry 700000 in USD: balances in different units are never compared',
        }),
      ]);
    });
  });
});

describe('a ledger whose unit changes after its checkpoint', () => {
  it('is a unit_change (exit 1) on the next --checkpoint run, not a checkpoint file refused as bad (exit 2)', async () => {
    const ledger = [currencyTx('u2', 50, 100, 'USD', 1), currencyTx('u1', 50, 50, 'USD', 0)];
    const cfg = mkdtempSync(join(tmpdir(), 'tally-units-checkpoint-'));
    try {
      await withHttpServer(
        handler({ '/v1/billing/transactions': (url) => (indigenius(ledger)['/v1/billing/transactions'] as Routes[string])(url) }),
        async (base) => {
          const first = await tally(['reconcile', '--checkpoint', '-q'], { env: env('indigenius', base), configDir: cfg });
          expect([first.exitCode, first.stderr]).toEqual([0, '']);
          // the account is billed in EUR from now on
          ledger.unshift(currencyTx('e3', -5, 95, 'EUR', 2));
          const next = await json<ReconcileJson>(['reconcile', '--checkpoint'], { ...env('indigenius', base), TALLY_CONFIG_DIR: cfg });
          expect(next.stderr).toBe('');
          expect(next.code).toBe(1);
          expect(next.value.issues).toEqual([expect.objectContaining({ kind: 'unit_change', entryId: 'e3', previousId: 'u2' })]);
        },
      );
    } finally {
      rmSync(cfg, { recursive: true, force: true });
    }
  });
});
