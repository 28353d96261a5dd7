// Indigenius API calls and their mapping to tally's models (seeds/indigenius.txt, SPEC §1).
import { entryPaging, typeOf } from '../shared/entries.js';
import { countedPages, numberedPage, type Page } from '../shared/paginate.js';
import { readLater, ShapeReader } from '../shared/shape.js';
import { UsageError } from '../../core/errors.js';
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

const TRANSACTIONS = '/v1/billing/transactions';
const PAGE = 100;

/**
 * The documented envelope: {status, message, data, meta}. One whose status is false (the provider saying no)
 * never gets here: http.ts turns it into the provider's message, as it does any 2xx body that says it failed.
 */
function envelope(r: ShapeReader, body: unknown): Record<string, unknown> {
  return r.object(body, 'body');
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
    unit: r.unit(e, 'currency', field, 'USD'),
    description: r.optionalString(e, 'description', field),
    reference: null,
    metadata: null,
  };
}

/** Indigenius documents no balance endpoint: the newest transaction's balance_after stands in, labelled so. */
async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson(TRANSACTIONS, { page: 1, pageSize: 1 });
  const r = new ShapeReader(res);
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

/** Page `index` of the envelope's pages: meta.totalCount, and pages numbered by the meta.pageSize served. */
function envelopePage<T>(r: ShapeReader, env: Record<string, unknown>, index: number, size: number, items: T[]): Page<T> {
  const meta = r.object(env.meta, 'body.meta');
  return numberedPage(
    index,
    size,
    items,
    r.integer(meta, 'totalCount', 'body.meta'),
    r.optionalPageSize(meta, 'pageSize', 'body.meta', items.length),
  );
}

/** Page/pageSize with meta.totalCount; no server-side filters, so shifts are followed through the total. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const pages = countedPages(
    async (index, size = PAGE) =>
      readLater(await ctx.http.getJsonDeferred(TRANSACTIONS, { page: index + 1, pageSize: size }), (r, json) => {
        const env = envelope(r, json);
        const list = r.array(env.data, 'body.data');
        return envelopePage(
          r,
          env,
          index,
          size,
          list.map((raw, i) => mapIndigeniusEntry(r, raw, `body.data[${i}]`)),
        );
      }),
    entryPaging(`GET ${TRANSACTIONS}`, PAGE, query),
  );
  return { pages, applied: { type: false, since: false, until: false } };
}

const HISTORY = '/v1/billing/history';

/** Billing history (cost, duration, product, unit), every page, grouped by product or by day. */
async function usage(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport> {
  const by = query.by ?? 'product';
  const acc = new UsageAccumulator(by, query.zone, query.period);
  const since = query.since?.toISOString();
  const until = query.until?.toISOString();
  const pages = countedPages(
    async (index, size = PAGE) =>
      readLater(await ctx.http.getJsonDeferred(HISTORY, { page: index + 1, pageSize: size }), (r, json) => {
        const env = envelope(r, json);
        const items = r.array(env.data, 'body.data').map((raw, i) => {
          const field = `body.data[${i}]`;
          const h = r.object(raw, field);
          // the seed shows no date on history items; one is used where the API sends it
          const at = h.createdAt === undefined || h.createdAt === null ? null : r.timestamp(h, 'createdAt', field);
          return {
            id: r.id(h, 'id', field),
            at,
            product: r.optionalString(h, 'product', field),
            duration: typeof h.duration === 'number' ? h.duration : null,
            cost: r.decimal(h, 'cost', field),
          };
        });
        return envelopePage(r, env, index, size, items);
      }),
    {
      endpoint: `GET ${HISTORY}`,
      pageSize: PAGE,
      idOf: (h) => h.id,
      fingerprint: (h) => `${h.id}|${h.cost.toString()}`,
      onPage: query.onPage,
      onRepeat: () => undefined, // an item listed twice in a row was billed once: counted once
    },
  );
  for await (const page of pages) {
    for (const h of page) {
      if ((since || until || by === 'day') && h.at === null) {
        throw new UsageError(
          'indigenius billing history items carry no dates here, so they cannot be grouped by day or cut by --since/--until',
          'use --by product without dates',
        );
      }
      if (since && h.at !== null && h.at < since) continue;
      if (until && h.at !== null && h.at >= until) continue;
      acc.add(h);
    }
  }
  return acc.report('USD', since ?? null, until ?? null);
}

/** The plan and the currencies the account can bill in. */
async function account(ctx: ProviderContext): Promise<AccountOverview> {
  const [planRes, currenciesRes] = await Promise.all([ctx.http.getJson('/v1/billing/plan'), ctx.http.getJson('/v1/billing/currencies')]);
  const pr = new ShapeReader(planRes);
  const plan = pr.object(envelope(pr, planRes.body).data, 'body.data');
  const planCurrency = pr.unit(plan, 'currency', 'body.data', 'USD');
  const price = formatAmount(pr.decimal(plan, 'price', 'body.data'), planCurrency);
  const cr = new ShapeReader(currenciesRes);
  const currencies = cr.array(envelope(cr, currenciesRes.body).data, 'body.data').map((raw, i) => {
    const c = cr.object(raw, `body.data[${i}]`);
    return {
      code: cr.string(c, 'code', `body.data[${i}]`),
      name: cr.optionalString(c, 'name', `body.data[${i}]`),
      symbol: cr.optionalString(c, 'symbol', `body.data[${i}]`),
    };
  });
  const planJson = {
    name: pr.string(plan, 'name', 'body.data'),
    price,
    currency: planCurrency,
    interval: pr.optionalString(plan, 'interval', 'body.data'),
    renewsAt: plan.renewsAt === undefined || plan.renewsAt === null ? null : pr.timestamp(plan, 'renewsAt', 'body.data'),
  };
  return {
    fields: [
      { label: 'plan', value: planJson.name },
      { label: 'price', value: `${price} ${planCurrency}${planJson.interval ? ` a ${planJson.interval}` : ''}` },
      { label: 'renews at', value: planJson.renewsAt, time: true },
    ],
    tables: [
      { title: 'currencies', columns: ['CODE', 'NAME', 'SYMBOL'], rows: currencies.map((c) => [c.code, c.name ?? '', c.symbol ?? '']) },
    ],
    json: { plan: planJson, currencies },
  };
}

export const adapter: ProviderAdapter = {
  info,
  balance,
  ledger,
  usage,
  account,
  errorMessage: (body) => {
    if (typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).message === 'string') {
      return (body as Record<string, string>).message;
    }
    return undefined;
  },
};
