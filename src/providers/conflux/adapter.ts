// Conflux API calls and their mapping to tally's models (seeds/conflux.txt).
import { entryPaging } from '../shared/entries.js';
import { singlePage } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import type { Balance, LedgerEntry, LedgerQuery, LedgerRead, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

const HISTORY = '/v1/billing/history';

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/v1/api-credits');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  return {
    unit: 'credits',
    balance: r.decimal(body, 'balance', 'body'),
    available: null,
    reserved: null,
    asOf: ctx.now().toISOString(),
    source: 'balance endpoint',
    totals: { purchased: r.decimal(body, 'total_purchased', 'body'), consumed: r.decimal(body, 'total_consumed', 'body') },
  };
}

/** A purchase: the history holds nothing else. */
export function mapConfluxEntry(r: ShapeReader, raw: unknown, field: string): LedgerEntry {
  const e = r.object(raw, field);
  return {
    id: r.id(e, 'id', field),
    createdAt: r.timestamp(e, 'created_at', field),
    type: 'purchase',
    providerType: 'purchase',
    amount: r.decimal(e, 'amount', field),
    balanceAfter: r.optionalDecimal(e, 'balance_after', field),
    unit: 'credits',
    description: null,
    reference: r.optionalString(e, 'stripe_payment_id', field),
    metadata: null,
  };
}

/** One unpaginated response; the seed does not promise an order, so it is put newest first. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const pages = singlePage(
    async () => {
      const res = await ctx.http.getJson(HISTORY);
      const r = new ShapeReader(res.endpoint);
      const list = r.array(r.object(res.body, 'body').data, 'body.data');
      const items = list.map((raw, i) => mapConfluxEntry(r, raw, `body.data[${i}]`));
      const first = items[0];
      const last = items[items.length - 1];
      if (first && last && first.createdAt < last.createdAt) items.reverse();
      return { items };
    },
    entryPaging(`GET ${HISTORY}`, Number.MAX_SAFE_INTEGER, query),
  );
  return { pages, applied: { type: false, since: false, until: false } };
}

export const adapter: ProviderAdapter = { info, balance, ledger };
