// Account API calls and their mapping to tally's models (seeds/account-api.txt).
import { ShapeReader } from '../shared/shape.js';
import type { Balance, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

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

export const adapter: ProviderAdapter = { info, balance };
