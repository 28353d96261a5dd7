// Conduit's API calls and their mapping to tally's models (seeds/conduit.txt).

import { describeEntry, entryPaging, typeOf } from '../shared/entries.js';
import { overlappingOffsets } from '../shared/paginate.js';
import { ShapeReader } from '../shared/shape.js';
import { Decimal, formatAmount } from '../../core/money.js';
import { applyFilter } from '../shared/filter.js';
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

const LEDGER = '/api/billing/ledger';
const PAGE = 100;

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/billing/balance');
  const r = new ShapeReader(res);
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
  const id = r.id(e, 'id', field);
  const metadata = r.metadata(e, 'metadata', field, id);
  const model = typeof metadata?.model === 'string' ? metadata.model : undefined;
  const tokens = typeof metadata?.tokens === 'number' ? metadata.tokens : undefined;
  return {
    id,
    createdAt: r.timestamp(e, 'createdAt', field),
    type: typeOf(info.entryTypes, providerType, amount),
    providerType,
    amount,
    balanceAfter,
    unit: 'USD',
    // a support credit's reason is in metadata.note, a usage debit's model and tokens beside it
    description: describeEntry(model ? `${model}${tokens === undefined ? '' : `, ${tokens} tokens`}` : null, metadata),
    reference: typeof metadata?.stripePaymentId === 'string' ? metadata.stripePaymentId : null,
    metadata,
  };
}

/** Conduit filters nothing server-side and reports no total: overlapping offset pages, newest first, to an empty page. */
function ledger(ctx: ProviderContext, query: LedgerQuery): LedgerRead {
  const pages = overlappingOffsets(
    async (offset, limit) => {
      const res = await ctx.http.getJson(LEDGER, { limit, offset });
      const r = new ShapeReader(res);
      const body = r.object(res.body, 'body');
      const list = r.array(body.entries, 'body.entries');
      // the limit it echoes is the page size it served, which may be less than asked
      return {
        items: list.map((raw, i) => mapConduitEntry(r, raw, `body.entries[${i}]`)),
        served: r.optionalPageSize(body, 'limit', 'body', list.length),
      };
    },
    entryPaging(`GET ${LEDGER}`, PAGE, query),
  );
  return { pages, applied: { type: false, since: false, until: false } };
}

/**
 * Every entry since/until, newest first (the ledger has no server-side filters). An entry listed twice in a
 * row is one movement of money: usage and the totals count it once.
 */
async function* entriesIn(ctx: ProviderContext, since?: Date, until?: Date, onPage?: LedgerQuery['onPage']): AsyncGenerator<LedgerEntry> {
  const read = ledger(ctx, { startedAt: ctx.now(), onRepeat: () => undefined, onPage });
  for await (const page of applyFilter(read.pages, { since, until })) yield* page;
}

/** Conduit has no usage endpoint: usage is the ledger's USAGE_DEBIT entries, with model and tokens from their metadata. */
async function usage(ctx: ProviderContext, query: UsageQuery): Promise<UsageReport> {
  const acc = new UsageAccumulator(query.by ?? 'model', query.zone, query.period);
  for await (const e of entriesIn(ctx, query.since, query.until, query.onPage)) {
    if (e.providerType !== 'USAGE_DEBIT') continue;
    const tokens = typeof e.metadata?.tokens === 'number' ? e.metadata.tokens : null;
    acc.add({ model: typeof e.metadata?.model === 'string' ? e.metadata.model : null, at: e.createdAt, tokens, cost: e.amount.neg() });
  }
  return acc.report('USD', query.since?.toISOString() ?? null, query.until?.toISOString() ?? null);
}

/** Balance, and the ledger's totals by type. */
async function account(ctx: ProviderContext): Promise<AccountOverview> {
  const b = await balance(ctx);
  const byType = new Map<string, { count: number; total: Decimal }>();
  for await (const e of entriesIn(ctx)) {
    const t = byType.get(e.providerType) ?? { count: 0, total: Decimal.ZERO };
    t.count++;
    t.total = t.total.add(e.amount);
    byType.set(e.providerType, t);
  }
  const rows = [...byType.entries()].map(([type, t]) => [type, String(t.count), formatAmount(t.total, 'USD')]);
  const shown = b.balance ? formatAmount(b.balance, 'USD') : null;
  return {
    fields: [{ label: 'balance (USD)', value: shown }],
    tables: [{ title: 'ledger totals by type', columns: ['TYPE', 'ENTRIES', 'TOTAL (USD)'], rows }],
    json: {
      balance: shown,
      unit: 'USD',
      ledgerTotals: Object.fromEntries(
        [...byType.entries()].map(([type, t]) => [type, { entries: t.count, total: formatAmount(t.total, 'USD') }]),
      ),
    },
  };
}

export const adapter: ProviderAdapter = { info, balance, ledger, usage, account };
