// A conduit account a test writes and serves from a node:http server of its own (withHttpServer): entries
// oldest first, amounts in cents, each balance following, listed newest first by limit and offset as documented.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ConduitEntry {
  id: string;
  type: string;
  amountInCents: number;
  balanceAfterInCents: number;
  createdAt: string;
}

export class ConduitAccount {
  entries: ConduitEntry[] = [];
  /** The live balance the balance endpoint answers; by default the newest entry's balance_after (0 with none). */
  balanceInCents: number | undefined;

  constructor(count: number, start = Date.UTC(2026, 0, 1)) {
    for (let i = 0; i < count; i++) this.post(i % 25 === 0 ? 5000 : -(7 + (i % 13)), start + i * 60_000);
  }

  post(amount: number, at = Date.parse(this.entries.at(-1)!.createdAt) + 60_000): void {
    const before = this.entries.at(-1)?.balanceAfterInCents ?? 0;
    const i = this.entries.length;
    this.entries.push({
      id: `clx${i.toString(36).padStart(7, '0')}`,
      type: amount > 0 ? 'CREDIT_PURCHASE' : 'USAGE_DEBIT',
      amountInCents: amount,
      balanceAfterInCents: before + amount,
      createdAt: new Date(at).toISOString(),
    });
  }

  handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/api/billing/balance') {
      const cents = this.balanceInCents ?? this.entries.at(-1)?.balanceAfterInCents ?? 0;
      res.end(JSON.stringify({ balanceInCents: cents, balanceInDollars: cents / 100 }));
      return;
    }
    const limit = Number(url.searchParams.get('limit') ?? 10);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const page = [...this.entries].reverse().slice(offset, offset + limit);
    res.end(JSON.stringify({ entries: page.map((e) => ({ ...e, metadata: {} })), limit, offset, count: page.length }));
  };
}
