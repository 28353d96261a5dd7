// ByteSpike API calls and their mapping to tally's models (seeds/bytespike.txt, SPEC §1 for /balance).
import { entryPaging, pushableType, typeOf, upperBound } from '../shared/entries.js';
import { countedPages } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import type { Balance, LedgerEntry, LedgerQuery, LedgerRead, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

const TRANSACTIONS = '/api/v1/me/billing/transactions';
const PAGE = 200;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/v1/balance');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  return {
    unit: r.optionalString(body, 'currency', 'body') ?? 'USD',
    balance: r.decimal(body, 'balance_usd', 'body'),
    available: null,
    reserved: null,
    asOf: ctx.now().toISOString(),
    source: 'balance endpoint',
  };
}

export function mapBytespikeEntry(r: ShapeReader, raw: unknown, field: string): LedgerEntry {
  const e = r.object(raw, field);
  const providerType = r.string(e, 'kind', field);
  const amount = r.decimal(e, 'amount_usd', field);
  const source = e.source === undefined || e.source === null ? null : r.object(e.source, `${field}.source`);
  return {
    id: r.id(e, 'id', field),
    createdAt: r.timestamp(e, 'created_at', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter: r.optionalDecimal(e, 'balance_after_usd', field),
    unit: 'USD',
    description: r.optionalString(e, 'note', field),
    reference: typeof source?.receipt_id === 'string' ? source.receipt_id : null,
    metadata: source ? { source } : null,
  };
}

/** Pages with a total, bounded above by the read's start (`until`), so entries posted meanwhile stay out. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const kind = pushableType(info.entryTypes, query.type);
  const filters = { kind, since: query.since?.toISOString(), until: upperBound(query).toISOString() };
  const pages = countedPages(
    async (index) => {
      const res = await ctx.http.getJson(TRANSACTIONS, { page: index + 1, page_size: PAGE, ...filters });
      const r = new ShapeReader(res.endpoint);
      const body = r.object(res.body, 'body');
      const list = r.array(body.items, 'body.items');
      return { items: list.map((raw, i) => mapBytespikeEntry(r, raw, `body.items[${i}]`)), total: r.integer(body, 'total', 'body') };
    },
    entryPaging(`GET ${TRANSACTIONS}`, PAGE, query),
  );
  return { pages, applied: { type: kind !== undefined, since: query.since !== undefined, until: true } };
}

export const adapter: ProviderAdapter = { info, balance, ledger };
