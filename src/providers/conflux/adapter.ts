// Conflux API calls and their mapping to tally's models (seeds/conflux.txt).
import { entryPaging } from '../shared/entries.js';
import { singlePage } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import { Decimal, formatAmount } from '../../core/money.js';
import type {
  AccountOverview,
  Balance,
  LedgerEntry,
  LedgerQuery,
  LedgerRead,
  Pack,
  ProviderAdapter,
  ProviderContext,
  UsageQuery,
  UsageReport,
} from '../types.js';
import { info } from './info.js';

const HISTORY = '/v1/billing/history';

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/v1/api-credits');
  const r = new ShapeReader(res);
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
      const r = new ShapeReader(res);
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

/** Credits per 1K tokens by model tier, as the seed publishes them. */
const TIERS = [
  { tier: 'Core', inputPer1k: '1', outputPer1k: '2', models: ['gpt-4o-mini', 'deepseek-chat', 'gemini-flash'] },
  { tier: 'Pro', inputPer1k: '3', outputPer1k: '6', models: ['gemini-2.5-flash', 'gpt-4.1-mini', 'deepseek-r1'] },
  { tier: 'Ultra', inputPer1k: '8', outputPer1k: '16', models: ['claude-sonnet', 'gpt-4.1', 'claude-opus'] },
];

/** Conflux reports lifetime consumption only; --by model adds the credit cost per 1K tokens by tier. */
async function usage(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport> {
  const b = await balance(ctx);
  const consumed = b.totals?.consumed ?? null;
  return {
    unit: 'credits',
    from: null,
    to: null,
    by: query.by ?? null,
    totals: { requests: null, inputTokens: null, outputTokens: null, tokens: null, duration: null, cost: consumed },
    groups: [],
    ...(query.by === 'model'
      ? {
          rates: TIERS.map((t) => ({
            tier: t.tier,
            inputPer1k: Decimal.parse(t.inputPer1k),
            outputPer1k: Decimal.parse(t.outputPer1k),
            models: t.models,
          })),
        }
      : {}),
  };
}

async function account(ctx: ProviderContext): Promise<AccountOverview> {
  const b = await balance(ctx);
  const show = (d: Decimal | null | undefined) => (d ? formatAmount(d, 'credits') : null);
  return {
    fields: [
      { label: 'balance (credits)', value: show(b.balance) },
      { label: 'purchased (credits)', value: show(b.totals?.purchased) },
      { label: 'consumed (credits)', value: show(b.totals?.consumed) },
    ],
    tables: [],
    json: { unit: 'credits', balance: show(b.balance), totalPurchased: show(b.totals?.purchased), totalConsumed: show(b.totals?.consumed) },
  };
}

/** "$9.99" → 9.99; "~950,000" → 950000; null when the text is not a plain figure. */
function parseFigure(text: string): Decimal | null {
  const cleaned = text.replace(/[~$,\s]/g, '');
  try {
    return /^\d+(\.\d+)?$/.test(cleaned) ? Decimal.parse(cleaned) : null;
  } catch {
    return null;
  }
}

/** The packs on sale: no key needed, as documented. */
async function packs(ctx: ProviderContext): Promise<Pack[]> {
  const res = await ctx.http.getJson('/v1/billing/packs', undefined, { auth: false });
  const r = new ShapeReader(res);
  const list = r.array(r.object(res.body, 'body').data, 'body.data');
  return list.map((raw, i) => {
    const field = `body.data[${i}]`;
    const p = r.object(raw, field);
    const price = r.string(p, 'price', field);
    const credits = r.string(p, 'credits_after_fee', field);
    return {
      key: r.string(p, 'key', field),
      name: r.string(p, 'name', field),
      price,
      creditsAfterFee: credits,
      note: r.optionalString(p, 'note', field),
      priceUsd: parseFigure(price),
      credits: parseFigure(credits),
      raw: p,
    };
  });
}

async function checkout(ctx: ProviderContext, pack: string): Promise<string> {
  const res = await ctx.http.postJson('/v1/billing/checkout', { pack });
  const r = new ShapeReader(res);
  const url = r.string(r.object(res.body, 'body'), 'url', 'body');
  if (!/^https:\/\//.test(url)) r.fail('body.url', `should be an https URL but is "${r.quote(url, 40)}"`);
  return url;
}

export const adapter: ProviderAdapter = { info, balance, ledger, usage, account, packs, checkout };
