// ByteSpike API calls and their mapping to tally's models (seeds/bytespike.txt, SPEC §1 for /balance).
import { describeEntry, entryPaging, pushableType, typeOf } from '../shared/entries.js';
import { countedPages, numberedPage, type Page } from '../shared/paginate.js';
import { readLater, ShapeReader } from '../shared/shape.js';
import { formatAmount } from '../../core/money.js';
import { UsageAccumulator } from '../shared/usage.js';
import type {
  AccountOverview,
  Balance,
  LedgerEntry,
  LedgerQuery,
  LedgerRead,
  ProviderAdapter,
  ProviderContext,
  UsageQuery,
  UsageReport,
} from '../types.js';
import { info } from './info.js';

const TRANSACTIONS = '/api/v1/me/billing/transactions';
const PAGE = 200;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/v1/balance');
  const r = new ShapeReader(res);
  const body = r.object(res.body, 'body');
  return {
    unit: r.unit(body, 'currency', 'body', 'USD'),
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
  const id = r.id(e, 'id', field);
  const source = r.metadata(e, 'source', field, id);
  return {
    id,
    createdAt: r.timestamp(e, 'created_at', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter: r.optionalDecimal(e, 'balance_after_usd', field),
    unit: 'USD',
    description: describeEntry(r.optionalString(e, 'note', field), source),
    reference: typeof source?.receipt_id === 'string' ? source.receipt_id : null,
    metadata: source ? { source } : null,
  };
}

/** Page `index` of a listing's pages: its total, and pages numbered by the page_size served. */
function pageOf<T>(r: ShapeReader, body: Record<string, unknown>, index: number, size: number, items: T[]): Page<T> {
  return numberedPage(index, size, items, r.integer(body, 'total', 'body'), r.optionalPageSize(body, 'page_size', 'body', items.length));
}

/**
 * Pages with a total. No `until` but the user's: the local clock may be behind the provider's, and would
 * cut off its newest entries; those posted during the read are left out by the total (countedPages).
 */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const kind = pushableType(info.entryTypes, query.types);
  const filters = { kind, since: query.since?.toISOString(), until: query.until?.toISOString() };
  const pages = countedPages(
    async (index, size = PAGE) =>
      readLater(await ctx.http.getJsonDeferred(TRANSACTIONS, { page: index + 1, page_size: size, ...filters }), (r, json) => {
        const body = r.object(json, 'body');
        const list = r.array(body.items, 'body.items');
        return pageOf(
          r,
          body,
          index,
          size,
          list.map((raw, i) => mapBytespikeEntry(r, raw, `body.items[${i}]`)),
        );
      }),
    entryPaging(`GET ${TRANSACTIONS}`, PAGE, query),
  );
  return { pages, applied: { type: kind !== undefined, since: query.since !== undefined, until: true } };
}

const USAGE = '/api/v1/me/usage';

/** Per-call usage, every page, grouped by model or by day. */
async function usage(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport> {
  const acc = new UsageAccumulator(query.by ?? 'model', query.zone, query.period);
  // no `until` from the local clock, as for the ledger: the total keeps calls made meanwhile out
  const filters = { since: query.since?.toISOString(), until: query.until?.toISOString() };
  const pages = countedPages(
    async (index, size = PAGE) =>
      readLater(await ctx.http.getJsonDeferred(USAGE, { page: index + 1, page_size: size, ...filters }), (r, json) => {
        const body = r.object(json, 'body');
        const items = r.array(body.items, 'body.items').map((raw, i) => {
          const field = `body.items[${i}]`;
          const u = r.object(raw, field);
          return {
            id: r.id(u, 'id', field),
            at: r.timestamp(u, 'created_at', field),
            model: r.string(u, 'model', field),
            inputTokens: r.integer(u, 'input_tokens', field),
            outputTokens: r.integer(u, 'output_tokens', field),
            cost: r.decimal(u, 'cost_usd', field),
          };
        });
        return pageOf(r, body, index, size, items);
      }),
    {
      endpoint: `GET ${USAGE}`,
      pageSize: PAGE,
      idOf: (u) => u.id,
      fingerprint: (u) => `${u.id}|${u.at}|${u.cost.toString()}`,
      onPage: query.onPage,
      onRepeat: () => undefined, // a call listed twice in a row was made once: counted once
    },
  );
  // the period is applied to what comes back too: calls outside it, from an API that ignores it, are not the period's
  const { since, until } = filters;
  for await (const page of pages) {
    for (const u of page) if ((since === undefined || u.at >= since) && (until === undefined || u.at < until)) acc.add(u);
  }
  return acc.report('USD', since ?? null, until ?? null);
}

/** The wallet balance with its per-key roll-up. */
async function account(ctx: ProviderContext): Promise<AccountOverview> {
  const res = await ctx.http.getJson('/api/v1/balance');
  const r = new ShapeReader(res);
  const body = r.object(res.body, 'body');
  const unit = r.unit(body, 'currency', 'body', 'USD');
  const balanceText = formatAmount(r.decimal(body, 'balance_usd', 'body'), unit);
  const keys = (body.keys === undefined ? [] : r.array(body.keys, 'body.keys')).map((raw, i) => {
    const field = `body.keys[${i}]`;
    const k = r.object(raw, field);
    const limit = r.optionalDecimal(k, 'limit_usd', field);
    return {
      id: r.id(k, 'id', field),
      name: r.optionalString(k, 'name', field),
      spent: formatAmount(r.decimal(k, 'spent_usd', field), unit),
      limit: limit === null ? null : formatAmount(limit, unit),
    };
  });
  return {
    fields: [{ label: `balance (${unit})`, value: balanceText }],
    tables: [
      {
        title: 'spend by key',
        columns: ['KEY', 'NAME', `SPENT (${unit})`, `LIMIT (${unit})`],
        rows: keys.map((k) => [k.id, k.name ?? '', k.spent, k.limit ?? 'none']),
      },
    ],
    json: { unit, balance: balanceText, keys },
  };
}

export const adapter: ProviderAdapter = { info, balance, ledger, usage, account };
