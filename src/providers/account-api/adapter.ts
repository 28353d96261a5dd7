// Account API calls and their mapping to tally's models (seeds/account-api.txt, ledger envelope per SPEC §1).
import { describeEntry, entryPaging, pushableType, typeOf } from '../shared/entries.js';
import { countedPages } from '../shared/paginate.js';
import { readLater, ShapeReader } from '../shared/shape.js';
import { type Decimal, formatAmount } from '../../core/money.js';
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

const LEDGER = '/auth/account/ledger';
const PAGE = 100;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/auth/account/credits');
  const r = new ShapeReader(res);
  const body = r.object(res.body, 'body');
  const lastUpdated = body.last_updated === undefined || body.last_updated === null ? null : r.timestamp(body, 'last_updated', 'body');
  return {
    unit: r.unit(body, 'currency', 'body', 'credits'),
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
  const id = r.id(e, 'id', field);
  const metadata = r.metadata(e, 'metadata', field, id);
  return {
    id,
    createdAt: r.timestamp(e, 'created_at', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter: r.optionalDecimal(e, 'balance_after', field),
    unit,
    description: describeEntry(r.optionalString(e, 'description', field), metadata),
    reference: r.optionalString(e, 'reference', field),
    metadata,
  };
}

/**
 * Offset pages with a total. No `to` but the user's: the local clock may be behind the provider's, and would
 * cut off its newest entries; those posted during the read are left out by the total (countedPages).
 */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const type = pushableType(info.entryTypes, query.types);
  const filters = { type, from: query.since?.toISOString(), to: query.until?.toISOString() };
  async function* read(): AsyncGenerator<LedgerEntry[]> {
    // ledger entries carry no currency; the credit balance does, so the unit comes from there
    const { unit } = await balance(ctx);
    yield* countedPages(
      async (index, size = PAGE) =>
        readLater(await ctx.http.getJsonDeferred(LEDGER, { ...filters, limit: size, offset: index * size }), (r, json) => {
          const body = r.object(json, 'body');
          const list = r.array(body.data, 'body.data');
          // entries start at the offset asked; the limit it echoes is the page size it served
          return {
            items: list.map((raw, i) => mapAccountApiEntry(r, raw, `body.data[${i}]`, unit)),
            total: r.integer(body, 'total', 'body'),
            served: r.optionalPageSize(body, 'limit', 'body', list.length),
          };
        }),
      entryPaging(`GET ${LEDGER}`, PAGE, query),
    );
  }
  return { pages: read(), applied: { type: type !== undefined, since: query.since !== undefined, until: true } };
}

interface UsageStats {
  period: string | null;
  total: number;
  successful: number | null;
  failed: number | null;
  consumed: Decimal;
  byEndpoint: Array<[string, number]>;
  start: string | null;
  end: string | null;
}

function readUsageStats(r: ShapeReader, raw: unknown, field: string): UsageStats {
  const u = r.object(raw, field);
  const byEndpointRaw =
    u.requests_by_endpoint === undefined || u.requests_by_endpoint === null
      ? {}
      : r.object(u.requests_by_endpoint, `${field}.requests_by_endpoint`);
  const byEndpoint = Object.entries(byEndpointRaw).map(([endpoint, count]): [string, number] => {
    if (typeof count !== 'number' || !Number.isSafeInteger(count))
      r.fail(`${field}.requests_by_endpoint.${endpoint}`, `should be a count but is ${typeof count}`);
    return [endpoint, count];
  });
  const ts = (key: string) => (u[key] === undefined || u[key] === null ? null : r.timestamp(u, key, field));
  return {
    period: r.optionalString(u, 'period', field),
    total: r.integer(u, 'total_requests', field),
    successful: typeof u.successful_requests === 'number' ? r.integer(u, 'successful_requests', field) : null,
    failed: typeof u.failed_requests === 'number' ? r.integer(u, 'failed_requests', field) : null,
    consumed: r.decimal(u, 'credits_consumed', field),
    byEndpoint,
    start: ts('period_start'),
    end: ts('period_end'),
  };
}

/** Usage statistics for a period; the API breaks requests down by endpoint, not by model or day. */
async function usage(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport> {
  const res = await ctx.http.getJson('/auth/account/usage', {
    period: query.period,
    from: query.since?.toISOString(),
    to: query.until?.toISOString(),
  });
  const stats = readUsageStats(new ShapeReader(res), res.body, 'body');
  const { unit } = await balance(ctx);
  const none = { inputTokens: null, outputTokens: null, tokens: null, duration: null, cost: null };
  return {
    unit,
    from: stats.start,
    to: stats.end,
    by: 'endpoint',
    totals: { requests: stats.total, successful: stats.successful, failed: stats.failed, ...none, cost: stats.consumed },
    groups: stats.byEndpoint.map(([key, requests]) => ({ key, requests, ...none })),
  };
}

/** The account summary: balance, subscription and this month's usage. */
async function account(ctx: ProviderContext): Promise<AccountOverview> {
  const res = await ctx.http.getJson('/auth/account/summary');
  const r = new ShapeReader(res);
  const body = r.object(res.body, 'body');
  const credit = r.object(body.credit_balance, 'body.credit_balance');
  const unit = r.unit(credit, 'currency', 'body.credit_balance', 'credits');
  const amount = (key: string) => {
    const d = r.optionalDecimal(credit, key, 'body.credit_balance');
    return d === null ? null : formatAmount(d, unit);
  };
  const sub = body.subscription === undefined || body.subscription === null ? null : r.object(body.subscription, 'body.subscription');
  const month =
    body.usage_this_month === undefined || body.usage_this_month === null
      ? null
      : readUsageStats(r, body.usage_this_month, 'body.usage_this_month');
  const text = (o: Record<string, unknown> | null, key: string) => (o && typeof o[key] === 'string' ? (o[key] as string) : null);
  const json = {
    email: r.optionalString(body, 'email', 'body'),
    unit,
    balance: amount('balance'),
    reserved: amount('reserved'),
    available: amount('available'),
    subscription: sub ? { plan: text(sub, 'plan'), status: text(sub, 'status'), renewsAt: text(sub, 'renews_at') } : null,
    usageThisMonth: month ? { requests: month.total, creditsConsumed: formatAmount(month.consumed, unit) } : null,
    totalRequestsAllTime: typeof body.total_requests_all_time === 'number' ? body.total_requests_all_time : null,
    accountCreatedAt: r.optionalString(body, 'account_created_at', 'body'),
    lastLoginAt: r.optionalString(body, 'last_login_at', 'body'),
  };
  return {
    fields: [
      { label: 'email', value: json.email },
      { label: `balance (${unit})`, value: json.balance },
      { label: `reserved (${unit})`, value: json.reserved },
      { label: `available (${unit})`, value: json.available },
      { label: 'subscription', value: json.subscription ? `${json.subscription.plan ?? '?'} (${json.subscription.status ?? '?'})` : null },
      { label: 'requests this month', value: month ? String(month.total) : null },
      { label: `consumed this month (${unit})`, value: json.usageThisMonth?.creditsConsumed ?? null },
      { label: 'requests, all time', value: json.totalRequestsAllTime === null ? null : String(json.totalRequestsAllTime) },
      { label: 'account created', value: json.accountCreatedAt, time: true },
      { label: 'last login', value: json.lastLoginAt, time: true },
    ],
    tables: [],
    json,
  };
}

export const adapter: ProviderAdapter = { info, balance, ledger, usage, account };
