// Conduit's API calls and their mapping to tally's models (seeds/conduit.txt).

import { entryPaging, typeOf } from '../shared/entries.js';
import { overlappingOffsets } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import type { Balance, LedgerEntry, LedgerQuery, LedgerRead, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

const LEDGER = '/api/billing/ledger';
const PAGE = 100;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/billing/balance');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  const cents = r.minor(body, 'balanceInCents', 'body', 2);
  return { unit: 'USD', balance: cents, available: null, reserved: null, asOf: ctx.now().toISOString(), source: 'balance endpoint' };
}

export function mapConduitEntry(r: ShapeReader, raw: unknown, field: string): LedgerEntry {
  const e = r.object(raw, field);
  const providerType = r.string(e, 'type', field);
  const amount = r.minor(e, 'amountInCents', field, 2);
  const balanceAfter =
    e.balanceAfterInCents === undefined || e.balanceAfterInCents === null ? null : r.minor(e, 'balanceAfterInCents', field, 2);
  const metadata = e.metadata === undefined || e.metadata === null ? null : r.object(e.metadata, `${field}.metadata`);
  const model = typeof metadata?.model === 'string' ? metadata.model : undefined;
  const tokens = typeof metadata?.tokens === 'number' ? metadata.tokens : undefined;
  return {
    id: r.id(e, 'id', field),
    createdAt: r.timestamp(e, 'createdAt', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter,
    unit: 'USD',
    description: model ? `${model}${tokens === undefined ? '' : `, ${tokens} tokens`}` : null,
    reference: typeof metadata?.stripePaymentId === 'string' ? metadata.stripePaymentId : null,
    metadata,
  };
}

/** Conduit filters nothing server-side and reports no total: overlapping offset pages, newest first. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const pages = overlappingOffsets(
    async (offset, limit) => {
      const res = await ctx.http.getJson(LEDGER, { limit, offset });
      const r = new ShapeReader(res.endpoint);
      const list = r.array(r.object(res.body, 'body').entries, 'body.entries');
      return { items: list.map((raw, i) => mapConduitEntry(r, raw, `body.entries[${i}]`)) };
    },
    entryPaging(`GET ${LEDGER}`, PAGE, query),
  );
  return { pages, applied: { type: false, since: false, until: false } };
}

export const adapter: ProviderAdapter = { info, balance, ledger };
