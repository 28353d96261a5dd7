// Indigenius API calls and their mapping to tally's models (seeds/indigenius.txt, SPEC §1).
import { entryPaging, typeOf } from '../shared/entries.js';
import { countedPages } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import type { Balance, LedgerEntry, LedgerQuery, LedgerRead, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

const TRANSACTIONS = '/v1/billing/transactions';
const PAGE = 100;

/** The documented envelope: {status, message, data, meta}. status false is the provider saying no. */
function envelope(r: ShapeReader, body: unknown): Record<string, unknown> {
  const env = r.object(body, 'body');
  if (env.status === false) r.fail('body.status', `is false (${String(env.message ?? 'no message')})`);
  return env;
}

export function mapIndigeniusEntry(r: ShapeReader, raw: unknown, field: string): LedgerEntry {
  const e = r.object(raw, field);
  const providerType = r.string(e, 'type', field);
  const given = r.decimal(e, 'amount', field);
  const amount = providerType === 'debit' && !given.isNegative() ? given.neg() : given;
  return {
    id: r.id(e, 'id', field),
    createdAt: r.timestamp(e, 'createdAt', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter: r.optionalDecimal(e, 'balance_after', field),
    unit: r.optionalString(e, 'currency', field) ?? 'USD',
    description: r.optionalString(e, 'description', field),
    reference: null,
    metadata: null,
  };
}

/** Indigenius documents no balance endpoint: the newest transaction's balance_after stands in, labelled so. */
async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson(TRANSACTIONS, { page: 1, pageSize: 1 });
  const r = new ShapeReader(res.endpoint);
  const items = r.array(envelope(r, res.body).data, 'body.data');
  if (items.length === 0) {
    return { unit: 'USD', balance: null, available: null, reserved: null, asOf: null, source: 'newest transaction' };
  }
  const newest = mapIndigeniusEntry(r, items[0], 'body.data[0]');
  return {
    unit: newest.unit,
    balance: newest.balanceAfter,
    available: null,
    reserved: null,
    asOf: newest.createdAt,
    source: 'newest transaction',
  };
}

/** Page/pageSize with meta.totalCount; no server-side filters, so shifts are followed through the total. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const pages = countedPages(
    async (index) => {
      const res = await ctx.http.getJson(TRANSACTIONS, { page: index + 1, pageSize: PAGE });
      const r = new ShapeReader(res.endpoint);
      const env = envelope(r, res.body);
      const list = r.array(env.data, 'body.data');
      const meta = r.object(env.meta, 'body.meta');
      return {
        items: list.map((raw, i) => mapIndigeniusEntry(r, raw, `body.data[${i}]`)),
        total: r.integer(meta, 'totalCount', 'body.meta'),
      };
    },
    entryPaging(`GET ${TRANSACTIONS}`, PAGE, query),
  );
  return { pages, applied: { type: false, since: false, until: false } };
}

export const adapter: ProviderAdapter = {
  info,
  balance,
  ledger,
  errorMessage: (body) => {
    if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).message === 'string') {
      return (body as Record<string, string>).message;
    }
    return undefined;
  },
};
