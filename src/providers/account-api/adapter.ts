// Account API calls and their mapping to tally's models (seeds/account-api.txt, ledger envelope per SPEC §1).
import { entryPaging, pushableType, typeOf, upperBound } from '../shared/entries.js';
import { countedPages } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import type { Balance, LedgerEntry, LedgerQuery, LedgerRead, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

const LEDGER = '/auth/account/ledger';
const PAGE = 100;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/auth/account/credits');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  const lastUpdated = body.last_updated === undefined || body.last_updated === null ? null : r.timestamp(body, 'last_updated', 'body');
  return {
    unit: r.optionalString(body, 'currency', 'body') ?? 'credits',
    balance: r.decimal(body, 'balance', 'body'),
    available: r.optionalDecimal(body, 'available', 'body'),
    reserved: r.optionalDecimal(body, 'reserved', 'body'),
    asOf: lastUpdated ?? ctx.now().toISOString(),
    source: 'balance endpoint',
  };
}

export function mapAccountApiEntry(r: ShapeReader, raw: unknown, field: string, unit: string): LedgerEntry {
  const e = r.object(raw, field);
  const providerType = r.string(e, 'type', field);
  const given = r.decimal(e, 'amount', field);
  // a debit is reported as a positive amount but takes money away; adjustments carry their own sign
  const amount = providerType === 'debit' && !given.isNegative() ? given.neg() : given;
  const metadata = e.metadata === undefined || e.metadata === null ? null : r.object(e.metadata, `${field}.metadata`);
  return {
    id: r.id(e, 'id', field),
    createdAt: r.timestamp(e, 'created_at', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter: r.optionalDecimal(e, 'balance_after', field),
    unit,
    description: r.optionalString(e, 'description', field),
    reference: r.optionalString(e, 'reference', field),
    metadata,
  };
}

/** Offset pages with a total, bounded above by the read's start (`to`), so entries posted meanwhile stay out. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const type = pushableType(info.entryTypes, query.type);
  const filters = { type, from: query.since?.toISOString(), to: upperBound(query).toISOString() };
  async function* read(): AsyncGenerator<LedgerEntry[]> {
    // ledger entries carry no currency; the credit balance does, so the unit comes from there
    const { unit } = await balance(ctx);
    yield* countedPages(
      async (index) => {
        const res = await ctx.http.getJson(LEDGER, { ...filters, limit: PAGE, offset: index * PAGE });
        const r = new ShapeReader(res.endpoint);
        const body = r.object(res.body, 'body');
        const list = r.array(body.data, 'body.data');
        return {
          items: list.map((raw, i) => mapAccountApiEntry(r, raw, `body.data[${i}]`, unit)),
          total: r.integer(body, 'total', 'body'),
        };
      },
      entryPaging(`GET ${LEDGER}`, PAGE, query),
    );
  }
  return { pages: read(), applied: { type: type !== undefined, since: query.since !== undefined, until: true } };
}

export const adapter: ProviderAdapter = { info, balance, ledger };
