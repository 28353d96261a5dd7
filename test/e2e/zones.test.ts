// Provider timestamps without an offset are UTC (SPEC §2), whatever zone the machine runs in.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { withHttpServer } from '../helpers/http.js';
import { parseNdjson } from '../helpers/ledger.js';
import { tally } from '../helpers/tally.js';

/** Conduit entries, newest first, stamped the ways a provider may write a time without its zone. */
const ENTRIES = [
  { id: 'clx0000004', createdAt: '2026-05-21 14:08:11', amountInCents: -12, balanceAfterInCents: 1976 },
  { id: 'clx0000003', createdAt: '2026-05-21T14:08:10', amountInCents: -7, balanceAfterInCents: 1988 },
  { id: 'clx0000002', createdAt: '2026-05-21T14:08:09.25', amountInCents: -5, balanceAfterInCents: 1995 },
  { id: 'clx0000001', createdAt: '2026-05-21 14:08:08.123456', amountInCents: 2000, balanceAfterInCents: 2000 },
];

function conduit(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  res.setHeader('content-type', 'application/json');
  if (url.pathname === '/api/billing/balance') {
    res.end(JSON.stringify({ balanceInCents: 1976, balanceInDollars: 19.76 }));
    return;
  }
  const limit = Number(url.searchParams.get('limit') ?? 10);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  const page = ENTRIES.slice(offset, offset + limit).map((e) => ({
    ...e,
    type: e.amountInCents > 0 ? 'CREDIT_PURCHASE' : 'USAGE_DEBIT',
    metadata: {},
  }));
  res.end(JSON.stringify({ entries: page, limit, offset, count: page.length }));
}

const env = (baseUrl: string, tz: string) => ({
  TALLY_PROVIDER: 'conduit',
  TALLY_BASE_URL: baseUrl,
  TALLY_API_KEY: 'sk-conduit-test-0001',
  TZ: tz,
});

describe('provider timestamps without an offset', () => {
  it.each(['America/New_York', 'Asia/Kolkata', 'UTC'])('are exported as UTC on a machine in %s', async (tz) => {
    await withHttpServer(conduit, async (baseUrl) => {
      const r = await tally(['ledger', 'export', '--ndjson'], { env: env(baseUrl, tz) });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(parseNdjson(r.stdout).map((e) => e.createdAt)).toEqual([
        '2026-05-21T14:08:11.000Z',
        '2026-05-21T14:08:10.000Z',
        '2026-05-21T14:08:09.250Z',
        '2026-05-21T14:08:08.123Z',
      ]);
    });
  });

  it('show in the machine zone in a table, read as UTC first', async () => {
    await withHttpServer(conduit, async (baseUrl) => {
      const r = await tally(['ledger', 'list', '--limit', '1'], { env: env(baseUrl, 'Asia/Kolkata') });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      const [header, row] = r.stdout.split('\n');
      expect(header).toMatch(/^CREATED AT \(Asia\/(Kolkata|Calcutta)\)\t/);
      expect(row!.split('\t')[0]).toBe('2026-05-21 19:38:11');
    });
  });
});
