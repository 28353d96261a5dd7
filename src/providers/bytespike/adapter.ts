// ByteSpike API calls and their mapping to tally's models (seeds/bytespike.txt, SPEC §1 for /balance).
import { ShapeReader } from '../shared/shape.js';
import type { Balance, ProviderAdapter, ProviderContext } from '../types.js';
import { info } from './info.js';

async function balance(ctx: ProviderContext): Promise<Balance> {
  const res = await ctx.http.getJson('/api/v1/balance');
  const r = new ShapeReader(res.endpoint);
  const body = r.object(res.body, 'body');
  return {
    unit: r.optionalString(body, 'currency', 'body') ?? 'USD',
    balance: r.decimal(body, 'balance_usd', 'body'),
    available: null,
    reserved: null,
    asOf: ctx.now().toISOString(),
    source: 'balance endpoint',
  };
}

export const adapter: ProviderAdapter = { info, balance };
